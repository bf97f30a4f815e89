using KeepAlive.Config.Model;

namespace KeepAlive.Kernel.Ports;

/// <summary>
/// Counts the processes matching one <c>vrrp_track_process</c> and decides its up/down status, as keepalived 2.2.7
/// core/track_process.c does (<c>check_process</c>, <c>check_process_fork</c>, <c>check_process_termination</c>,
/// <c>check_process_comm_change</c>, <c>reinitialise_track_processes</c>):
/// <list type="bullet">
/// <item>Up means quorum ≤ count ≤ quorum_max (quorum_max unbounded when unset; <c>quorum_max 0</c> means quorum 0:
/// up only while none runs).</item>
/// <item>Status is re-decided only when the count crosses a boundary (reaches quorum, drops below it, exceeds
/// quorum_max, or falls back to it).</item>
/// <item><c>fork_delay</c> defers a change caused by a fork; <c>terminate_delay</c> defers one caused by an exit. A
/// change of the other kind cancels the pending timer (and is applied at once). Exec and comm changes act at once.
/// When the timer is due (<see cref="Tick"/>), status becomes whatever the count says then.</item>
/// <item>A <see cref="Resync"/> after the first rebuilds the set and cancels pending delays: when the count now
/// disagrees with the decided status, gaining quorum acts at once, losing it waits for <c>terminate_delay</c>
/// (keepalived compares with the count before the rescan, which can leave a cancelled delay's status stuck; here
/// the decided status is the reference).</item>
/// </list>
/// Pure: time is the caller's monotonic clock, passed in. A pid counts once (keepalived counts a forked child that
/// then execs the same program twice until it exits; that double count is not reproduced).
/// </summary>
public sealed class ProcessCountTracker
{
    private readonly HashSet<int> _pids = [];
    private bool _synced;
    private bool _pendingTerminate;

    public ProcessCountTracker(ProcessMatcher matcher, int quorum, int? quorumMax, TimeSpan forkDelay, TimeSpan terminateDelay)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentOutOfRangeException.ThrowIfNegative(quorum);
        ArgumentOutOfRangeException.ThrowIfLessThan(forkDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(terminateDelay, TimeSpan.Zero);
        Matcher = matcher;
        QuorumMax = quorumMax ?? int.MaxValue;
        ArgumentOutOfRangeException.ThrowIfNegative(QuorumMax, nameof(quorumMax));
        // keepalived vrrp_tprocess_quorum_max_handler: quorum_max 0 sets quorum 0.
        Quorum = QuorumMax == 0 ? 0 : quorum;
        if (Quorum > QuorumMax)
            throw new ArgumentOutOfRangeException(nameof(quorum), quorum, $"quorum above quorum_max {QuorumMax}");
        ForkDelay = forkDelay;
        TerminateDelay = terminateDelay;
    }

    /// <summary>The tracker for a bound <c>vrrp_track_process</c>.</summary>
    public static ProcessCountTracker For(TrackProcessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ProcessCountTracker(ProcessMatcher.For(config), config.Quorum, config.QuorumMax, config.ForkDelay, config.TerminateDelay);
    }

    public ProcessMatcher Matcher { get; }

    public int Quorum { get; }

    /// <summary>The upper bound; <see cref="int.MaxValue"/> when unset.</summary>
    public int QuorumMax { get; }

    public TimeSpan ForkDelay { get; }

    public TimeSpan TerminateDelay { get; }

    /// <summary>The matching processes now.</summary>
    public int Count => _pids.Count;

    /// <summary>The matching pids now.</summary>
    public IReadOnlyCollection<int> Pids => _pids;

    /// <summary>Whether the count is within [quorum, quorum_max] right now (before delays).</summary>
    public bool InQuorum => InRange(_pids.Count);

    /// <summary>The decided status (after delays): what the instance's priority and FAULT state follow.</summary>
    public bool Up { get; private set; }

    /// <summary>When a pending fork/terminate delay is due (on the caller's clock), or null.</summary>
    public TimeSpan? TimerDue { get; private set; }

    /// <summary>Whether <see cref="Resync"/> has been called: before it, <see cref="Up"/> means nothing.</summary>
    public bool Synced => _synced;

    /// <summary>Rebuilds the set from a full snapshot. The first one decides <see cref="Up"/> directly; later ones act
    /// like keepalived after lost events. Returns true when <see cref="Up"/> changed.</summary>
    public bool Resync(IEnumerable<ProcessEntry> snapshot, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var wasUp = Up;
        _pids.Clear();
        foreach (var entry in snapshot)
        {
            if (Matcher.Matches(entry))
                _pids.Add(entry.Pid);
        }
        CancelTimer();
        if (!_synced)
        {
            _synced = true;
            Up = InQuorum;
            return Up != wasUp;
        }
        if (Up == InQuorum)
            return false;
        if (InQuorum)
        {
            Up = true;
        }
        else if (TerminateDelay > TimeSpan.Zero)
        {
            StartTimer(now + TerminateDelay, terminate: true);
        }
        else
        {
            Up = false;
        }
        return Up != wasUp;
    }

    /// <summary>Applies one event. A <see cref="ProcessEvent.Resync"/> changes nothing here: the caller answers it
    /// with a snapshot and <see cref="Resync(IEnumerable{ProcessEntry}, TimeSpan)"/>. Returns true when
    /// <see cref="Up"/> changed.</summary>
    public bool Apply(ProcessEvent processEvent, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(processEvent);
        var wasUp = Up;
        switch (processEvent)
        {
            case ProcessEvent.Exec exec:
                if (Matcher.Matches(exec.Entry))
                    Add(exec.Entry.Pid, fromFork: false, now);
                else
                    Remove(exec.Entry.Pid, fromExit: false, now);
                break;
            case ProcessEvent.Fork fork:
                if (_pids.Contains(fork.ParentPid))
                    Add(fork.ChildPid, fromFork: true, now);
                break;
            case ProcessEvent.CommChanged comm:
                if (!Matcher.FullCommand)
                {
                    if (Matcher.MatchesComm(comm.Comm))
                        Add(comm.Pid, fromFork: false, now);
                    else
                        Remove(comm.Pid, fromExit: false, now);
                }
                break;
            case ProcessEvent.Exit exit:
                Remove(exit.Pid, fromExit: true, now);
                break;
            case ProcessEvent.Resync:
                break;
        }
        return Up != wasUp;
    }

    /// <summary>Fires the pending delay if it is due at <paramref name="now"/>: status becomes what the count says.
    /// Returns true when <see cref="Up"/> changed.</summary>
    public bool Tick(TimeSpan now)
    {
        if (TimerDue is not { } due || now < due)
            return false;
        TimerDue = null;
        var wasUp = Up;
        Up = InQuorum;
        return Up != wasUp;
    }

    private bool InRange(int count) => count >= Quorum && count <= QuorumMax;

    private void Add(int pid, bool fromFork, TimeSpan now)
    {
        if (!_pids.Add(pid))
            return;
        var count = (long)_pids.Count;
        if (count != Quorum && count != (long)QuorumMax + 1)
            return;
        if (TimerDue is not null && _pendingTerminate)
        {
            CancelTimer();
        }
        else if (fromFork && ForkDelay > TimeSpan.Zero)
        {
            StartTimer(now + ForkDelay, terminate: false);
            return;
        }
        Up = InQuorum;
    }

    private void Remove(int pid, bool fromExit, TimeSpan now)
    {
        var oldCount = _pids.Count;
        if (!_pids.Remove(pid))
            return;
        if (oldCount != Quorum && _pids.Count != QuorumMax)
            return;
        if (TimerDue is not null && !_pendingTerminate)
        {
            CancelTimer();
        }
        else if (fromExit && TerminateDelay > TimeSpan.Zero)
        {
            // keepalived starts another timer when one already runs; the earlier one fires first, so it is kept.
            StartTimer(now + TerminateDelay, terminate: true);
            return;
        }
        Up = InQuorum;
    }

    private void StartTimer(TimeSpan due, bool terminate)
    {
        if (TimerDue is { } pending && _pendingTerminate == terminate && pending < due)
            return;
        TimerDue = due;
        _pendingTerminate = terminate;
    }

    private void CancelTimer()
    {
        TimerDue = null;
        _pendingTerminate = false;
    }
}

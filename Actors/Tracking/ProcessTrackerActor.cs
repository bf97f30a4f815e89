using Akka.Actor;
using Akka.Event;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tracking;

/// <summary>
/// A <c>vrrp_track_process</c> (keepalived 2.2.7 core/track_process.c, vrrp/vrrp_track.c
/// process_update_track_process_status): subscribes to <see cref="IProcessWatch"/>, counts the matching processes
/// with <see cref="ProcessCountTracker"/> (quorum, quorum_max, fork_delay, terminate_delay) and reports
/// <see cref="TrackedStatus"/>(Up: quorum met) to the subscribers at every change ("Quorum gained|lost for tracked
/// process"). <see cref="QueryTracked"/> is answered once the first snapshot is counted.
/// <list type="bullet">
/// <item>Nothing here blocks on the kernel: the subscription (the proc connector waits up to 1 s for the kernel's
/// acknowledgement) and every /proc snapshot run on the thread pool and are piped back.</item>
/// <item>Each <see cref="ProcessEvent.Resync"/> (the first event of a subscription, and any loss of events) asks for a
/// fresh snapshot; events that arrive meanwhile are kept and replayed on top of it, so nothing that happens during
/// the scan is lost. A failed snapshot is retried every second.</item>
/// <item>A pending fork or terminate delay is an IWithTimers timer at the tracker's <see cref="ProcessCountTracker.TimerDue"/>
/// on the actor's clock (the scheduler's monotonic clock unless one is given).</item>
/// <item>Stopping disposes the subscription (even one still being made); a restart subscribes again and re-reports.</item>
/// </list>
/// </summary>
public sealed class ProcessTrackerActor : ReceiveActor, IWithTimers
{
    /// <summary>The wait before a failed snapshot is taken again.</summary>
    public static readonly TimeSpan SnapshotRetry = TimeSpan.FromSeconds(1);

    private const string DelayTimer = "delay";
    private const string RetryTimer = "snapshot-retry";
    private readonly string _name;
    private readonly string _key;
    private readonly IProcessWatch _watch;
    private readonly TrackerSubscribers _subscribers;
    private readonly Func<TimeSpan> _clock;
    private readonly ProcessCountTracker _counter;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly object _ticket = new();
    private readonly LateSubscription _subscription = new();
    private readonly List<ProcessEvent> _replay = [];
    private int _generation;
    private bool _snapshotPending;
    private TimeSpan? _armed;
    private bool? _reported;

    public ProcessTrackerActor(TrackProcessConfig config, IProcessWatch watch, TrackerSubscribers subscribers, Func<TimeSpan>? clock = null)
    {
        _name = config.Name;
        _key = TrackerNames.Process(config.Name);
        _watch = watch;
        _subscribers = subscribers;
        var scheduler = Context.System.Scheduler;
        _clock = clock ?? (() => scheduler.MonotonicClock);
        _counter = ProcessCountTracker.For(config);
        Receive<Observed>(o => ReferenceEquals(o.Ticket, _ticket), o => OnEvent(o.Event));
        Receive<SnapshotTaken>(s => ReferenceEquals(s.Ticket, _ticket) && s.Generation == _generation, OnSnapshot);
        Receive<SubscribeDone>(d => ReferenceEquals(d.Ticket, _ticket) && d.Failure is not null,
            d => _log.Error(d.Failure, "track_process {0}: cannot watch processes - not tracked", _name));
        Receive<DelayDue>(OnDelay);
        Receive<RetrySnapshot>(_ => RequestSnapshot());
        Receive<UpdateSubscribers>(u => _subscribers.Replace(u.Paths));
        Receive<QueryTracked>(_ =>
        {
            if (_counter.Synced)
                Sender.Tell(new TrackedStatus(_key, _counter.Up));
        });
        Receive<Observed>(_ => { });
        Receive<SnapshotTaken>(_ => { });
        Receive<SubscribeDone>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="config">The bound vrrp_track_process.</param>
    /// <param name="watch">The process table.</param>
    /// <param name="subscribers">Who gets the reports.</param>
    /// <param name="clock">A monotonic clock for the delays; the scheduler's when null (tests pass virtual time).</param>
    public static Props Props(TrackProcessConfig config, IProcessWatch watch, TrackerSubscribers subscribers, Func<TimeSpan>? clock = null) =>
        Akka.Actor.Props.Create(() => new ProcessTrackerActor(config, watch, subscribers, clock));

    private sealed record Observed(object Ticket, ProcessEvent Event);

    private sealed record SubscribeDone(object Ticket, Exception? Failure);

    private sealed record SnapshotTaken(object Ticket, int Generation, KernelResult Result, IReadOnlyList<ProcessEntry> Processes);

    private sealed record DelayDue(TimeSpan Due);

    private sealed record RetrySnapshot
    {
        public static RetrySnapshot Instance { get; } = new();
    }

    protected override void PreStart()
    {
        if (_counter.Matcher.CanNeverMatch)
            _log.Warning("track_process {0}: a name longer than 15 bytes never matches a process name (comm); use full_command", _name);
        var self = Self;
        var ticket = _ticket;
        var watch = _watch;
        var subscription = _subscription;
        Task.Run(() => subscription.Set(watch.Subscribe(e => self.Tell(new Observed(ticket, e)))))
            .PipeTo(self, success: () => new SubscribeDone(ticket, null), failure: e => new SubscribeDone(ticket, e));
    }

    protected override void PostStop() => _subscription.Dispose();

    private void OnEvent(ProcessEvent e)
    {
        if (e is ProcessEvent.Resync resync)
        {
            _log.Debug("track_process {0}: resync ({1})", _name, resync.Reason);
            RequestSnapshot();
        }
        else if (_snapshotPending)
        {
            _replay.Add(e);
        }
        else if (_counter.Synced)
        {
            _counter.Apply(e, _clock());
            Changed();
        }
    }

    private void RequestSnapshot()
    {
        Timers.Cancel(RetryTimer);
        _generation++;
        _snapshotPending = true;
        _replay.Clear();
        var ticket = _ticket;
        var generation = _generation;
        var watch = _watch;
        Task.Run(() =>
        {
            var result = watch.Snapshot(out var processes);
            return new SnapshotTaken(ticket, generation, result, processes);
        }).PipeTo(Self, failure: e => new SnapshotTaken(ticket, generation, KernelResult.Fail(-1, e.Message), []));
    }

    private void OnSnapshot(SnapshotTaken snapshot)
    {
        if (!snapshot.Result.IsOk)
        {
            _log.Warning("track_process {0}: cannot read the process table ({1}); trying again in {2}", _name, snapshot.Result, SnapshotRetry);
            Timers.StartSingleTimer(RetryTimer, RetrySnapshot.Instance, SnapshotRetry);
            return;
        }
        var now = _clock();
        _counter.Resync(snapshot.Processes, now);
        foreach (var e in _replay)
            _counter.Apply(e, now);
        _replay.Clear();
        _snapshotPending = false;
        Changed();
    }

    private void OnDelay(DelayDue due)
    {
        if (_counter.TimerDue != due.Due)
            return;
        _armed = null;
        var now = _clock();
        _counter.Tick(now > due.Due ? now : due.Due);
        Changed();
    }

    private void Changed()
    {
        var due = _counter.TimerDue;
        if (due != _armed)
        {
            _armed = due;
            if (due is { } d)
            {
                var delay = d - _clock();
                Timers.StartSingleTimer(DelayTimer, new DelayDue(d), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
            }
            else
            {
                Timers.Cancel(DelayTimer);
            }
        }
        if (!_counter.Synced || _counter.Up == _reported)
            return;
        _reported = _counter.Up;
        var range = _counter.QuorumMax == int.MaxValue ? $"{_counter.Quorum}.." : $"{_counter.Quorum}..{_counter.QuorumMax}";
        _log.Info("Quorum {0} for tracked process {1} ({2} running, quorum {3})", _counter.Up ? "gained" : "lost", _name, _counter.Count, range);
        _subscribers.Tell(Context.System, new TrackedStatus(_key, _counter.Up), Self);
    }
}

using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// A process table the test drives, with the Linux watches' event semantics: every subscription first gets
/// <see cref="ProcessEvent.Resync"/> (as the proc connector once the kernel acknowledged, and the /proc scanner after
/// its baseline); a started process is a fork of its parent then an exec; a fork copies the parent's comm and
/// command line; a rename changes comm only; an exit removes it. <see cref="LoseEvents"/> changes the table without
/// telling anyone and then sends a Resync, as an ENOBUFS overflow does. Events are delivered on the thread that made
/// the change, under a lock, in order; disposing a subscription waits for a delivery in progress. Thread-safe.
/// </summary>
public sealed class InMemoryProcessTable : IProcessWatch
{
    private readonly object _gate = new();
    private readonly SortedDictionary<int, ProcessEntry> _processes = [];
    private readonly List<Subscription> _subscriptions = [];
    private readonly Queue<KernelResult> _snapshotFaults = new();
    private readonly ManualResetEventSlim _snapshotsReleased = new(initialState: true);
    private int _nextPid = 100;
    private int _held;
    private bool _disposed;

    /// <summary>The init process, parent of everything <see cref="Start"/> creates.</summary>
    public const int InitPid = 1;

    public InMemoryProcessTable() => _processes[InitPid] = new ProcessEntry(InitPid, "init", ["/sbin/init"]);

    /// <summary>How many snapshots were taken.</summary>
    public int Snapshots { get; private set; }

    /// <summary>How many subscriptions are active.</summary>
    public int ActiveSubscriptions
    {
        get
        {
            lock (_gate)
                return _subscriptions.Count;
        }
    }

    /// <summary>Starts a process (a fork of init, then an exec of <paramref name="argv"/>); comm is argv[0]'s file
    /// name cut to 15 bytes, as the kernel sets it. Returns its pid.</summary>
    public int Start(params string[] argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Length == 0)
            throw new ArgumentException("a process needs argv[0]", nameof(argv));
        lock (_gate)
        {
            int pid = Fork(InitPid);
            Exec(pid, argv);
            return pid;
        }
    }

    /// <summary>Forks <paramref name="parent"/>: the child has its comm and command line. Returns the child's pid.</summary>
    public int Fork(int parent)
    {
        lock (_gate)
        {
            var p = Get(parent);
            int child = ++_nextPid;
            _processes[child] = p with { Pid = child };
            Publish(new ProcessEvent.Fork(parent, child));
            return child;
        }
    }

    /// <summary><paramref name="pid"/> execs <paramref name="argv"/>.</summary>
    public void Exec(int pid, params string[] argv)
    {
        lock (_gate)
        {
            Get(pid);
            var entry = new ProcessEntry(pid, CommOf(argv[0]), argv);
            _processes[pid] = entry;
            Publish(new ProcessEvent.Exec(entry));
        }
    }

    /// <summary>The process renames itself (prctl PR_SET_NAME): comm only, cut to 15 bytes.</summary>
    public void Rename(int pid, string comm)
    {
        lock (_gate)
        {
            var entry = Get(pid) with { Comm = Cut(comm) };
            _processes[pid] = entry;
            Publish(new ProcessEvent.CommChanged(pid, entry.Comm));
        }
    }

    /// <summary>The process exits.</summary>
    public void Exit(int pid)
    {
        lock (_gate)
        {
            if (_processes.Remove(pid))
                Publish(new ProcessEvent.Exit(pid));
        }
    }

    /// <summary>Applies <paramref name="change"/> to the table without any event, then sends every subscriber a
    /// Resync (events were lost).</summary>
    public void LoseEvents(Action<InMemoryProcessTable> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var subscriptions = _subscriptions.ToList();
            _subscriptions.Clear();
            try
            {
                change(this);
            }
            finally
            {
                _subscriptions.AddRange(subscriptions);
            }
            Publish(new ProcessEvent.Resync("events lost (ENOBUFS)"));
        }
    }

    /// <summary>The next snapshot fails with <paramref name="result"/>.</summary>
    public void FailNextSnapshot(KernelResult result)
    {
        lock (_gate)
            _snapshotFaults.Enqueue(result);
    }

    /// <summary>From now on a snapshot reads the table at once but returns only at <see cref="ReleaseSnapshots"/>, as a
    /// slow /proc scan does while processes come and go.</summary>
    public void HoldSnapshots() => _snapshotsReleased.Reset();

    /// <summary>Lets held snapshots return (with the table as they read it).</summary>
    public void ReleaseSnapshots() => _snapshotsReleased.Set();

    /// <summary>How many snapshots are held by <see cref="HoldSnapshots"/>.</summary>
    public int HeldSnapshots => Volatile.Read(ref _held);

    /// <inheritdoc />
    public KernelResult Snapshot(out IReadOnlyList<ProcessEntry> processes)
    {
        KernelResult result;
        lock (_gate)
        {
            Snapshots++;
            processes = [];
            if (_disposed)
                return KernelResult.Fail(9, "process watch is disposed");
            result = _snapshotFaults.TryDequeue(out var fault) ? fault : KernelResult.Ok;
            if (result.IsOk)
                processes = _processes.Values.ToList();
        }
        Interlocked.Increment(ref _held);
        _snapshotsReleased.Wait();
        Interlocked.Decrement(ref _held);
        return result;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ProcessEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var subscription = new Subscription(this, handler);
            _subscriptions.Add(subscription);
            subscription.Deliver(new ProcessEvent.Resync("subscribed"));
            return subscription;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _subscriptions.Clear();
        }
        _snapshotsReleased.Set();
    }

    private ProcessEntry Get(int pid) =>
        _processes.TryGetValue(pid, out var p) ? p : throw new InvalidOperationException($"no process {pid}");

    private void Publish(ProcessEvent e)
    {
        foreach (var s in _subscriptions.ToList())
            s.Deliver(e);
    }

    private static string CommOf(string argv0) => Cut(argv0[(argv0.LastIndexOf('/') + 1)..]);

    /// <summary>The kernel keeps 15 bytes of comm; cut UTF-8 shows as U+FFFD, as /proc reads do here.</summary>
    private static string Cut(string comm)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(comm);
        return bytes.Length > ProcessMatcher.MaxCommBytes ? System.Text.Encoding.UTF8.GetString(bytes, 0, ProcessMatcher.MaxCommBytes) : comm;
    }

    private sealed class Subscription(InMemoryProcessTable owner, Action<ProcessEvent> handler) : IDisposable
    {
        public void Deliver(ProcessEvent e)
        {
            try
            {
                handler(e);
            }
#pragma warning disable CA1031 // as the real watches: a throwing handler does not end the stream
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
                owner._subscriptions.Remove(this);
        }
    }
}

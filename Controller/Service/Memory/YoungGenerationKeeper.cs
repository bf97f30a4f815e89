using System.Runtime;

namespace KeepAlive.Controller.Service.Memory;

/// <summary>
/// Keeps the daemon's young garbage to <see cref="YoungGenerationPolicy.BudgetBytes"/> (sampled every
/// <see cref="Period"/> by the actor system's scheduler; <see cref="YoungGenerationPolicy"/> says why), and releases the start-up's garbage
/// once the node runs. The runtime's own collections still run whenever its budget comes first. Measured at N = 255
/// instances: one gen0 collection every ~16 s, 2.0–3.7 ms each (docs/footprint.md, session 13).
/// <para>The sample runs on the scheduler's thread, which wakes for VRRP timers anyway; a <see cref="Timer"/> woke the
/// .NET timer thread, a thread-pool worker and the pool's gate thread instead (~75 wake-ups per 20 s of an idle
/// daemon, session 14). A collection stops every managed thread whichever thread asks for it.</para>
/// </summary>
public sealed class YoungGenerationKeeper : IDisposable
{
    /// <summary>4 MB: at N = 255 instances (about 250 kB allocated per second) one gen0 collection every ~16 s.</summary>
    public const long DefaultBudgetBytes = 4 << 20;

    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private readonly YoungGenerationPolicy _policy;
    private readonly Func<(long Allocated, int Collections)> _sample;
    private readonly Action _collect;
    private readonly Lock _gate = new();
    private Akka.Actor.ICancelable? _timer;

    /// <summary>The real keeper: the process's counters and <see cref="GC.Collect(int, GCCollectionMode, bool)"/>.</summary>
    public YoungGenerationKeeper(long budgetBytes = DefaultBudgetBytes)
        : this(new YoungGenerationPolicy(budgetBytes),
            () => (GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0)),
            () => GC.Collect(0, GCCollectionMode.Forced, blocking: true))
    {
    }

    /// <summary>A keeper over other counters and another collector (tests).</summary>
    public YoungGenerationKeeper(YoungGenerationPolicy policy, Func<(long Allocated, int Collections)> sample, Action collect)
    {
        _policy = policy;
        _sample = sample;
        _collect = collect;
    }

    /// <summary>How many collections the keeper asked for.</summary>
    public int Collections { get; private set; }

    /// <summary>Starts sampling every <paramref name="period"/> (default <see cref="Period"/>) on
    /// <paramref name="scheduler"/>.</summary>
    public void Start(Akka.Actor.IScheduler scheduler, TimeSpan? period = null)
    {
        var every = period ?? Period;
        lock (_gate)
        {
            if (_timer is not null)
                return;
            _timer = new Akka.Actor.Cancelable(scheduler);
            scheduler.Advanced.ScheduleRepeatedly(every, every, Tick, _timer);
        }
    }

    /// <summary>One sample, and a collection when the policy asks for one.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var (allocated, collections) = _sample();
            if (!_policy.ShouldCollect(allocated, collections))
                return;
            _collect();
            Collections++;
            var after = _sample();
            _policy.Collected(after.Allocated, after.Collections);
        }
    }

    /// <summary>
    /// One full compacting collection that returns the freed memory to the system
    /// (<see cref="GCCollectionMode.Aggressive"/>): what configuration parsing, the host and the actor system's start
    /// left behind. Run once, when the node has started; not after a reload, whose running instances must not see a
    /// pause of a full collection.
    /// </summary>
    /// <returns>The working set before and after, in bytes.</returns>
    public static (long Before, long After) ReleaseStartupGarbage()
    {
        long before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (before, Environment.WorkingSet);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Cancel();
            _timer = null;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using AkkaConfig = Akka.Configuration.Config;
using Akka.Dispatch;
using Akka.Event;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Timing;

/// <summary>
/// An Akka <see cref="IScheduler"/> that fires at each deadline instead of on a 10 ms wheel (ARCHITECTURE.md
/// "Timing"). Select it with <see cref="PreciseSchedulerSetup.AkkaConfig"/>; every scheduler user (IWithTimers keyed
/// timers, ScheduleTell*, Ask timeouts) then becomes precise, with Akka's own semantics on top.
/// <para>
/// One dedicated thread owns a min-heap of deadlines (ties fire in scheduling order). It sleeps on an
/// <see cref="IDeadlineWaiter"/> until the earliest deadline; a caller whose deadline is earlier than the one the
/// thread sleeps towards wakes it. Work runs on that thread (a Tell is cheap; keep scheduled actions short); a Tell to
/// an actor on a <see cref="DedicatedThreadExecutor"/> dispatcher runs that actor's next mailbox run here too.
/// Periodic work is fixed-rate: the next deadline is the previous deadline plus the interval; periods missed
/// entirely (the process stalled) are skipped, not fired in a burst. Cancellation is checked when an entry comes due;
/// cancelled entries are swept when they make up most of the heap. An action that throws is logged and, like
/// Akka's HashedWheelTimerScheduler, not repeated; the thread carries on. If the waiter itself fails the thread logs
/// it and continues on a <see cref="ManagedDeadlineWaiter"/>. <see cref="Dispose"/> stops and joins the thread,
/// then runs every outstanding uncancelled entry once (as Akka's scheduler does, so pending Ask timeouts complete);
/// scheduling afterwards throws <see cref="SchedulerException"/>.
/// </para>
/// <para>
/// <see cref="IDeferrableWork"/> is asked before it runs whether it waits longer, and before the thread sleeps it is
/// asked early when due within <see cref="EarlyAskWindow"/>, so work whose moment keeps moving (a backup's master-down
/// ticks) is moved in batches instead of waking the thread once per entry.
/// </para>
/// <para>
/// Difference from Akka's scheduler: a scheduled Tell is delivered as the plain message (Akka's internal
/// ScheduledTellMsg wrapper is not public), so such messages count for ReceiveTimeout, exactly as under
/// Akka.TestKit's TestScheduler. IWithTimers messages are unaffected.
/// </para>
/// </summary>
public sealed class PreciseScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private const long Awake = long.MinValue;
    private readonly ConcurrentQueue<Entry> _incoming = new();
    private readonly PriorityQueue<Entry, (long Deadline, long Sequence)> _heap = new();
    /// <summary>Deferrable work apart, so asking it early never disturbs the other entries.</summary>
    private readonly PriorityQueue<Entry, (long Deadline, long Sequence)> _deferrables = new();
    private readonly Thread _thread;
    private readonly TimeSpan _shutdownTimeout;
    private readonly long _origin;
    private IDeadlineWaiter _waiter;
    private long _sleepingUntil = Awake;
    private long _sequence;
    private int _sweepAt = 1024;
    private volatile bool _stopping;
    private int _disposed;
    private long _fired;
    private long _deferred;
    private readonly List<(Entry Entry, (long Deadline, long Sequence) Key)> _keep = new();
    private long _wake;
    private long _maxLateTicks;
    private long _lateOverMillisecond;

    /// <summary>The constructor Akka calls (<c>akka.scheduler.implementation</c>); the waiter comes from
    /// <see cref="PreciseSchedulerSetup"/>.</summary>
    public PreciseScheduler(AkkaConfig scheduler, ILoggingAdapter log)
        : this(scheduler, log, PreciseSchedulerSetup.CreateWaiter()) { }

    /// <summary>A scheduler on a given waiter, which it owns and disposes.</summary>
    public PreciseScheduler(AkkaConfig scheduler, ILoggingAdapter log, IDeadlineWaiter waiter)
        : base(scheduler, log)
    {
        ArgumentNullException.ThrowIfNull(waiter);
        _waiter = waiter;
        _origin = waiter.GetTimestamp();
        _shutdownTimeout = scheduler.IsNullOrEmpty() || !scheduler.HasPath("akka.scheduler.shutdown-timeout")
            ? TimeSpan.FromSeconds(5)
            : scheduler.GetTimeSpan("akka.scheduler.shutdown-timeout", TimeSpan.FromSeconds(5));
        WarmHeap();
        _thread = new Thread(Run) { IsBackground = true, Name = "keepalive-precise-timer", Priority = ThreadPriority.Highest };
        _thread.Start();
    }

    /// <summary>The waiter in use (it changes only if the configured one failed).</summary>
    public string WaiterName => Volatile.Read(ref _waiter).Name;

    /// <summary>True until <see cref="Dispose"/> has stopped the timer thread.</summary>
    public bool IsRunning => _thread.IsAlive;

    /// <summary>Lateness observed by the timer thread itself (before any mailbox hop): entries fired, the worst
    /// lateness, and how many were more than 1 ms late. For a metric; precision is measured in benchmarks.</summary>
    public PreciseSchedulerStats Stats => new(
        Interlocked.Read(ref _fired),
        TimeSpan.FromSeconds((double)Interlocked.Read(ref _maxLateTicks) / Stopwatch.Frequency),
        Interlocked.Read(ref _lateOverMillisecond),
        Interlocked.Read(ref _deferred));

    /// <summary>The lateness of every fired deadline (the timer thread's own view, before any mailbox hop), for the
    /// keepalive_timer_lateness_seconds histogram. Lock-free: one increment per firing.</summary>
    public KeepAlive.Actors.Status.LatencyHistogram Lateness { get; } = new();

    /// <inheritdoc />
    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    /// <inheritdoc />
    public override TimeSpan MonotonicClock => Stopwatch.GetElapsedTime(_origin, Volatile.Read(ref _waiter).GetTimestamp());

    /// <inheritdoc />
    public override TimeSpan HighResMonotonicClock => MonotonicClock;

    /// <inheritdoc />
    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, new TellWork(receiver, message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(initialDelay, interval, new TellWork(receiver, message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, new ActionWork(action), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, action, cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(initialDelay, interval, new ActionWork(action), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(initialDelay, interval, action, cancelable);

    private void Add(TimeSpan delay, TimeSpan interval, IRunnable work, ICancelable? cancelable)
    {
        // SchedulerBase validates the Action/Tell overloads; its public IRunnable overloads do not.
        ValidateDelay(delay, nameof(delay));
        if (interval != TimeSpan.Zero)
            ValidateInterval(interval, nameof(interval));
        if (_stopping)
            throw new SchedulerException("cannot enqueue after timer shutdown");
        var waiter = Volatile.Read(ref _waiter);
        long deadline = Saturate(waiter.GetTimestamp(), ToTimestampUnits(delay));
        _incoming.Enqueue(new Entry(work, cancelable, deadline, ToTimestampUnits(interval)));
        // Pairs with the Exchange in Run: either the thread sees this entry before it sleeps, or we see the deadline
        // it sleeps towards and wake it when ours is earlier.
        Interlocked.MemoryBarrier();
        if (deadline < Volatile.Read(ref _sleepingUntil))
            waiter.Wake();
    }

    /// <summary>Sifts a scratch heap of the same type both ways, so the heap's generic code over its (deadline,
    /// sequence) key is compiled now and not on the timer thread when a busy heap first reorders — measured: the
    /// first master-down expiry of a process waited for that compilation.</summary>
    private static void WarmHeap()
    {
        var heap = new PriorityQueue<Entry, (long Deadline, long Sequence)>();
        for (long i = 3; i > 0; i--)
            heap.Enqueue(new Entry(new ActionWork(static () => { }), null, i, 0), (i, i));
        while (heap.TryPeek(out _, out _))
            heap.Dequeue();
    }

    private static long ToTimestampUnits(TimeSpan span) =>
        (long)Int128.Min((Int128)span.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond, long.MaxValue / 4);

    private static long Saturate(long now, long delta) => now > long.MaxValue - delta ? long.MaxValue - 1 : now + delta;

    private void Run()
    {
        try
        {
            Log.Debug("PreciseScheduler thread: {0}", _waiter.PrepareWaitingThread());
            if (PreciseSchedulerSetup.OnThreadStarted(PreciseSchedulerSetup.TimerThread) is { } failed)
                Log.Warning(failed);
        }
        catch (Exception e)
        {
            Log.Warning("PreciseScheduler: could not tune the timer thread ({0}): {1}", _waiter.Name, e.Message);
        }
        while (!_stopping)
        {
            try
            {
                Drain();
                if (FireDue())
                    continue;
                AskEarly();
                long next = First(out _, out var first) is null ? long.MaxValue : first.Deadline;
                Interlocked.Exchange(ref _sleepingUntil, next);
                if (!_incoming.IsEmpty || _stopping)
                {
                    Volatile.Write(ref _sleepingUntil, Awake);
                    continue;
                }
                _waiter.WaitUntil(next);
                _wake++;
                Volatile.Write(ref _sleepingUntil, Awake);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _sleepingUntil, Awake);
                if (_waiter is ManagedDeadlineWaiter)
                {
                    Log.Error(e, "PreciseScheduler: timer loop failed; retrying");
                    continue;
                }
                Log.Error(e, "PreciseScheduler: waiter {0} failed; continuing on the managed waiter", _waiter.Name);
                var failed = _waiter;
                Volatile.Write(ref _waiter, new ManagedDeadlineWaiter());
                try
                {
                    failed.Dispose();
                }
                catch (Exception disposeError)
                {
                    Log.Warning("PreciseScheduler: disposing the failed waiter: {0}", disposeError.Message);
                }
            }
        }
    }

    private void Drain()
    {
        while (_incoming.TryDequeue(out var entry))
        {
            if (!entry.IsCancelled)
                HeapOf(entry).Enqueue(entry, (entry.Deadline, _sequence++));
        }
        if (_heap.Count + _deferrables.Count >= _sweepAt)
            Sweep();
    }

    private PriorityQueue<Entry, (long Deadline, long Sequence)> HeapOf(Entry entry) => entry.Deferrable is null ? _heap : _deferrables;

    /// <summary>The heap whose first entry comes first (ties in scheduling order), with that entry; null when both are
    /// empty.</summary>
    private PriorityQueue<Entry, (long Deadline, long Sequence)>? First(out Entry entry, out (long Deadline, long Sequence) key)
    {
        bool plain = _heap.TryPeek(out var p, out var pk);
        bool deferrable = _deferrables.TryPeek(out var d, out var dk);
        if (plain && (!deferrable || pk.CompareTo(dk) <= 0))
        {
            (entry, key) = (p!, pk);
            return _heap;
        }
        (entry, key) = (d!, dk);
        return deferrable ? _deferrables : null;
    }

    /// <summary>Drops cancelled entries (a keyed timer restarted on every advert leaves one behind each time).</summary>
    private void Sweep()
    {
        int count = 0;
        foreach (var heap in new[] { _heap, _deferrables })
        {
            var live = new List<(Entry, (long, long))>(heap.Count);
            foreach (var item in heap.UnorderedItems)
            {
                if (!item.Element.IsCancelled)
                    live.Add(item);
            }
            heap.Clear();
            heap.EnqueueRange(live);
            count += live.Count;
        }
        _sweepAt = Math.Max(1024, count * 2);
    }

    /// <summary>Runs every entry due now; true when any ran (the caller then re-reads the queue and the clock).</summary>
    private bool FireDue()
    {
        bool any = false;
        long now = _waiter.GetTimestamp();
        while (First(out var entry, out var key) is { } heap && key.Deadline <= now)
        {
            heap.Dequeue();
            if (entry.IsCancelled)
                continue;
            if (entry.Deferrable is { } deferrable && Deferral(entry, deferrable) is > 0 and var later)
            {
                entry.Deadline = Saturate(now, later);
                heap.Enqueue(entry, (entry.Deadline, _sequence++));
                Interlocked.Increment(ref _deferred);
                continue;
            }
            any = true;
            Record(now - key.Deadline);
            if (!TryRun(entry.Work))
                continue;
            if (entry.Interval > 0 && !entry.IsCancelled)
            {
                long next = entry.Deadline + entry.Interval;
                if (next <= now)
                    next += ((now - next) / entry.Interval + 1) * entry.Interval;
                entry.Deadline = next;
                heap.Enqueue(entry, (next, _sequence++));
            }
        }
        return any;
    }

    /// <summary>How far ahead of its deadline deferrable work is asked, when the thread is awake anyway: the
    /// master-down ticks of a backup's instances come due at scattered times, and each would otherwise wake the
    /// thread once per master-down interval only to be deferred.</summary>
    public static readonly TimeSpan EarlyAskWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>Before the thread sleeps: asks the deferrable work due within <see cref="EarlyAskWindow"/> whether
    /// it waits longer. What asks to wait moves to its new deadline (never earlier than its own); everything else —
    /// work that would run now, other work — stays where it was.</summary>
    private void AskEarly()
    {
        long now = _waiter.GetTimestamp();
        long horizon = Saturate(now, ToTimestampUnits(EarlyAskWindow));
        while (_deferrables.TryPeek(out var entry, out var key) && key.Deadline <= horizon)
        {
            _deferrables.Dequeue();
            if (entry.IsCancelled)
                continue;
            if (entry.AskedInWake != _wake && Deferral(entry, entry.Deferrable!) is > 0 and var later)
            {
                entry.Deadline = Math.Max(key.Deadline, Saturate(now, later));
                _keep.Add((entry, (entry.Deadline, _sequence++)));
                Interlocked.Increment(ref _deferred);
                continue;
            }
            _keep.Add((entry, key));
        }
        foreach (var (entry, key) in _keep)
            _deferrables.Enqueue(entry, key);
        _keep.Clear();
    }

    /// <summary>How much longer deferrable work wants to wait, in timestamp units (0: run it now; so does a throw).</summary>
    private long Deferral(Entry entry, IDeferrableWork work)
    {
        entry.AskedInWake = _wake;                    // asked at most once early per wake-up of the thread
        try
        {
            var by = work.DeferBy();
            return by > TimeSpan.Zero ? Math.Max(1, ToTimestampUnits(by)) : 0;
        }
        catch (Exception e)
        {
            try
            {
                Log.Error(e, "PreciseScheduler: deferrable work {0} threw when asked to wait; running it now", work);
            }
            catch
            {
                // A failing logger must not stop the timer thread either.
            }
            return 0;
        }
    }

    private void Record(long lateTicks)
    {
        Interlocked.Increment(ref _fired);
        Lateness.ObserveTicks(lateTicks);
        if (lateTicks > Interlocked.Read(ref _maxLateTicks))
            Interlocked.Exchange(ref _maxLateTicks, lateTicks);
        if (lateTicks > Stopwatch.Frequency / 1000)
            Interlocked.Increment(ref _lateOverMillisecond);
    }

    private bool TryRun(IRunnable work)
    {
        try
        {
            // A Tell to an actor on the VRRP dispatcher runs that actor's mailbox here (one run: anything it schedules
            // goes to the workers): the advert leaves without waking a worker.
            DedicatedThreadExecutor.RunInline(work.Run, budget: 1);
            return true;
        }
        catch (Exception e)
        {
            try
            {
                Log.Error(e, "PreciseScheduler: scheduled work {0} threw; it will not run again", work);
            }
            catch
            {
                // A failing logger must not stop the timer thread either.
            }
            return false;
        }
    }

    /// <summary>Stops and joins the timer thread, runs outstanding uncancelled work once, disposes the waiter.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stopping = true;
        _waiter.Wake();
        if (Thread.CurrentThread != _thread && !_thread.Join(_shutdownTimeout))
        {
            Log.Warning("PreciseScheduler: timer thread did not stop within {0}", _shutdownTimeout);
            return;
        }
        var outstanding = new List<(Entry Entry, long Sequence)>();
        foreach (var (entry, key) in _heap.UnorderedItems.Concat(_deferrables.UnorderedItems))
            outstanding.Add((entry, key.Sequence));
        _heap.Clear();
        _deferrables.Clear();
        outstanding.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var (entry, _) in outstanding)
        {
            if (!entry.IsCancelled)
                TryRun(entry.Work);
        }
        while (_incoming.TryDequeue(out var late))
        {
            if (!late.IsCancelled)
                TryRun(late.Work);
        }
        _waiter.Dispose();
    }

    private sealed class Entry(IRunnable work, ICancelable? cancelable, long deadline, long interval)
    {
        public IRunnable Work { get; } = work;
        public long Deadline { get; set; } = deadline;
        public long Interval { get; } = interval;
        public bool IsCancelled => cancelable?.IsCancellationRequested ?? false;

        /// <summary>The work as <see cref="IDeferrableWork"/>, or null.</summary>
        public IDeferrableWork? Deferrable { get; } = work as IDeferrableWork;

        /// <summary>The thread's wake-up in which deferrable work was last asked (see AskEarly).</summary>
        public long AskedInWake { get; set; } = -1;
    }

    private sealed class TellWork(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        public void Run() => receiver.Tell(message, sender);

        public void Execute() => Run();

        public override string ToString() => $"Tell({message}) to {receiver}";
    }

    private sealed class ActionWork(Action action) : IRunnable
    {
        public void Run() => action();

        public void Execute() => Run();

        public override string ToString() => $"Action {action.Method.DeclaringType?.Name}.{action.Method.Name}";
    }
}

/// <summary>What the timer thread saw: entries fired, the worst lateness, how many fired more than 1 ms late, and how
/// many times due <see cref="IDeferrableWork"/> chose to wait longer instead of running.</summary>
public readonly record struct PreciseSchedulerStats(long Fired, TimeSpan MaxLateness, long LateOverOneMillisecond, long Deferred = 0);

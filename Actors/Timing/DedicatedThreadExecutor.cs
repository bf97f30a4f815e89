using Akka.Configuration;
using Akka.Dispatch;
using AkkaConfig = Akka.Configuration.Config;

namespace KeepAlive.Actors.Timing;

/// <summary>
/// An Akka executor on a few dedicated threads that sleep until there is work, without spinning. Akka's
/// ForkJoinDispatcher (Helios DedicatedThreadPool) spins with sched_yield after every batch: about 50 yields per
/// message, which was 60 % of an idle backup's CPU with 255 VRRP instances (perf, lab footprint runs, docs/footprint.md).
/// Here a worker takes runnables from one FIFO queue and blocks on a monitor when it is empty.
/// <para>
/// A sleeping worker is woken only when the queue holds more runnables than there are free workers to take them: a
/// free worker is awake and between runnables (about to take the next one), or is the worker that queues the runnable
/// itself (an actor telling another actor on the same dispatcher: it takes the runnable as soon as its own is done).
/// A worker busy in a runnable is not free, so a long message handler never holds back a timer's message while
/// another worker sleeps. Each wake-up is a context switch, the main idle cost of the daemon (docs/footprint.md).
/// </para>
/// Select it with <c>executor = "KeepAlive.Actors.Timing.DedicatedThreadExecutorConfigurator, KeepAlive.Actors"</c>
/// and <c>dedicated-threads.thread-count</c> in a <c>type = Dispatcher</c> section.
/// </summary>
public sealed class DedicatedThreadExecutor : ExecutorService
{
    private readonly Queue<IRunnable> _queue = new();
    private readonly object _gate = new();
    private readonly Thread[] _threads;
    private int _idle;
    private int _signals;
    private int _running;

    [ThreadStatic]
    private static DedicatedThreadExecutor? _current;

    /// <summary>On a thread inside <see cref="RunInline"/>: the runnables its Tells scheduled, run by that thread.</summary>
    [ThreadStatic]
    private static Queue<(DedicatedThreadExecutor Executor, IRunnable Run)>? _inline;

    /// <summary>This thread's queue for <see cref="RunInline"/>, kept between calls (it runs per advert and per timer).</summary>
    [ThreadStatic]
    private static Queue<(DedicatedThreadExecutor Executor, IRunnable Run)>? _inlineQueue;
    private bool _stopping;
    private readonly bool _runInline;

    /// <summary>Starts <paramref name="threadCount"/> background threads named after <paramref name="id"/>;
    /// <paramref name="runInline"/> false keeps this executor's runnables on its own threads even when they are
    /// scheduled inside <see cref="RunInline"/> (the effector's, whose kernel work must not hold up a receive thread).</summary>
    public DedicatedThreadExecutor(string id, int threadCount, bool runInline = true)
        : base(id)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        _runInline = runInline;
        _threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = id };
            _threads[i].Start();
        }
    }

    /// <summary>How many runnables wait (for tests and diagnostics).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    /// <summary>
    /// Runs <paramref name="tell"/> and then, on this same thread, every runnable it scheduled on a dedicated-thread
    /// executor (the receiving actor's mailbox run) and every runnable those schedule in turn, until none is left.
    /// For a thread of our own that blocks in a system call and hands what it got to an actor — the VRRP receive
    /// thread: the advert is decoded and its instance steps on the thread the kernel already woke, instead of that
    /// thread waking a dispatcher worker (a context switch per advert, the backup's main idle cost). Akka's mailbox
    /// still runs each actor on one thread at a time; a mailbox already scheduled on a worker stays there. Runnables
    /// for other executors are unaffected. Exceptions escaping a runnable are reported as the workers report them.
    /// </summary>
    /// <param name="tell">Schedules the work (a Tell).</param>
    /// <param name="budget">How many runnables this thread runs at most; the rest go to their executors' workers. The
    /// timer thread takes one (the receiver's own mailbox run), so a burst of work never holds back the next
    /// deadline.</param>
    public static void RunInline(Action tell, int budget = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(tell);
        if (_inline is not null)
        {
            tell();                                   // nested: the outer call runs what this schedules
            return;
        }
        var pending = _inline = _inlineQueue ??= new Queue<(DedicatedThreadExecutor, IRunnable)>();
        try
        {
            tell();
            while (budget-- > 0 && pending.TryDequeue(out var item))
                RunSafely(item.Item2, "inline");
        }
        finally
        {
            _inline = null;
            while (pending.TryDequeue(out var rest))
            {
                try
                {
                    rest.Item1.Enqueue(rest.Item2);
                }
                catch (RejectedExecutionException)
                {
                    // The dispatcher stopped meanwhile: its actors are gone with it.
                }
            }
        }
    }

    /// <inheritdoc />
    public override void Execute(IRunnable run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (_runInline && _inline is { } inline && !_stopping)
        {
            inline.Enqueue((this, run));
            return;
        }
        Enqueue(run);
    }

    /// <summary>Queues <paramref name="run"/> for the workers (a runnable left over by <see cref="RunInline"/>
    /// included: rejected silently if the executor stopped meanwhile, as Akka drops work of a stopped dispatcher).</summary>
    private void Enqueue(IRunnable run)
    {
        bool fromWorker = ReferenceEquals(_current, this);
        lock (_gate)
        {
            if (_stopping)
                throw new RejectedExecutionException($"executor {Id} is shut down");
            _queue.Enqueue(run);
            // _idle counts sleepers not yet signalled and _running the workers inside a runnable (the caller too, when
            // it is one of ours, though it is free as soon as it returns), so a burst wakes one worker per runnable
            // beyond the free ones.
            int free = _threads.Length - _idle - _running + (fromWorker ? 1 : 0);
            if (_idle > 0 && _queue.Count > free)
            {
                _idle--;
                _signals++;
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <inheritdoc />
    public override void Shutdown()
    {
        lock (_gate)
        {
            _stopping = true;
            _idle = 0;
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        _current = this;
        if (PreciseSchedulerSetup.OnThreadStarted(Id) is { } failed)
            Console.Error.WriteLine(failed);
        bool ran = false;
        while (true)
        {
            IRunnable run;
            lock (_gate)
            {
                if (ran)
                    _running--;
                ran = false;
                while (_queue.Count == 0)
                {
                    if (_stopping)
                        return;
                    _idle++; // a signalling thread takes a sleeper off the count (and adds a signal)
                    Monitor.Wait(_gate);
                    if (_signals > 0)
                        _signals--;
                    else
                        _idle--; // woken without a signal (shutdown): take itself off
                }
                run = _queue.Dequeue();
                _running++;
                ran = true;
            }
            RunSafely(run, Id);
        }
    }

    /// <summary>Runs a runnable; what it throws is written to stderr, naming where it ran, and the thread goes on
    /// (shared with <see cref="BackgroundThreadExecutor"/>).</summary>
    internal static void RunSafely(IRunnable run, string where)
    {
        try
        {
            run.Run();
        }
        catch (Exception e)
        {
            // Akka's mailbox runs catch what actors throw; anything reaching here is a bug of the runnable.
            // The thread must survive it, as the thread pool's would not (it would take the process down).
            Console.Error.WriteLine($"{where}: a runnable threw: {e}");
        }
    }
}

/// <summary>Builds <see cref="DedicatedThreadExecutor"/> from a dispatcher's <c>dedicated-threads</c> section
/// (<c>thread-count</c>, default 2; <c>run-inline</c>, default on). Akka calls the (Config, IDispatcherPrerequisites)
/// constructor by type name.</summary>
public sealed class DedicatedThreadExecutorConfigurator : ExecutorServiceConfigurator
{
    private readonly int _threadCount;
    private readonly bool _runInline;

    public DedicatedThreadExecutorConfigurator(AkkaConfig config, IDispatcherPrerequisites prerequisites)
        : base(config, prerequisites)
    {
        ArgumentNullException.ThrowIfNull(config);
        _threadCount = config.GetInt("dedicated-threads.thread-count", 2);
        _runInline = config.GetBoolean("dedicated-threads.run-inline", true);
        if (_threadCount < 1)
            throw new ConfigurationException($"dedicated-threads.thread-count must be at least 1, not {_threadCount}");
    }

    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new DedicatedThreadExecutor(id, _threadCount, _runInline);
}

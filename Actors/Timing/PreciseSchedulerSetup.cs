using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Timing;

/// <summary>
/// How a <see cref="PreciseScheduler"/> that Akka builds by type name (<c>akka.scheduler.implementation</c>, constructor
/// <c>(Config, ILoggingAdapter)</c>) gets its <see cref="IDeadlineWaiter"/>. Actors may not name the Linux waiters
/// (ARCHITECTURE.md "Boundaries"), so the composition root (Controller) sets <see cref="WaiterFactory"/> once,
/// before it starts the ActorSystem, e.g. <c>PreciseSchedulerSetup.WaiterFactory = () =&gt; new
/// TimerFdDeadlineWaiter(rtPriority);</c>. Unset, every scheduler uses the portable
/// <see cref="ManagedDeadlineWaiter"/>. Each scheduler calls the factory once and owns (disposes) the waiter.
/// Tests that need a particular waiter construct <see cref="PreciseScheduler"/> directly instead of touching this.
/// </summary>
public static class PreciseSchedulerSetup
{
    private static volatile Func<IDeadlineWaiter>? _factory;

    /// <summary>The waiter for the next scheduler Akka constructs; null restores the managed default.</summary>
    public static Func<IDeadlineWaiter>? WaiterFactory
    {
        get => _factory;
        set => _factory = value;
    }

    /// <summary>The Akka HOCON line that selects <see cref="PreciseScheduler"/>.</summary>
    public const string AkkaConfig = "akka.scheduler.implementation = \"KeepAlive.Actors.Timing.PreciseScheduler, KeepAlive.Actors\"";

    /// <summary>The dispatcher name of <see cref="VrrpDispatcherConfig"/>.</summary>
    public const string VrrpDispatcher = "vrrp-dispatcher";

    /// <summary>
    /// A dispatcher with two dedicated threads for the VRRP instance and I/O actors, so a timer's message is handled
    /// without waiting for a .NET thread-pool thread (measured: p99 lateness at the actor 2.9 → 2.2 ms for rearmed
    /// 10 ms timers and 2.3 → 1.3 ms for 1 s ones, idle; Tests/KeepAlive.Benchmarks/TimerLatenessResults.md). The
    /// threads are <see cref="DedicatedThreadExecutor"/>'s, which sleep without spinning (Akka's ForkJoinDispatcher
    /// spins with sched_yield after every message: docs/footprint.md). Add it to the ActorSystem's config and set
    /// <c>NodeSetup.VrrpDispatcher</c> to <see cref="VrrpDispatcher"/>.
    /// </summary>
    public static string VrrpDispatcherConfig { get; } = DedicatedDispatcher(VrrpDispatcher, threads: 2, runInline: true);

    /// <summary>The dispatcher name of <see cref="EffectorDispatcherConfig"/>.</summary>
    public const string EffectorDispatcher = "effector-dispatcher";

    /// <summary>
    /// One dedicated thread for the netlink effector: every VIP the node adds waits for it, so it must not wait for a
    /// .NET thread-pool worker (shared with checkers, scripts and the status endpoint) to be woken and scheduled. Add it
    /// to the ActorSystem's config and set <c>NodeSetup.EffectorDispatcher</c> to <see cref="EffectorDispatcher"/>.
    /// </summary>
    public static string EffectorDispatcherConfig { get; } = DedicatedDispatcher(EffectorDispatcher, threads: 1, runInline: false);

    /// <summary>The dispatcher name of <see cref="LogDispatcherConfig"/>.</summary>
    public const string LogDispatcher = "log-dispatcher";

    /// <summary>
    /// One dedicated thread for Akka's loggers (<c>akka.loggers-dispatcher</c>), instead of the .NET thread pool: the
    /// composition root lowers its priority (<see cref="ThreadStarted"/>), so that writing the log lines of a sync
    /// group's takeover (two per member) waits for the VRRP and effector threads instead of taking a CPU from them
    /// (lab, 2 cores: the log lines of 50 members took ~3 ms of CPU while the effector waited to add their VIPs). It is
    /// a <see cref="BackgroundThreadExecutor"/>, which shares no lock with the threads that log.
    /// </summary>
    public static string LogDispatcherConfig { get; } = $$"""
        {{LogDispatcher}} {
          type = Dispatcher
          executor = "KeepAlive.Actors.Timing.BackgroundThreadExecutorConfigurator, KeepAlive.Actors"
          throughput = 100
        }
        akka.loggers-dispatcher = {{LogDispatcher}}
        """;

    private static volatile Action<string>? _threadStarted;

    /// <summary>
    /// Called on each thread of ours that runs actors as it starts, with its role: the dispatcher's name for a
    /// <see cref="DedicatedThreadExecutor"/> thread, <see cref="TimerThread"/>, or <see cref="ReceiveThread"/>. The
    /// composition root sets it once, before the ActorSystem starts, to tune the thread's scheduling (Kernel/Linux);
    /// unset, threads keep the process's. A hook that throws is ignored: the thread runs as it is.
    /// </summary>
    public static Action<string>? ThreadStarted
    {
        get => _threadStarted;
        set => _threadStarted = value;
    }

    /// <summary>The role of the <see cref="PreciseScheduler"/>'s thread.</summary>
    public const string TimerThread = "timer";

    /// <summary>The role of a VRRP socket's receive thread.</summary>
    public const string ReceiveThread = "vrrp-rx";

    /// <summary>Runs <see cref="ThreadStarted"/> for the calling thread; the text of a failure, or null.</summary>
    public static string? OnThreadStarted(string role)
    {
        try
        {
            _threadStarted?.Invoke(role);
            return null;
        }
        catch (Exception e)
        {
            return $"tuning the {role} thread failed: {e.Message}";
        }
    }

    /// <summary>The HOCON of a dispatcher on <see cref="DedicatedThreadExecutor"/> threads.</summary>
    private static string DedicatedDispatcher(string name, int threads, bool runInline) => $$"""
        {{name}} {
          type = Dispatcher
          executor = "KeepAlive.Actors.Timing.DedicatedThreadExecutorConfigurator, KeepAlive.Actors"
          throughput = 100
          dedicated-threads {
            thread-count = {{threads}}
            run-inline = {{(runInline ? "on" : "off")}}
          }
        }
        """;

    internal static IDeadlineWaiter CreateWaiter() => _factory?.Invoke() ?? new ManagedDeadlineWaiter();
}

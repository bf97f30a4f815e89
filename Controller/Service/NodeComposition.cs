using System.Diagnostics;
using Akka.Actor;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Timing;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Mail;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Controller.Service;

/// <summary>
/// The node's real parts for one configuration: the kernel port (as given: real, dry-run or monitored), raw VRRP
/// sockets, timerfd deadlines with <c>vrrp_rt_priority</c>, the Linux script runner, inotify file watch,
/// proc-connector process watch, notify FIFOs and MailKit. Disposes what it opened.
/// </summary>
/// <summary>Which halves run (<c>-P</c>, <c>-C</c>) and whether IPVS is released at stop (<c>-I</c>).</summary>
/// <param name="Vrrp">Run the VRRP half (not with <c>-C</c>).</param>
/// <param name="Checkers">Run the LVS half (not with <c>-P</c>).</param>
/// <param name="ReleaseIpvs">Remove our IPVS services at stop (not with <c>-I</c>).</param>
/// <param name="OwnershipFile">Where the owned IPVS services are recorded (<see cref="IpvsOwnershipFile"/>); null: not
/// recorded (--dry-run, tests).</param>
public sealed record NodeSubsystems(bool Vrrp = true, bool Checkers = true, bool ReleaseIpvs = true, string? OwnershipFile = null);

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeComposition : IDisposable
{
    private readonly ProcConnectorProcessWatch _processes = new();
    private readonly List<INotifyFifo> _fifos = [];

    public NodeComposition(KeepAliveConfig config, IKernelPort kernel, string hostName, Action<string> problem, NodeSubsystems? subsystems = null)
    {
        subsystems ??= new NodeSubsystems();
        var globals = config.Globals;
        var vrrpFifos = Open([globals.NotifyFifo, globals.VrrpNotifyFifo], problem);
        var lvsFifos = Open([globals.NotifyFifo, globals.LvsNotifyFifo], problem);
        int rtPriority = config.Globals.VrrpRtPriority ?? 0;
        PreciseSchedulerSetup.WaiterFactory = () => new TimerFdDeadlineWaiter(rtPriority);
        PreciseSchedulerSetup.ThreadStarted = ThreadTuning.For(config.Globals.VrrpPriority);
        var runner = new ProcessScriptRunner();
        var users = new LinuxScriptUsers();
        var files = new InotifyTrackedFileWatch();
        var fifos = vrrpFifos;
        var trackerPorts = new TrackerPorts(runner, users, files, _processes);
        var host = new NotifyHost(hostName, Environment.UserName);
        Setup = new NodeSetup
        {
            Config = config,
            Kernel = kernel,
            Sockets = new RawVrrpSocketFactory(),
            Clock = () => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency,
            VrrpDispatcher = PreciseSchedulerSetup.VrrpDispatcher,
            EffectorDispatcher = PreciseSchedulerSetup.EffectorDispatcher,
            // A sleeping thread wakes 0.1–1 ms after its timer here (the lateness metric); a takeover should not add it.
            MasterDownLeadMicros = 600,
            // The instances' periodic adverts share a 2 ms grid: one wake-up of the timer thread sends many.
            AdvertGridMicros = 2_000,
            // On SIGTERM every steady MASTER's priority 0 leaves at once, before the instances resign.
            Goodbyes = new KeepAlive.Actors.Vrrp.GoodbyeRoster(),
            RehearseTakeover = true,
            TrackerProps = TrackerPropsFactory.For(config.Globals, trackerPorts, problem: problem),
            NotifierProps = nodePlan => NotifierActor.Props(
                NotifyPlanner.From(config, host, out _),
                new NotifierPorts(runner, fifos, new MailKitMailSender(), users) { LvsFifos = lvsFifos }),
            // A reload brings its own notify plan and tracker settings (script_user...; init_file is not rewritten).
            NotifyPlanFor = reloaded => NotifyPlanner.From(reloaded, host, out _),
            TrackerPropsFor = reloaded => TrackerPropsFactory.For(reloaded.Globals, trackerPorts, reload: true, problem: problem),
            Vrrp = subsystems.Vrrp,
            Checkers = subsystems.Checkers,
            ReleaseIpvs = subsystems.ReleaseIpvs,
            EffectorMemory = subsystems.OwnershipFile is { } file ? IpvsOwnershipFile.Memory(file, problem) : null,
            // The checkers' probes; a FILE_CHECK writes its track_file's init_file only when no VRRP half does (-C).
            Probes = new HealthProbeFactory(new ProbeServices(runner, users, files, PerformInitFile: !subsystems.Vrrp)),
        };
    }

    /// <summary>The FIFOs of <paramref name="configs"/>, each file opened once for the whole node (notify_fifo is shared
    /// by the VRRP and the LVS lines).</summary>
    private List<INotifyFifo> Open(IEnumerable<FifoConfig?> configs, Action<string> problem)
    {
        var result = new List<INotifyFifo>();
        foreach (var f in configs.OfType<FifoConfig>().DistinctBy(f => f.Path))
        {
            var fifo = _fifos.FirstOrDefault(x => x.Path == f.Path);
            if (fifo is null)
            {
                fifo = NotifyFifoWriter.Open(f.Path, out var opened);
                if (opened.Outcome != FifoWriteOutcome.Written)
                    problem($"notify FIFO {f.Path}: {opened.Message}");
                _fifos.Add(fifo);
            }
            result.Add(fifo);
        }
        return result;
    }

    /// <summary>The HOCON of the actor system: the precise scheduler, the VRRP, effector and log dispatchers, no CLR
    /// shutdown hook (the host stops the system after the node has released what it holds).</summary>
    public static string AkkaConfig(bool detail) => string.Join('\n',
        PreciseSchedulerSetup.AkkaConfig,
        PreciseSchedulerSetup.VrrpDispatcherConfig,
        PreciseSchedulerSetup.EffectorDispatcherConfig,
        PreciseSchedulerSetup.LogDispatcherConfig,
        $"akka.loglevel = {(detail ? "DEBUG" : "INFO")}",
        // Akka's log events go to Serilog only. Set here rather than with Akka.Hosting's ConfigureLoggers, whose HOCON
        // escaping builds two compiled regular expressions at start (Reflection.Emit and an optimised JIT of a 4 kB IL
        // matcher, before the first advert).
        $"akka.loggers = [\"{typeof(Logging.AkkaSerilogLogger).AssemblyQualifiedName}\"]",
        "akka.log-config-on-start = off",
        "akka.stdout-loglevel = OFF",
        "akka.coordinated-shutdown.run-by-clr-shutdown-hook = off",
        "akka.log-dead-letters = off");

    public NodeSetup Setup { get; }

    public Props RootProps => NodeRootActor.Props(Setup);

    public void Dispose()
    {
        _processes.Dispose();
        foreach (var fifo in _fifos)
            fifo.Dispose();
    }
}

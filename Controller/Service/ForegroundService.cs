using System.Diagnostics;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Timing;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Controller.CommandLine;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Mail;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Controller.Service;

/// <summary>
/// <c>keepalive -n [-f FILE]</c>: the VRRP service in the foreground — the configuration is loaded and refused with
/// every diagnostic if it has errors; the node (NodeRootActor) runs on the real kernel (netlink, raw VRRP sockets,
/// timerfd with <c>vrrp_rt_priority</c>), with the Linux script runner, inotify file watch, proc-connector process
/// watch, notify FIFOs and MailKit; SIGTERM or SIGINT stops it as keepalived does (masters send priority 0 and
/// release their addresses, STOP notifications run) and it exits 0. Detaching (without -n), reload, the pid file and
/// the status endpoint come with the rest of the daemon.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ForegroundService
{
    /// <summary>Exit code when the service cannot start (keepalived's KEEPALIVED_EXIT_FATAL).</summary>
    public const int Fatal = 1;

    public static int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, ICliEnvironment env)
    {
        var result = ConfigTestCommand.Load(options, env, out var path);
        foreach (var d in result.Diagnostics.Where(d => d.Severity != Severity.Info))
            stderr.WriteLine(ConfigTestCommand.Format(d, env.CurrentDirectory));
        if (result.HasErrors)
        {
            stderr.WriteLine($"keepalive: {path}: {result.ErrorCount} error(s): not starting");
            return Fatal;
        }
        var config = result.Config;
        var opened = LinuxKernelPort.Open(out var kernel);
        if (!opened.IsOk || kernel is null)
        {
            stderr.WriteLine($"keepalive: cannot open the kernel's netlink interface: {opened} (run as root)");
            return Fatal;
        }
        using var kernelPort = kernel;
        using var processes = new ProcConnectorProcessWatch();
        var files = new InotifyTrackedFileWatch();
        var fifos = OpenFifos(config, stderr);
        int rtPriority = config.Globals.VrrpRtPriority ?? 0;
        PreciseSchedulerSetup.WaiterFactory = () => new TimerFdDeadlineWaiter(rtPriority);
        var akka = ConfigurationFactory.ParseString(PreciseSchedulerSetup.AkkaConfig + "\n" + PreciseSchedulerSetup.VrrpDispatcherConfig
            + "\nakka.loglevel = INFO\nakka.stdout-loglevel = WARNING\nakka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
        using var system = ActorSystem.Create("keepalive", akka);
        var runner = new ProcessScriptRunner();
        var users = new LinuxScriptUsers();
        var setup = new NodeSetup
        {
            Config = config,
            Kernel = kernelPort,
            Sockets = new RawVrrpSocketFactory(),
            Clock = () => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency,
            VrrpDispatcher = PreciseSchedulerSetup.VrrpDispatcher,
            TrackerProps = TrackerPropsFactory.For(config.Globals, new TrackerPorts(runner, users, files, processes),
                problem: p => stderr.WriteLine($"keepalive: {p}")),
            NotifierProps = nodePlan => NotifierActor.Props(
                NotifyPlanner.From(config, new NotifyHost(env.HostFacts.ShortHostName, Environment.UserName), out _),
                new NotifierPorts(runner, fifos, new MailKitMailSender(), users)),
        };
        var root = system.ActorOf(NodeRootActor.Props(setup), "node");
        stdout.WriteLine($"keepalive: running {config.VrrpInstances.Count} VRRP instance(s) from {path}; SIGTERM or SIGINT stops");

        using var stop = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        stop.Wait();
        stdout.WriteLine("keepalive: stopping (priority 0 from every master, addresses released)");
        try
        {
            var stopped = root.Ask<NodeStopped>(StopNode.Instance, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            stdout.WriteLine($"keepalive: stopped {stopped.Instances} instance(s)");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            stderr.WriteLine("keepalive: the node did not stop within 30 s; exiting anyway");
        }
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        foreach (var fifo in fifos)
            fifo.Dispose();
        return 0;
    }

    private static List<INotifyFifo> OpenFifos(KeepAlive.Config.Model.KeepAliveConfig config, TextWriter stderr)
    {
        var fifos = new List<INotifyFifo>();
        foreach (var f in new[] { config.Globals.NotifyFifo, config.Globals.VrrpNotifyFifo }.OfType<KeepAlive.Config.Model.FifoConfig>().DistinctBy(f => f.Path))
        {
            var fifo = NotifyFifoWriter.Open(f.Path, out var opened);
            if (opened.Outcome != FifoWriteOutcome.Written)
                stderr.WriteLine($"keepalive: notify FIFO {f.Path}: {opened.Message}");
            fifos.Add(fifo);
        }
        return fifos;
    }
}

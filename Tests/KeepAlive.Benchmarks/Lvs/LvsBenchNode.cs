using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Timing;
using KeepAlive.Config;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// A node as the daemon composes it (Controller/Service/NodeComposition: PreciseScheduler on timerfd, the VRRP
/// dispatcher, NodeRootActor with the given probes) on the kernel of the tests (<see cref="RecordingKernelPort"/>,
/// whose IPVS is the in-memory <see cref="RecordingIpvs"/>), its IPVS changes counted and timed by
/// <see cref="TimedIpvsPort"/>. The host has no ip_vs module; everything but the kernel is the product's.
/// </summary>
public sealed class LvsBenchNode : IDisposable
{
    private LvsBenchNode(ActorSystem system, IActorRef root, TimedIpvsPort ipvs, RecordingIpvs table)
    {
        System = system;
        Root = root;
        Ipvs = ipvs;
        Table = table;
    }

    public ActorSystem System { get; }

    public IActorRef Root { get; }

    /// <summary>Counts and times the IPVS changes.</summary>
    public TimedIpvsPort Ipvs { get; }

    /// <summary>The in-memory IPVS table (its <see cref="RecordingIpvs.Log"/> names each change).</summary>
    public RecordingIpvs Table { get; }

    public static LvsBenchNode Start(KeepAliveConfig config, IHealthProbeFactory probes)
    {
        PreciseSchedulerSetup.WaiterFactory = () => new TimerFdDeadlineWaiter();
        var hocon = ConfigurationFactory.ParseString(string.Join('\n',
            PreciseSchedulerSetup.AkkaConfig, PreciseSchedulerSetup.VrrpDispatcherConfig,
            "akka.loglevel = WARNING", "akka.stdout-loglevel = WARNING", "akka.log-dead-letters = off"));
        var system = ActorSystem.Create("lvs-bench", hocon);
        var recording = new RecordingKernelPort();
        var ipvs = new TimedIpvsPort(recording.RecordingIpvs);
        var root = system.ActorOf(NodeRootActor.Props(new NodeSetup
        {
            Config = config,
            Kernel = new WithIpvs(recording, ipvs),
            Sockets = new InMemoryVrrpSocketFactory(new InMemoryVrrpNetwork()),
            Clock = () => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency,
            VrrpDispatcher = PreciseSchedulerSetup.VrrpDispatcher,
            Probes = probes,
        }), "node");
        return new LvsBenchNode(system, root, ipvs, recording.RecordingIpvs);
    }

    /// <summary>Loads a configuration text as the daemon does (the whole pipeline); throws on errors.</summary>
    public static KeepAliveConfig Load(string text)
    {
        const string path = "/etc/keepalived/keepalived.conf";
        var loaded = ConfigLoader.Load(path, new InMemoryConfigSource().Add(path, text));
        if (loaded.HasErrors)
            throw new InvalidOperationException(string.Join('\n', loaded.Diagnostics));
        return loaded.Config;
    }

    /// <summary>Waits until <paramref name="changes"/> IPVS changes have been issued and then none for
    /// <paramref name="quiet"/>; false on timeout.</summary>
    public bool WaitForChanges(long changes, TimeSpan quiet, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            long before = Ipvs.Changes;
            Thread.Sleep(quiet);
            if (before >= changes && Ipvs.Changes == before)
                return true;
        }
        return false;
    }

    public void Dispose()
    {
        try
        {
            Root.Ask<NodeStopped>(StopNode.Instance, TimeSpan.FromSeconds(30)).Wait();
        }
        catch (AggregateException)
        {
            // A node that does not stop in time is still terminated with its system.
        }
        System.Terminate().Wait(TimeSpan.FromSeconds(10));
        System.Dispose();
    }

    /// <summary>The recording kernel with the timed IPVS in front of its in-memory one.</summary>
    private sealed class WithIpvs(IKernelPort inner, IIpvsPort ipvs) : DelegatingKernelPort(inner)
    {
        public override IIpvsPort Ipvs => ipvs;
    }
}

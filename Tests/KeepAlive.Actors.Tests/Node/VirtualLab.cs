using System.Diagnostics;
using System.Net;
using Akka.Actor;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using Microsoft.Extensions.Time.Testing;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>One simulated host of a <see cref="VirtualLab"/>: its fake kernel, its sockets and its node root.</summary>
public sealed class LabNode(string name, IPAddress address, RecordingKernelPort kernel, InMemoryVrrpSocketFactory sockets, IActorRef root)
{
    public string Name { get; } = name;

    public IPAddress Address { get; } = address;

    public RecordingKernelPort Kernel { get; } = kernel;

    public InMemoryVrrpSocketFactory Sockets { get; } = sockets;

    public IActorRef Root { get; } = root;

    /// <summary>The node's vrrp_notify_fifo, when the lab runs notifiers.</summary>
    public KeepAlive.Actors.Tests.Notify.RecordingFifo? Fifo { get; set; }

    /// <summary>False once the host died (its node was stopped without a goodbye).</summary>
    public bool Alive { get; set; } = true;

    public override string ToString() => Name;
}

/// <summary>
/// Several KeepAlive nodes on one in-memory LAN inside one ActorSystem whose PreciseScheduler runs on a hand-driven
/// clock; the network's delays use a fake TimeProvider advanced in the same steps. Each node is a
/// <see cref="NodeRootActor"/> built from keepalived.conf text, with its own fake kernel (interface eth0 with the
/// host's address) and sockets plugged into the LAN.
/// </summary>
public sealed class VirtualLab(ActorSystem system, ManualDeadlineWaiter clock, int seed = 1)
{
    public const string ConfigPath = "/etc/keepalived/keepalived.conf";
    private readonly FakeTimeProvider _networkTime = new();
    private InMemoryVrrpNetwork? _network;
    private readonly List<LabNode> _nodes = [];

    public InMemoryVrrpNetwork Network => _network ??= new InMemoryVrrpNetwork(_networkTime, seed);

    public IReadOnlyList<LabNode> Nodes => _nodes;

    /// <summary>Every node gets a notifier whose scripts exit at once, writing its FIFO lines to
    /// <see cref="LabNode.Fifo"/>.</summary>
    public bool WithNotifier { get; init; }

    /// <summary>Optional factories handed to every node (trackers, notifier).</summary>
    public Func<NodeSetup, NodeSetup> Customise { get; set; } = s => s;

    public static KeepAliveConfig Load(string text)
    {
        var result = ConfigLoader.Load(ConfigPath, new InMemoryConfigSource().Add(ConfigPath, text));
        if (result.HasErrors)
            throw new InvalidOperationException(string.Join('\n', result.Diagnostics));
        return result.Config;
    }

    /// <summary>Starts host <paramref name="name"/> at 10.0.0.<paramref name="octet"/> running <paramref name="config"/>.</summary>
    public LabNode Start(string name, int octet, string config, Action<RecordingKernelPort>? prepare = null)
    {
        var address = IPAddress.Parse($"10.0.0.{octet}");
        var kernel = new RecordingKernelPort().WithLink("eth0", mac: [2, 0, 0, 0, 0, (byte)octet]);
        kernel.AddAddress(new InterfaceAddress("eth0", address, 24));
        prepare?.Invoke(kernel);
        var sockets = new InMemoryVrrpSocketFactory(Network).Plug("eth0", "lan", 2, address);
        var loaded = Load(config);
        var fifo = WithNotifier ? new KeepAlive.Actors.Tests.Notify.RecordingFifo("/run/keepalive.fifo") : null;
        var setup = Customise(new NodeSetup
        {
            Config = loaded,
            VrrpDispatcher = KeepAlive.Actors.Timing.PreciseSchedulerSetup.VrrpDispatcher,     // as the service runs them
            EffectorDispatcher = KeepAlive.Actors.Timing.PreciseSchedulerSetup.EffectorDispatcher,
            NotifierProps = fifo is null ? null : nodePlan => KeepAlive.Actors.Notify.NotifierActor.Props(
                KeepAlive.Actors.Notify.NotifyPlanner.From(loaded, new("lab", "root"), out _),
                new KeepAlive.Actors.Notify.NotifierPorts(
                    new KeepAlive.Actors.Tests.Notify.FakeScriptRunner { AutoExit = ["/bin/true"] },
                    [fifo],
                    new KeepAlive.Actors.Tests.Notify.RecordingMailSender(),
                    new KeepAlive.Actors.Tests.Notify.FakeScriptUsers(new() { ["root"] = (0, 0) }, [], new(0, 0)))),
            NotifyPlanFor = fifo is null ? null : c => KeepAlive.Actors.Notify.NotifyPlanner.From(c, new("lab", "root"), out _),
            Kernel = SlowKernelPort.FromEnvironment(kernel),
            Sockets = sockets,
            Clock = () => clock.GetTimestamp() * 1_000_000 / Stopwatch.Frequency,
        });
        var root = system.ActorOf(NodeRootActor.Props(setup), "node-" + name);
        var node = new LabNode(name, address, kernel, sockets, root) { Fifo = fifo };
        _nodes.Add(node);
        Children(node);                                                   // wait until it runs
        return node;
    }

    /// <summary>The host dies without a goodbye: its actors stop, its addresses vanish with it.</summary>
    public void Kill(LabNode node)
    {
        node.Alive = false;
        system.Stop(node.Root);
        node.Kernel.Addresses(out var held);
        foreach (var a in held.Where(a => !a.Address.Equals(node.Address)))
            node.Kernel.RemoveAddressBehindOurBack(a);
    }

    /// <summary>A graceful stop (SIGTERM): the node's instances leave, its effector drains; the node is then dead.</summary>
    public NodeStopped Stop(LabNode node)
    {
        var stopped = node.Root.Ask<NodeStopped>(StopNode.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        node.Alive = false;
        system.Stop(node.Root);
        return stopped;
    }

    /// <summary>Lets <paramref name="seconds"/> of virtual time pass in <paramref name="stepMs"/> steps.</summary>
    public void Run(double seconds, int stepMs = 50)
    {
        var step = TimeSpan.FromMilliseconds(stepMs);
        for (double t = 0; t < seconds * 1000; t += stepMs)
        {
            clock.AdvanceAndSettle(step);
            _networkTime.Advance(step);
            Thread.Sleep(2);
            SettleEffectors();
        }
    }

    /// <summary>Real time a step waits at most for each live node's effector (a blocked one, e.g. a gated IPVS port, is
    /// left behind after it).</summary>
    public static readonly TimeSpan EffectorSettle = TimeSpan.FromSeconds(1);

    /// <summary>Waits until every live node's effector has carried out what it was asked before now. A real kernel
    /// answers in microseconds, far within a step, but a loaded host (CI) may run the effector's thread behind the
    /// clock by more than a second of virtual time; an Identify queues behind those requests.</summary>
    private void SettleEffectors()
    {
        foreach (var node in _nodes.Where(n => n.Alive))
        {
            try
            {
                system.ActorSelection(node.Root.Path / ActorNames.Effector)
                    .Ask<ActorIdentity>(new Identify(null), EffectorSettle).GetAwaiter().GetResult();
            }
            catch (AskTimeoutException)
            {
            }
        }
    }

    /// <summary>SIGHUP with <paramref name="config"/> (already valid): the node's answer.</summary>
    public ConfigApplied Reload(LabNode node, string config) =>
        node.Root.Ask<ConfigApplied>(new ApplyConfig(Load(config)), TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();

    /// <summary>Lets <paramref name="seconds"/> of virtual time pass in <paramref name="stepMs"/> steps and returns,
    /// per advert source and VRID, the virtual times (seconds from now, at step resolution) at which adverts left.
    /// <paramref name="after"/> runs after each step with the virtual time reached.</summary>
    public IReadOnlyDictionary<(IPAddress Source, byte Vrid), List<double>> RecordAdverts(double seconds, Action<double>? after = null, int stepMs = 50)
    {
        var times = new Dictionary<(IPAddress, byte), List<double>>();
        int seen = Network.Sent.Count;
        for (double t = 0; t < seconds * 1000; t += stepMs)
        {
            Run(stepMs / 1000.0, stepMs);
            var sent = Quiet();
            for (int i = seen; i < sent.Count; i++)
            {
                var key = (sent[i].Source, sent[i].Payload.Span[1]);
                if (!times.TryGetValue(key, out var list))
                    times[key] = list = [];
                list.Add((t + stepMs) / 1000.0);
            }
            seen = sent.Count;
            after?.Invoke((t + stepMs) / 1000.0);
        }
        return times;
    }

    /// <summary>The network's log once nothing has been sent for a few milliseconds (the timers settled, but the
    /// actors may still be handing an advert on: under load it would be counted a step late).</summary>
    private IReadOnlyList<VrrpDatagram> Quiet()
    {
        var sent = Network.Sent;
        for (int still = 0, polls = 0; still < 3 && polls < 100; polls++)
        {
            Thread.Sleep(3);
            var now = Network.Sent;
            still = now.Count == sent.Count ? still + 1 : 0;
            sent = now;
        }
        return sent;
    }

    public NodeChildren Children(LabNode node) =>
        node.Root.Ask<NodeChildren>(GetNodeChildren.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    public IActorRef Child(LabNode node, string childName) => Children(node).Children[childName];

    public IReadOnlyList<InstanceStatus> Instances(LabNode node)
    {
        var children = Children(node);
        return children.Plan.Instances
            .Select(i => children.Children[i.ChildName].Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult())
            .ToList();
    }

    public InstanceStatus Instance(LabNode node, string name) => Instances(node).Single(i => i.Name == name);

    public IoStatus Io(LabNode node, string childName) =>
        Child(node, childName).Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

    public EffectorStatus Effector(LabNode node) =>
        Child(node, ActorNames.Effector).Ask<EffectorStatus>(GetEffectorStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

    public SyncGroupStatus Group(LabNode node, string name) =>
        Child(node, ActorNames.Group(name)).Ask<SyncGroupStatus>(GetSyncGroupStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

    /// <summary>The VIPs (every address but the host's own) in the node's kernel now.</summary>
    public static IReadOnlyList<InterfaceAddress> Vips(LabNode node)
    {
        node.Kernel.Addresses(out var now);
        return now.Where(a => !a.Address.Equals(node.Address)).ToList();
    }

    /// <summary>
    /// The convergence invariant among the live nodes: for every instance name, exactly one MASTER; that master's
    /// kernel holds every VIP of the instance and no other live node holds any; every effector answers (its queue
    /// is drained up to the question). Returns a description of what is wrong, or null.
    /// </summary>
    public string? Violation()
    {
        var alive = _nodes.Where(n => n.Alive).ToList();
        var plans = alive.ToDictionary(n => n, n => Children(n).Plan);
        var statuses = alive.ToDictionary(n => n, Instances);
        foreach (var n in alive)
            Effector(n);
        foreach (var name in statuses.Values.SelectMany(s => s).Select(s => s.Name).Distinct())
        {
            var masters = alive.Where(n => statuses[n].Any(s => s.Name == name && s.State == VrrpState.Master)).ToList();
            if (masters.Count != 1)
                return $"{name}: {masters.Count} masters ({string.Join(", ", alive.Select(n => $"{n}={statuses[n].FirstOrDefault(s => s.Name == name)?.State}"))})";
            var master = masters[0];
            var vips = plans[master].Instances.Single(i => i.Setup.Name == name).Setup.VirtualAddresses;
            var held = Vips(master);
            var missing = vips.Where(v => !held.Any(h => h.Key == v.Key)).ToList();
            if (missing.Count > 0)
                return $"{name}: master {master} lacks {string.Join(", ", missing)}";
            foreach (var other in alive.Where(n => n != master))
            {
                var stray = Vips(other).Where(h => vips.Any(v => v.Key == h.Key)).ToList();
                if (stray.Count > 0)
                    return $"{name}: {other} (not master) holds {string.Join(", ", stray)}";
            }
        }
        return null;
    }

    /// <summary>Real time the actors get, with virtual time stopped, to finish what the last step started: the clock
    /// settles the timer thread, not the dispatcher, and a loaded host (CI, parallel builds) may run behind it.</summary>
    public static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(5);

    /// <summary>Runs in <paramref name="step"/>s until <paramref name="condition"/> holds, for at most
    /// <paramref name="seconds"/> of virtual time (then <see cref="CatchUp"/> of real time with the clock stopped);
    /// returns the virtual seconds it took, or throws.</summary>
    public double RunUntil(Func<bool> condition, double seconds, string what, double step = 0.05)
    {
        double waited = 0;
        while (!condition())
        {
            if (waited >= seconds)
            {
                var slack = System.Diagnostics.Stopwatch.StartNew();
                while (slack.Elapsed < CatchUp)
                {
                    Thread.Sleep(10);
                    if (condition())
                        return waited;
                }
                throw new Xunit.Sdk.XunitException($"{what}: not within {seconds} s of virtual time");
            }
            Run(step);
            waited += step;
        }
        return waited;
    }

    /// <summary>Runs in steps until the invariant holds, for at most <paramref name="seconds"/> of virtual time;
    /// returns the virtual seconds it took, or throws with the last violation.</summary>
    public double ConvergeWithin(double seconds, double step = 0.25)
    {
        string? violation = Violation();
        double waited = 0;
        while (violation is not null)
        {
            if (waited >= seconds)
                throw new Xunit.Sdk.XunitException($"not converged after {seconds} s of virtual time: {violation}");
            Run(step);
            waited += step;
            violation = Violation();
        }
        return waited;
    }

    /// <summary>Keepalived.conf for one instance.</summary>
    public static string Instance(string name, int vrid, int priority, string vip, string extra = "", string state = "BACKUP") => $$"""
        vrrp_instance {{name}} {
            state {{state}}
            interface eth0
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int 1
            {{extra}}
            virtual_ipaddress {
                {{vip}}
            }
        }
        """;

    public static string Conf(params string[] blocks) => "global_defs {\n    vrrp_version 3\n}\n" + string.Join('\n', blocks);
}

using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using Xunit.Abstractions;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>
/// Faults injected into running nodes in the middle of a failover (three nodes, priorities 150/100/50; the master
/// host dies, and while the 100 node waits out its down timer one of its actors crashes), and into the network and
/// the kernel. After each, within 2 × master-down interval of the last fault: exactly one MASTER per instance, all
/// its VIPs on it and on no other live node, every effector answering.
/// </summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeFaultInjectionSpecs : TestKit
{
    private readonly ITestOutputHelper _output;

    public NodeFaultInjectionSpecs(ITestOutputHelper output)
        : base(ManualClockCollection.Install(Clock), output: output) => _output = output;

    private static readonly ManualDeadlineWaiter Clock = new();

    /// <summary>Master-down interval of the slowest instance here (priority 50, v3, 1 s): 3 s + 206/256 s.</summary>
    private const double MasterDown = 3.805;

    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock) { WithNotifier = true };

    private static string NodeConfig(int priority) => "global_defs {\n vrrp_notify_fifo /run/keepalive.fifo\n}\n" + Conf(
        Instance("VI_1", 51, priority, "10.0.0.100/32", "track_interface {\n eth1\n}\nnotify /bin/true"),
        Instance("VI_2", 52, priority, "10.0.0.101/32"),
        Instance("VI_3", 53, priority, "10.0.0.102/32"),
        "vrrp_sync_group G {\n group {\n VI_2\n VI_3\n }\n}");

    private (LabNode A, LabNode B, LabNode C) ThreeNodes()
    {
        var a = Lab.Start("a", 1, NodeConfig(150), k => k.WithLink("eth1"));
        var b = Lab.Start("b", 2, NodeConfig(100), k => k.WithLink("eth1"));
        var c = Lab.Start("c", 3, NodeConfig(50), k => k.WithLink("eth1"));
        Lab.Run(4.5);
        Lab.ConvergeWithin(2);
        Assert.All(Lab.Instances(a), s => Assert.Equal(VrrpState.Master, s.State));
        return (a, b, c);
    }

    private void Converged(double since)
    {
        double took = Lab.ConvergeWithin(2 * MasterDown - since);
        _output.WriteLine($"converged {since + took:0.00} s after the last fault");
    }

    [Theory]
    [InlineData(ActorNames.Effector)]
    [InlineData("io-eth0-v4-multicast")]
    [InlineData("vrrp-eth0-v4-51")]
    [InlineData("vrrp-eth0-v4-52")]
    [InlineData("sync-G")]
    [InlineData("track-interface-eth1")]
    [InlineData("track-interface-eth0")]
    [InlineData(ActorNames.Notifier)]
    public void A_child_crashing_in_the_middle_of_a_failover_still_converges(string child)
    {
        var (a, b, _) = ThreeNodes();
        Lab.Kill(a);
        Lab.Run(1.8);                                                        // b is waiting out its down timer
        Lab.Child(b, child).Tell(Kill.Instance);                             // ActorKilledException → restart
        Converged(0);
        // Whoever took over meanwhile, the 100 node ends up MASTER of everything (it preempts a 50 master).
        Lab.RunUntil(() => Lab.Instances(b).All(s => s.State == VrrpState.Master), 2 * MasterDown, "b masters everything");
        Assert.Null(Lab.Violation());
    }

    [Fact]
    public void A_crash_of_a_master_instance_brings_it_back_as_backup_and_the_group_stays_whole()
    {
        var (a, b, _) = ThreeNodes();
        Sys.EventStream.Subscribe(TestActor, typeof(InstanceStateChanged));
        Lab.Child(a, "vrrp-eth0-v4-52").Tell(Kill.Instance);                 // a group member, while MASTER
        Lab.Run(0.1);
        // It came back as BACKUP, and its group (still MASTER) took it back to MASTER at once.
        ExpectMsg<InstanceStateChanged>(e => e.Instance == "VI_2" && e.To == VrrpState.Backup && e.Reason == VrrpReason.Startup);
        ExpectMsg<InstanceStateChanged>(e => e.Instance == "VI_2" && e.To == VrrpState.Master && e.Reason == VrrpReason.SyncGroup);
        Converged(0.1);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_2").State);     // 150 preempts back
        Assert.Equal(Lab.Instance(a, "VI_2").State, Lab.Instance(a, "VI_3").State);
        Assert.Equal(VrrpState.Backup, Lab.Instance(b, "VI_2").State);
    }

    [Fact]
    public void Lost_delayed_duplicated_and_reordered_adverts_do_not_stop_convergence()
    {
        var (a, b, c) = ThreeNodes();
        Lab.Network.LossRate = 0.25;
        Lab.Network.DuplicateRate = 0.3;
        Lab.Network.Delay = TimeSpan.FromMilliseconds(40);
        Lab.Network.Jitter = TimeSpan.FromMilliseconds(300);               // adverts overtake each other
        Lab.Run(10);
        Lab.Kill(a);
        Lab.Run(10);
        Lab.Network.LossRate = 0;
        Lab.Network.DuplicateRate = 0;
        Lab.Network.Jitter = TimeSpan.Zero;
        Converged(0);
        Assert.All(Lab.Instances(b), s => Assert.Equal(VrrpState.Master, s.State));
        Assert.All(Lab.Instances(c), s => Assert.Equal(VrrpState.Backup, s.State));
    }

    [Fact]
    public void A_partition_makes_two_masters_and_healing_it_leaves_one()
    {
        var (a, b, c) = ThreeNodes();
        Lab.Network.Partition(a.Address, b.Address);
        Lab.Network.Partition(a.Address, c.Address);
        Lab.Run(5);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);     // split brain, as VRRP must
        Assert.Equal(VrrpState.Master, Lab.Instance(b, "VI_1").State);
        Lab.Network.Heal();
        Converged(0);
        Assert.All(Lab.Instances(a), s => Assert.Equal(VrrpState.Master, s.State));
        Assert.All(Lab.Instances(b), s => Assert.Equal(VrrpState.Backup, s.State));
    }

    [Fact]
    public void A_failing_address_add_is_rolled_back_and_retried_until_the_master_holds_its_vips()
    {
        var (a, b, _) = ThreeNodes();
        b.Kernel.InjectFault(KernelOpKind.AddAddress, errno: 105, times: 3);  // ENOBUFS, three times
        Lab.Kill(a);
        Converged(0);
        Assert.All(Lab.Instances(b), s => Assert.Equal(VrrpState.Master, s.State));
        Assert.Contains(b.Kernel.Log, op => op.Kind == KernelOpKind.AddAddress && op.Result.Errno == 105);
    }

    [Fact]
    public void A_killed_predecessors_vips_are_removed_when_the_node_starts()
    {
        var a = Lab.Start("a", 1, NodeConfig(150), k =>
        {
            k.WithLink("eth1");
            k.AddAddress(new("eth0", System.Net.IPAddress.Parse("10.0.0.101"), 32));   // left by a kill -9
        });
        Assert.DoesNotContain(Vips(a), v => v.Address.ToString() == "10.0.0.101");
        Assert.All(Lab.Instances(a), s => Assert.Equal(VrrpState.Backup, s.State));
    }

    [Fact]
    public void The_notify_fifo_of_the_node_that_takes_over_gets_keepalived_lines_in_order()
    {
        var (a, b, _) = ThreeNodes();
        Lab.Kill(a);
        Converged(0);
        Lab.RunUntil(() => Lab.Instances(b).All(s => s.State == VrrpState.Master), 2 * MasterDown, "b masters everything");
        Lab.Run(0.2);
        var lines = b.Fifo!.Lines.Where(l => l.Contains("VI_1")).Select(l => l.TrimEnd('\n')).ToList();
        Assert.Equal(["INSTANCE \"VI_1\" BACKUP 100", "INSTANCE \"VI_1\" MASTER 100"], lines.TakeLast(2));
        Assert.Contains(b.Fifo.Lines, l => l == "GROUP \"G\" MASTER 0\n");
    }

    [Fact]
    public void A_hung_check_script_is_killed_at_its_timeout_and_its_failure_moves_mastership()
    {
        const string Check = "vrrp_script chk {\n script \"/bin/chk\"\n interval 1\n timeout 2\n}\n";
        var runners = new Dictionary<string, ScriptedScriptRunner>();
        var users = new KeepAlive.Actors.Tests.Notify.FakeScriptUsers(new() { ["root"] = (0, 0) }, [], new(0, 0));
        ScriptedScriptRunner Runner(int successes)
        {
            var runner = new ScriptedScriptRunner((delay, action) => Sys.Scheduler.Advanced.ScheduleOnce(delay, action));
            runner.EnqueueExits(Enumerable.Repeat(0, successes).ToArray());
            return runner;
        }
        LabNode Start(string name, int octet, int priority, int successes)
        {
            var runner = runners[name] = Runner(successes);
            Lab.Customise = s => s with { TrackerProps = TrackerPropsFactory.For(s.Config.Globals, new TrackerPorts(runner, users)) };
            return Lab.Start(name, octet, Check + Conf(Instance("VI_1", 51, priority, "10.0.0.100/32", "track_script {\n chk\n}")));
        }
        var a = Start("a", 1, 150, successes: 6);                           // the 7th check hangs
        var b = Start("b", 2, 100, successes: 1000);
        Start("c", 3, 50, successes: 1000);
        Lab.Run(4.5);
        Lab.ConvergeWithin(2);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);

        double hung = Lab.RunUntil(() => runners["a"].Running == 1, 5, "a's check hangs");
        double faulted = Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Fault, 3, "killed at 2 s, counted as a failure");
        _output.WriteLine($"check hung {hung:0.00} s in, a FAULT {faulted:0.00} s later");
        Assert.InRange(faulted, 1.9, 2.5);
        Assert.Contains(runners["a"].Runs, r => r.Killed);
        Converged(0);
        Assert.Equal(VrrpState.Master, Lab.Instance(b, "VI_1").State);
        Assert.All(runners.Values, r => Assert.True(r.Running <= 1));      // at most the current check; nothing piles up
    }
}

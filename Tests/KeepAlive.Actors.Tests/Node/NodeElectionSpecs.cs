using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>Whole nodes (NodeRootActor from keepalived.conf text) electing on the in-memory LAN in virtual time.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeElectionSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Of_n_nodes_the_highest_priority_becomes_the_only_master_and_holds_the_vip(int n)
    {
        var nodes = Enumerable.Range(1, n).Select(i => Lab.Start($"n{i}", i, Conf(Instance("VI_1", 51, 100 + 10 * i, "10.0.0.100/32")))).ToList();
        Lab.Run(4);                                           // the best's down timer (3 × 1 s + skew) ran out
        double waited = Lab.ConvergeWithin(2);
        var master = nodes.Single(x => Lab.Instance(x, "VI_1").State == VrrpState.Master);
        Assert.Equal($"n{n}", master.Name);
        Assert.Equal(["10.0.0.100/32 dev eth0"], Vips(master).Select(v => v.ToString()));
        Assert.All(nodes.Where(x => x != master), x => Assert.Equal(VrrpState.Backup, Lab.Instance(x, "VI_1").State));
        Assert.True(waited <= 2);
    }

    [Fact]
    public void With_equal_priorities_two_masters_resolve_to_the_higher_primary_address()
    {
        // The tie-break applies between two MASTERs (a BACKUP accepts an equal-priority master, RFC 5798 §6.4.2):
        // make both MASTER behind a partition, then heal it.
        var low = Lab.Start("low", 1, Conf(Instance("VI_1", 51, 100, "10.0.0.100/32")));
        var high = Lab.Start("high", 2, Conf(Instance("VI_1", 51, 100, "10.0.0.100/32")));
        Lab.Network.Partition(low.Address, high.Address);
        Lab.Run(4);
        Assert.Equal(VrrpState.Master, Lab.Instance(low, "VI_1").State);
        Assert.Equal(VrrpState.Master, Lab.Instance(high, "VI_1").State);
        Lab.Network.Heal();
        Lab.ConvergeWithin(2);
        Assert.Equal(VrrpState.Master, Lab.Instance(high, "VI_1").State);
        Assert.Equal(VrrpState.Backup, Lab.Instance(low, "VI_1").State);
    }

    [Fact]
    public void A_higher_priority_node_that_starts_later_preempts_unless_nopreempt_and_after_its_preempt_delay()
    {
        var first = Lab.Start("first", 1, Conf(Instance("VI_1", 51, 100, "10.0.0.100/32"), Instance("VI_2", 52, 100, "10.0.0.101/32"), Instance("VI_3", 53, 100, "10.0.0.102/32")));
        Lab.Run(4);
        Lab.ConvergeWithin(2);
        Assert.All(Lab.Instances(first), s => Assert.Equal(VrrpState.Master, s.State));

        var late = Lab.Start("late", 2, Conf(
            Instance("VI_1", 51, 200, "10.0.0.100/32"),
            Instance("VI_2", 52, 200, "10.0.0.101/32", "nopreempt"),
            Instance("VI_3", 53, 200, "10.0.0.102/32", "preempt_delay 5")));
        // A higher-priority backup ignores the lower master's adverts; its own down timer (3 × 1 s + 0.22 s) makes it MASTER.
        double took = Lab.RunUntil(() => Lab.Instance(late, "VI_1").State == VrrpState.Master, 4, "VI_1 preempts");
        Assert.InRange(took, 3.2, 3.5);
        // preempt_delay: the window opens at the first lower advert heard (t1 ≤ 1 s after start) and closes 5 s later;
        // adverts heard in it restart the down timer (3 × 1 s + 0.22 s), so it takes over between t1 + 5 s and
        // t1 + 8.2 s: never before 5 s, at most about 9.3 s after its start.
        Lab.Run(5 - took);
        Assert.Equal(VrrpState.Backup, Lab.Instance(late, "VI_3").State);
        double delayed = 5 + Lab.RunUntil(() => Lab.Instance(late, "VI_3").State == VrrpState.Master, 4.5, "VI_3 preempts after its delay");
        Assert.InRange(delayed, 5, 9.5);
        Assert.Equal(VrrpState.Backup, Lab.Instance(late, "VI_2").State);     // nopreempt: the 100 master stays
        Assert.Equal(VrrpState.Master, Lab.Instance(first, "VI_2").State);
        Assert.Null(Lab.Violation());
    }

    [Fact]
    public void A_stopping_master_sends_priority_zero_and_the_backup_takes_over_in_skew_time()
    {
        var a = Lab.Start("a", 1, Conf(Instance("VI_1", 51, 150, "10.0.0.100/32")));
        var b = Lab.Start("b", 2, Conf(Instance("VI_1", 51, 100, "10.0.0.100/32")));
        Lab.Run(4);
        Lab.ConvergeWithin(2);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);

        Assert.Equal(1, Lab.Stop(a).Instances);
        Assert.Empty(Vips(a));                                               // released before the answer
        // Skew time for 100 at 1 s is 0.609 s, against 3.609 s of master-down without the priority-0 advert.
        double took = Lab.RunUntil(() => Lab.Instance(b, "VI_1").State == VrrpState.Master, 1.5, "b takes over");
        Assert.InRange(took, 0.55, 1.5);
        Assert.Null(Lab.Violation());
    }

    [Fact]
    public void A_tracked_interface_with_a_weight_moves_mastership_and_an_unweighted_one_faults()
    {
        string Tracked(int priority, string weight) => Conf(Instance("VI_1", 51, priority, "10.0.0.100/32", $"track_interface {{\n eth1 {weight}\n}}"));
        var a = Lab.Start("a", 1, Tracked(150, "weight -60"), k => k.WithLink("eth1"));
        var b = Lab.Start("b", 2, Tracked(100, ""), k => k.WithLink("eth1"));
        Lab.Run(4);
        Lab.ConvergeWithin(2);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);

        a.Kernel.SetLink("eth1", adminUp: true, carrier: false);             // 150 - 60 = 90 < 100
        Lab.Run(0.1);
        Assert.Equal(90, Lab.Instance(a, "VI_1").EffectivePriority);
        // b ignores 90 adverts: its down timer (3 × 1 s + 0.61 s) from the last 150 advert makes it MASTER.
        Lab.RunUntil(() => Lab.Instance(b, "VI_1").State == VrrpState.Master, 4, "b takes over");
        Lab.ConvergeWithin(1);

        b.Kernel.SetLink("eth1", adminUp: false, carrier: false);            // unweighted: b faults, a takes over
        Lab.Run(1);
        Assert.Equal(VrrpState.Fault, Lab.Instance(b, "VI_1").State);
        Lab.ConvergeWithin(4);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);
    }

    [Fact]
    public void Unicast_peers_elect_and_with_check_unicast_src_a_stranger_is_not_heard()
    {
        static string Unicast(int priority, int self, int peer) => Conf(Instance("VI_1", 51, priority, "10.0.0.100/32",
            $"unicast_src_ip 10.0.0.{self}\n check_unicast_src\n unicast_peer {{\n 10.0.0.{peer}\n }}"));
        var a = Lab.Start("a", 1, Unicast(100, 1, 2));
        var b = Lab.Start("b", 2, Unicast(50, 2, 1));
        Lab.Run(4);
        Lab.ConvergeWithin(2);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);

        // A third host that lists a as its peer, with a higher priority: a does not take it as a peer's advert.
        var stranger = Lab.Start("x", 9, Unicast(200, 9, 1));
        Lab.Run(8);                                                          // x is MASTER after 3.2 s, then 1 advert/s
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);
        var io = Lab.Io(a, "io-eth0-v4-unicast");
        Assert.True(io.Discards.GetValueOrDefault(KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard.NotAPeer) >= 3, string.Join(", ", io.Discards));
        Assert.Equal(VrrpState.Master, Lab.Instance(stranger, "VI_1").State);   // it hears nobody either
    }
}

using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using Xunit.Abstractions;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>Two nodes, each running one vrrp_sync_group of 50 instances (50 VIPs), built from keepalived.conf: the
/// group fails over as a whole in both directions, and a FAULT in one member (its tracked interface goes down) pulls
/// the whole group; virtual times are printed.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeSyncGroupSpecs : TestKit
{
    private const int Members = 50;
    private static readonly ManualDeadlineWaiter Clock = new();
    private readonly ITestOutputHelper _output;
    private VirtualLab? _lab;

    public NodeSyncGroupSpecs(ITestOutputHelper output)
        : base(ManualClockCollection.Install(Clock), output: output) => _output = output;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    private static string GroupConfig(int priority)
    {
        var blocks = Enumerable.Range(1, Members)
            .Select(v => Instance($"VI_{v}", v, priority, $"10.0.1.{v}/32", v == 7 ? "track_interface {\n eth1\n}" : ""))
            .ToList();
        blocks.Add("vrrp_sync_group G {\n group {\n" + string.Join('\n', Enumerable.Range(1, Members).Select(v => $"VI_{v}")) + "\n }\n}");
        return Conf([.. blocks]);
    }

    private bool All(LabNode n, VrrpState state) =>
        Lab.Instances(n).All(s => s.State == state) && Vips(n).Count == (state == VrrpState.Master ? Members : 0);

    [Fact]
    public void Fifty_vips_move_together_both_ways_and_a_fault_in_one_member_pulls_the_group()
    {
        var a = Lab.Start("a", 1, GroupConfig(150), k => k.WithLink("eth1"));
        var b = Lab.Start("b", 2, GroupConfig(100), k => k.WithLink("eth1"));
        Lab.Run(4);
        Lab.RunUntil(() => All(a, VrrpState.Master) && All(b, VrrpState.Backup), 4, "a's group MASTER");
        Assert.Null(Lab.Violation());

        // One member's tracked interface goes down: a's whole group goes FAULT (priority 0 sent), b's takes over.
        a.Kernel.SetLink("eth1", adminUp: true, carrier: false);
        double over = Lab.RunUntil(() => All(a, VrrpState.Fault) && All(b, VrrpState.Master), 2, "b's group takes over");
        _output.WriteLine($"a FAULT → b MASTER with all {Members} VIPs: {over:0.00} s virtual");
        Assert.Equal(VrrpState.Fault, Lab.Group(a, "G").State);

        // It comes back: a's members leave FAULT together and preempt together (150 > 100).
        a.Kernel.SetLink("eth1", adminUp: true, carrier: true);
        double back = Lab.RunUntil(() => All(a, VrrpState.Master) && All(b, VrrpState.Backup), 5, "a's group takes back");
        _output.WriteLine($"a recovers → a MASTER with all {Members} VIPs: {back:0.00} s virtual");
        Assert.Null(Lab.Violation());
    }
}

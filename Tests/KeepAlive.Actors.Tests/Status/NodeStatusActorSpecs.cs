using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Status;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Status;

/// <summary>The per-request status aggregator against probes: children that do not answer before the deadline are
/// reported missing instead of failing the request; a silent node gives an empty report naming "node"; STATS_CLEAR
/// reaches every instance and I/O actor.</summary>
public sealed class NodeStatusActorSpecs : TestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMilliseconds(500);

    private static NodePlan Plan(params string[] io) =>
        new([.. io.Select(n => new IoPlan(n, new VrrpSocketSpec("eth0", AddressFamily.InterNetwork, true)))], [], [], [], []);

    [Fact]
    public async Task A_silent_child_is_reported_missing_and_the_rest_is_kept()
    {
        var node = CreateTestProbe();
        var io = CreateTestProbe();
        var silent = CreateTestProbe();
        var effector = CreateTestProbe();
        var report = NodeStatus.CollectAsync(Sys, node.Ref, Deadline);
        node.ExpectMsg<GetNodeChildren>();
        node.Reply(new NodeChildren(Plan("io-a", "io-b"), new Dictionary<string, IActorRef>
        {
            ["io-a"] = io.Ref, ["io-b"] = silent.Ref, [ActorNames.Effector] = effector.Ref,
        }));
        io.ExpectMsg<GetIoStatus>();
        io.Reply(new IoStatus(7, 3, 0, new Dictionary<KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard, long> { [KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard.UnknownVrid] = 2 }) { Absorbed = 4 });
        io.Reply(new IoStatus(99, 99, 99, new Dictionary<KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard, long>()));   // a second answer is ignored
        silent.ExpectMsg<GetIoStatus>();
        effector.ExpectMsg<GetEffectorStatus>();
        effector.Reply(new EffectorStatus(new Dictionary<string, IReadOnlyList<InterfaceAddress>>(), 5, 1));
        var r = await report;
        Assert.Equal(new[] { "io-b" }, r.Missing.ToArray());
        var s = Assert.Single(r.Io);
        Assert.Equal(("io-a", 7L, 4L, 3L, 2L), (s.Child, s.Received, s.Absorbed, s.Sent, s.Discards[KeepAlive.Kernel.Wire.Vrrp.VrrpDiscard.UnknownVrid]));
        Assert.Equal((5L, 1L), (r.Effector!.Applied, r.Effector.Failed));
        Assert.Empty(r.VirtualServers);
    }

    [Fact]
    public async Task A_silent_node_gives_an_empty_report_naming_the_node()
    {
        var node = CreateTestProbe();
        var r = await NodeStatus.CollectAsync(Sys, node.Ref, Deadline);
        Assert.Equal(new[] { "node" }, r.Missing.ToArray());
        Assert.Empty(r.Instances);
        Assert.Null(r.Effector);
    }

    [Fact]
    public async Task The_request_actor_stops_after_answering()
    {
        var node = CreateTestProbe();
        var request = Sys.ActorOf(NodeStatusActor.Props(node.Ref, Deadline));
        Watch(request);
        var answer = request.Ask<NodeStatusReport>(CollectNodeStatus.Instance, TimeSpan.FromSeconds(5));
        node.ExpectMsg<GetNodeChildren>();
        node.Reply(new NodeChildren(Plan(), new Dictionary<string, IActorRef>()));     // no effector either: nothing to ask
        Assert.Empty((await answer).Missing);
        ExpectTerminated(request);
    }

    [Fact]
    public async Task Stats_clear_reaches_every_io_actor()
    {
        var node = CreateTestProbe();
        var io = CreateTestProbe();
        var cleared = NodeStatus.ClearStatsAsync(Sys, node.Ref, Deadline);
        node.ExpectMsg<GetNodeChildren>();
        node.Reply(new NodeChildren(Plan("io-a", "io-gone"), new Dictionary<string, IActorRef> { ["io-a"] = io.Ref }));
        io.ExpectMsg<ClearIoStats>();
        Assert.Equal(1, (await cleared).Told);
        Assert.Equal(0, (await NodeStatus.ClearStatsAsync(Sys, CreateTestProbe().Ref, Deadline)).Told);   // a silent node: nobody told
    }
}

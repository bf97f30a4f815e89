using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>ReplaceAddresses (a reloaded MASTER's set): only the difference reaches the kernel, all or nothing, a
/// renamed owner keeps what it held, another owner's objects stay.</summary>
public sealed class EffectorReplaceSpecs : TestKit
{
    private static InterfaceAddress Vip(int last) => new("eth0", IPAddress.Parse($"10.0.0.{last}"), 32);

    private static readonly RouteSpec Route1 = new(IPAddress.Parse("192.168.77.0"), 24, IPAddress.Parse("10.0.0.254"), "eth0");
    private static readonly RouteSpec Route2 = new(IPAddress.Parse("192.168.78.0"), 24, null, "eth0", Table: 100);
    private static readonly RuleSpec Rule1 = new(AddressFamily.InterNetwork, 1000, 100, From: IPAddress.Parse("10.0.0.100"), FromPrefixLength: 32);

    private static RecordingKernelPort Kernel() => new RecordingKernelPort().WithLink("eth0");

    private static List<string> Ops(RecordingKernelPort kernel, int from) =>
        kernel.Log.Skip(from).Select(o => $"{o.Kind} {o.Target}{(o.Result.IsOk ? "" : " failed")}").ToList();

    private static List<string> Present(IKernelPort kernel)
    {
        kernel.Addresses(out var now);
        return now.Select(a => a.Address.ToString()).Order().ToList();
    }

    private (IActorRef Effector, RecordingKernelPort Kernel) Holding(string owner, KernelSet set)
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new AcquireAddresses(1, owner, set));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        return (effector, kernel);
    }

    [Fact]
    public void Only_the_difference_is_added_then_removed_and_what_both_sets_have_is_untouched()
    {
        var (effector, kernel) = Holding("VI_1", new KernelSet([Vip(100), Vip(110)], [Route1], [Rule1]));
        int before = kernel.Log.Count;
        effector.Tell(new ReplaceAddresses(2, "VI_1", new KernelSet([Vip(100), Vip(120)], [Route1, Route2], [])));
        Assert.True(ExpectMsg<OpCompleted>(m => m.OpId == 2).Result.IsOk);
        Assert.Equal(
            ["AddAddress 10.0.0.120/32 dev eth0", $"AddRoute {Route2}", $"RemoveRule {Rule1}", "RemoveAddress 10.0.0.110/32 dev eth0"],
            Ops(kernel, before));
        effector.Tell(GetEffectorStatus.Instance);
        var held = ExpectMsg<EffectorStatus>().Sets["VI_1"];
        Assert.Equal(["10.0.0.100/32 dev eth0", "10.0.0.120/32 dev eth0"], held.Addresses.Select(a => a.ToString()).Order());
        Assert.Equal([Route1, Route2], held.Routes);
        Assert.Empty(held.Rules);
    }

    [Fact]
    public void The_same_set_is_no_kernel_op_at_all()
    {
        var (effector, kernel) = Holding("VI_1", KernelSet.Of([Vip(100)]));
        int before = kernel.Log.Count;
        effector.Tell(new ReplaceAddresses(2, "VI_1", KernelSet.Of([Vip(100)])));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Empty(Ops(kernel, before));
    }

    [Fact]
    public void A_failing_addition_is_rolled_back_and_nothing_is_removed()
    {
        var (effector, kernel) = Holding("VI_1", KernelSet.Of([Vip(100), Vip(110)]));
        kernel.InjectFault(KernelOpKind.AddRoute, errno: 105);
        int before = kernel.Log.Count;
        effector.Tell(new ReplaceAddresses(2, "VI_1", new KernelSet([Vip(100), Vip(120)], [Route1], [])));
        Assert.Equal(105, ExpectMsg<OpCompleted>().Result.Errno);
        Assert.Equal(["AddAddress 10.0.0.120/32 dev eth0", $"AddRoute {Route1} failed", "RemoveAddress 10.0.0.120/32 dev eth0"], Ops(kernel, before));
        Assert.Equal(["10.0.0.100", "10.0.0.110"], Present(kernel));
        effector.Tell(GetEffectorStatus.Instance);
        Assert.Equal(["10.0.0.100/32 dev eth0", "10.0.0.110/32 dev eth0"], ExpectMsg<EffectorStatus>().Held["VI_1"].Select(a => a.ToString()).Order());
    }

    [Fact]
    public void A_renamed_owner_takes_over_what_it_held_without_touching_the_kernel()
    {
        var (effector, kernel) = Holding("VI_1", KernelSet.Of([Vip(100)]));
        int before = kernel.Log.Count;
        effector.Tell(new ReplaceAddresses(2, "WEB", KernelSet.Of([Vip(100)]), PreviousOwner: "VI_1"));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Empty(Ops(kernel, before));
        effector.Tell(GetEffectorStatus.Instance);
        var status = ExpectMsg<EffectorStatus>();
        Assert.Equal(["WEB"], status.Held.Keys);
        // The new name is the holder told of a lost address.
        kernel.RemoveAddressBehindOurBack(Vip(100));
        ExpectMsg<HeldAddressLost>(l => l.Owner == "WEB");
    }

    [Fact]
    public void An_address_another_owner_holds_stays_in_the_kernel_when_one_owner_drops_it()
    {
        // A VIP moved from VI_1 to VI_2 in one reload: VI_2 gains it first, VI_1 loses it after; it never leaves.
        var (effector, kernel) = Holding("VI_1", KernelSet.Of([Vip(100), Vip(110)]));
        effector.Tell(new AcquireAddresses(2, "VI_2", KernelSet.Of([Vip(120)])));
        ExpectMsg<OpCompleted>();
        int before = kernel.Log.Count;
        effector.Tell(new ReplaceAddresses(3, "VI_2", KernelSet.Of([Vip(120), Vip(110)])));
        effector.Tell(new ReplaceAddresses(4, "VI_1", KernelSet.Of([Vip(100)])));
        Assert.True(ExpectMsg<OpCompleted>(m => m.OpId == 3).Result.IsOk);
        Assert.True(ExpectMsg<OpCompleted>(m => m.OpId == 4).Result.IsOk);
        Assert.DoesNotContain(Ops(kernel, before), o => o.StartsWith("RemoveAddress", StringComparison.Ordinal));
        Assert.Equal(["10.0.0.100", "10.0.0.110", "10.0.0.120"], Present(kernel));
    }
}

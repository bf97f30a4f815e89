using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

public sealed class NetlinkEffectorActorSpecs : TestKit
{
    private static readonly InterfaceAddress Vip1 = new("eth0", IPAddress.Parse("10.0.0.101"), 24);
    private static readonly InterfaceAddress Vip2 = new("eth0", IPAddress.Parse("10.0.0.102"), 24);
    private static readonly InterfaceAddress Vip3 = new("eth0", IPAddress.Parse("10.0.0.103"), 24);

    private static IReadOnlyList<InterfaceAddress> Present(IKernelPort kernel)
    {
        kernel.Addresses(out var now);
        return now;
    }

    [Fact]
    public async Task Ops_are_answered_in_order_and_an_address_set_is_all_or_nothing()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        kernel.InjectFault(KernelOpKind.AddAddress, 105);

        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip1]));
        effector.Tell(new AcquireAddresses(2, "VI_2", [Vip2, Vip3]));
        Assert.Equal(105, ExpectMsg<OpCompleted>(c => c.OpId == 1).Result.Errno);
        Assert.True(ExpectMsg<OpCompleted>(c => c.OpId == 2).Result.IsOk);

        // Second set: the third address fails, so the one added before it is taken back.
        kernel.InjectFault(KernelOpKind.AddAddress, 22);
        effector.Tell(new AcquireAddresses(3, "VI_1", [Vip1, new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.104"), 24)]));
        ExpectMsg<OpCompleted>(c => c.OpId == 3 && !c.Result.IsOk);
        Assert.Equal([Vip2.Key, Vip3.Key], Present(kernel).Select(a => a.Key).OrderBy(k => k.Address.ToString()));
        var status = await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.False(status.Held.ContainsKey("VI_1"));
        Assert.Equal(2, status.Held["VI_2"].Count);
    }

    [Fact]
    public void At_first_start_configured_addresses_left_behind_are_removed_and_others_kept()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var unrelated = new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.2"), 24);
        kernel.AddAddress(Vip1);
        kernel.AddAddress(unrelated);

        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel, configured: [Vip1, Vip2]));
        effector.Tell(GetEffectorStatus.Instance);
        ExpectMsg<EffectorStatus>();

        Assert.Equal([unrelated.Key], Present(kernel).Select(a => a.Key));
    }

    [Fact]
    public void A_restarted_effector_puts_back_what_its_owners_hold()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var faulty = new CrashingKernelPort(kernel);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(faulty, configured: [Vip1, Vip2]));
        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip1, Vip2]));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);

        kernel.RemoveAddressBehindOurBack(Vip2);
        effector.Tell(new SendFrames(2, "eth0", [new byte[60]]));       // the port throws: the actor restarts
        AwaitAssert(() => Assert.Contains(Present(kernel), a => a.Key == Vip2.Key));
        Assert.Contains(Present(kernel), a => a.Key == Vip1.Key);      // held addresses are not "left behind"
    }
}

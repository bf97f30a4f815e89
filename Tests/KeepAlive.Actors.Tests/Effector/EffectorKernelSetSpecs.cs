using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>The effector with whole sets (addresses, routes, rules) and macvlans, on the recording kernel.</summary>
public sealed class EffectorKernelSetSpecs : TestKit
{
    private static readonly InterfaceAddress Vip = new("eth0", IPAddress.Parse("10.0.0.100"), 24);
    private static readonly InterfaceAddress Evip = new("eth0", IPAddress.Parse("10.0.0.101"), 24);
    private static readonly RouteSpec Route1 = new(IPAddress.Parse("192.168.77.0"), 24, IPAddress.Parse("10.0.0.254"), "eth0");
    private static readonly RouteSpec Route2 = new(IPAddress.Parse("192.168.78.0"), 24, null, "eth0", Table: 100);
    private static readonly RuleSpec Rule1 = new(AddressFamily.InterNetwork, 1000, 100, From: IPAddress.Parse("10.0.0.100"), FromPrefixLength: 32);
    private static readonly KernelSet Master = new([Vip, Evip], [Route1, Route2], [Rule1]);
    private static readonly MacvlanSpec Vmac = new("vrrp.51", "eth0", [0x00, 0x00, 0x5e, 0x00, 0x01, 0x33]);

    private static RecordingKernelPort Kernel() => new RecordingKernelPort().WithLink("eth0");

    private static List<InterfaceAddress> Present(IKernelPort kernel)
    {
        kernel.Addresses(out var now);
        return now.ToList();
    }

    private static List<string> Ops(RecordingKernelPort kernel, params KernelOpKind[] kinds) =>
        kernel.Log.Where(o => kinds.Contains(o.Kind)).Select(o => $"{o.Kind} {o.Target}").ToList();

    [Fact]
    public void A_set_goes_in_as_addresses_routes_rules_and_comes_out_in_reverse()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new AcquireAddresses(1, "VI_1", Master));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Equal(2, Present(kernel).Count);
        Assert.Equal([Route1, Route2], kernel.Routes);
        Assert.Equal([Rule1], kernel.Rules);

        effector.Tell(new ReleaseAddresses(2, "VI_1", Master));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Empty(Present(kernel));
        Assert.Empty(kernel.Routes);
        Assert.Empty(kernel.Rules);

        var kinds = kernel.Log.Select(o => o.Kind).ToList();
        Assert.Equal(
            [KernelOpKind.AddAddress, KernelOpKind.AddAddress, KernelOpKind.AddRoute, KernelOpKind.AddRoute, KernelOpKind.AddRule,
             KernelOpKind.RemoveRule, KernelOpKind.RemoveRoute, KernelOpKind.RemoveRoute, KernelOpKind.RemoveAddress, KernelOpKind.RemoveAddress],
            kinds);
        Assert.Equal([$"RemoveRoute {Route2}", $"RemoveRoute {Route1}", $"RemoveAddress {Evip}", $"RemoveAddress {Vip}"],
            Ops(kernel, KernelOpKind.RemoveRoute, KernelOpKind.RemoveAddress));
    }

    [Fact]
    public async Task A_failing_rule_takes_back_what_this_op_added_and_keeps_what_the_owner_held()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip]));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);

        kernel.InjectFault(KernelOpKind.AddRule, 22);
        effector.Tell(new AcquireAddresses(2, "VI_1", Master));
        Assert.Equal(22, ExpectMsg<OpCompleted>().Result.Errno);

        Assert.Equal([Vip.Key], Present(kernel).Select(a => a.Key));
        Assert.Empty(kernel.Routes);
        Assert.Empty(kernel.Rules);
        Assert.Equal([$"RemoveRoute {Route2}", $"RemoveRoute {Route1}", $"RemoveAddress {Evip}"],
            Ops(kernel, KernelOpKind.RemoveRoute, KernelOpKind.RemoveAddress));
        var status = await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal([Vip], status.Sets["VI_1"].Addresses);
        Assert.Empty(status.Sets["VI_1"].Routes);
        Assert.Equal(1, status.Failed);
    }

    [Fact]
    public async Task Acquiring_twice_is_harmless_and_an_object_another_owner_holds_stays_when_one_releases()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new AcquireAddresses(1, "VI_1", Master));
        effector.Tell(new AcquireAddresses(2, "VI_1", Master));
        effector.Tell(new AcquireAddresses(3, "static", new KernelSet([Vip], [Route1], [])));
        for (int i = 0; i < 3; i++)
            ExpectMsg<OpCompleted>(c => c.Result.IsOk);

        effector.Tell(new ReleaseAddresses(4, "VI_1", Master));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);
        Assert.Equal([Vip.Key], Present(kernel).Select(a => a.Key));
        Assert.Equal([Route1], kernel.Routes);
        Assert.Empty(kernel.Rules);
        var status = await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.False(status.Sets.ContainsKey("VI_1"));
        Assert.Equal(2, status.Sets["static"].Count);
    }

    [Fact]
    public void A_restarted_effector_puts_back_macvlans_addresses_routes_and_rules()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(new CrashingKernelPort(kernel)));
        effector.Tell(new EnsureMacvlan(1, "VI_1", Vmac));
        var onVmac = Vip with { Interface = "vrrp.51" };
        var set = new KernelSet([onVmac], [Route1], [Rule1]);
        effector.Tell(new AcquireAddresses(2, "VI_1", set));
        ExpectMsg<OpCompleted>(c => c.OpId == 1 && c.Result.IsOk);
        ExpectMsg<OpCompleted>(c => c.OpId == 2 && c.Result.IsOk);

        // Someone deletes the VMAC (taking the VIP with it), the route and the rule.
        kernel.DeleteLink("vrrp.51");
        kernel.RemoveRoute(Route1);
        kernel.RemoveRule(Rule1);
        ExpectMsg<HeldAddressLost>(l => l.Address.Key == onVmac.Key);
        effector.Tell(new SendFrames(3, "eth0", [new byte[60]]));      // the port throws: the effector restarts

        AwaitAssert(() =>
        {
            kernel.Links(out var links);
            Assert.Contains(links, l => l.Name == "vrrp.51" && l.Mac.SequenceEqual(Vmac.Mac));
            Assert.Contains(Present(kernel), a => a.Key == onVmac.Key);
            Assert.Equal([Route1], kernel.Routes);
            Assert.Equal([Rule1], kernel.Rules);
        });
    }

    [Fact]
    public void At_first_start_configured_routes_and_rules_left_behind_are_removed_too()
    {
        var kernel = Kernel();
        kernel.AddAddress(Vip);
        kernel.AddRoute(Route1);
        kernel.AddRule(Rule1);
        var other = Route1 with { Destination = IPAddress.Parse("172.16.0.0"), PrefixLength = 12 };
        kernel.AddRoute(other);

        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel, null, Master));
        effector.Tell(GetEffectorStatus.Instance);
        ExpectMsg<EffectorStatus>();

        Assert.Empty(Present(kernel));
        Assert.Equal([other], kernel.Routes);
        Assert.Empty(kernel.Rules);
    }

    [Fact]
    public void The_holder_hears_of_an_address_removed_behind_its_back_and_not_of_its_own_releases()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new AcquireAddresses(1, "VI_1", Master));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);

        kernel.RemoveAddressBehindOurBack(Evip);
        var lost = ExpectMsg<HeldAddressLost>();
        Assert.Equal(("VI_1", Evip.Key), (lost.Owner, lost.Address.Key));

        // Lost events (ENOBUFS): the effector checks everything held against the kernel.
        effector.Tell(new KernelEvent.Resync());
        Assert.Equal(Evip.Key, ExpectMsg<HeldAddressLost>().Address.Key);

        // Our own release produces the same kernel events: nobody holds the addresses any more, nothing is reported.
        effector.Tell(new ReleaseAddresses(2, "VI_1", Master));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_late_event_of_an_address_that_is_back_in_the_kernel_is_not_a_loss()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip]));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);

        effector.Tell(new KernelEvent.AddressRemoved(Vip));             // stale: the kernel still has it
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Macvlans_are_created_idempotently_and_removing_one_forgets_what_lived_on_it()
    {
        var kernel = Kernel();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        effector.Tell(new EnsureMacvlan(1, "VI_1", Vmac));
        effector.Tell(new EnsureMacvlan(2, "VI_1", Vmac));
        effector.Tell(new AcquireAddresses(3, "VI_1", [Vip with { Interface = "vrrp.51" }]));
        for (int i = 0; i < 3; i++)
            ExpectMsg<OpCompleted>(c => c.Result.IsOk);
        var status = await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal([Vmac], status.Links["VI_1"]);

        effector.Tell(new EnsureMacvlan(4, "VI_2", Vmac with { Mac = [0x00, 0x00, 0x5e, 0x00, 0x01, 0x34] }));
        Assert.Equal(RecordingKernelPort.EEXIST, ExpectMsg<OpCompleted>().Result.Errno);

        effector.Tell(new RemoveMacvlan(5, "VI_1", "vrrp.51"));
        effector.Tell(new RemoveMacvlan(6, "VI_1", "vrrp.51"));
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);
        ExpectMsg<OpCompleted>(c => c.Result.IsOk);
        status = await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Empty(status.Sets);
        Assert.Empty(status.Links);
        kernel.Links(out var links);
        Assert.DoesNotContain(links, l => l.Name == "vrrp.51");
    }
}

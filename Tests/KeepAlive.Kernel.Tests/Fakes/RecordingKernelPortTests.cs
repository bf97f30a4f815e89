using System.Net;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Fakes;

public class RecordingKernelPortTests
{
    private static readonly InterfaceAddress Vip = new("eth0", IPAddress.Parse("10.0.0.100"), 24);

    private static RecordingKernelPort Port() => new RecordingKernelPort().WithLink("eth0").WithLink("eth1");

    [Fact]
    public void Address_add_and_remove_are_idempotent()
    {
        var port = Port();
        Assert.True(port.AddAddress(Vip).IsOk);
        Assert.True(port.AddAddress(Vip).IsOk);
        port.Addresses(out var now);
        Assert.Single(now);
        Assert.True(port.RemoveAddress(Vip).IsOk);
        Assert.True(port.RemoveAddress(Vip).IsOk);
        port.Addresses(out now);
        Assert.Empty(now);
        Assert.Equal(4, port.Log.Count);
    }

    [Fact]
    public void A_missing_device_is_ENODEV_and_changes_nothing()
    {
        var port = Port();
        var result = port.AddAddress(Vip with { Interface = "eth9" });
        Assert.Equal(RecordingKernelPort.ENODEV, result.Errno);
        Assert.Contains("eth9", result.Message);
        port.Addresses(out var now);
        Assert.Empty(now);
    }

    [Fact]
    public void Injected_faults_fail_the_next_operations_of_that_kind_only()
    {
        var port = Port();
        port.InjectFault(KernelOpKind.AddAddress, 105, times: 2);
        Assert.Equal(105, port.AddAddress(Vip).Errno);
        Assert.True(port.AddRoute(new RouteSpec(IPAddress.Parse("10.1.0.0"), 16, Interface: "eth0")).IsOk);
        Assert.Equal(105, port.AddAddress(Vip).Errno);
        Assert.True(port.AddAddress(Vip).IsOk);
        port.Addresses(out var now);
        Assert.Single(now);
    }

    [Fact]
    public void Events_report_changes_and_stop_after_dispose()
    {
        var port = Port();
        var seen = new List<KernelEvent>();
        var subscription = port.Subscribe(seen.Add);
        port.AddAddress(Vip);
        port.AddAddress(Vip);                       // no change, no event
        port.RemoveAddressBehindOurBack(Vip);
        port.SetLink("eth1", adminUp: true, carrier: false);
        subscription.Dispose();
        port.AddAddress(Vip);

        Assert.Collection(seen,
            e => Assert.Equal(Vip, Assert.IsType<KernelEvent.AddressAdded>(e).Address),
            e => Assert.Equal(Vip, Assert.IsType<KernelEvent.AddressRemoved>(e).Address),
            e => Assert.False(Assert.IsType<KernelEvent.LinkChanged>(e).Link.IsUp));
    }

    [Fact]
    public void Frames_are_refused_on_a_down_link_and_recorded_otherwise()
    {
        var port = Port();
        Assert.True(port.SendFrame("eth0", [1, 2, 3]).IsOk);
        port.SetLink("eth0", adminUp: true, carrier: false);
        Assert.Equal(RecordingKernelPort.ENETDOWN, port.SendFrame("eth0", [4]).Errno);
        Assert.Single(port.Frames);
        Assert.Equal(new byte[] { 1, 2, 3 }, port.Frames[0].Frame);
    }

    [Fact]
    public void Macvlan_is_idempotent_for_the_same_mac_and_deleting_it_drops_its_addresses()
    {
        var port = Port();
        var vmac = new MacvlanSpec("vrrp.51", "eth0", [0, 0, 0x5e, 0, 1, 51]);
        Assert.True(port.CreateMacvlan(vmac).IsOk);
        Assert.True(port.CreateMacvlan(vmac with { Mac = [0, 0, 0x5e, 0, 1, 51] }).IsOk);
        Assert.Equal(RecordingKernelPort.EEXIST, port.CreateMacvlan(vmac with { Mac = [0, 0, 0x5e, 0, 1, 52] }).Errno);
        Assert.Equal(RecordingKernelPort.ENODEV, port.CreateMacvlan(vmac with { Name = "x", BaseInterface = "eth7" }).Errno);
        port.AddAddress(Vip with { Interface = "vrrp.51" });
        Assert.True(port.DeleteLink("vrrp.51").IsOk);
        Assert.True(port.DeleteLink("vrrp.51").IsOk);
        port.Addresses(out var now);
        Assert.Empty(now);
        port.Links(out var links);
        Assert.Equal(["eth0", "eth1"], links.Select(l => l.Name));
    }

    [Fact]
    public void Deleting_a_link_reports_its_addresses_removed_then_the_link_as_the_kernel_does()
    {
        var port = Port();
        port.CreateMacvlan(new MacvlanSpec("vrrp.51", "eth0", [0, 0, 0x5e, 0, 1, 51]));
        port.AddAddress(Vip with { Interface = "vrrp.51" });
        var events = new List<KernelEvent>();
        using var subscription = port.Subscribe(events.Add);
        port.DeleteLink("vrrp.51");
        Assert.Collection(events,
            e => Assert.Equal(Vip.Key with { Interface = "vrrp.51" }, Assert.IsType<KernelEvent.AddressRemoved>(e).Address.Key),
            e => Assert.Equal("vrrp.51", Assert.IsType<KernelEvent.LinkRemoved>(e).Name));
    }

    [Fact]
    public void Routes_and_rules_are_idempotent()
    {
        var port = Port();
        var route = new RouteSpec(IPAddress.Parse("192.168.0.0"), 24, IPAddress.Parse("10.0.0.1"), "eth0");
        var rule = new RuleSpec(System.Net.Sockets.AddressFamily.InterNetwork, 100, 10, From: IPAddress.Parse("10.0.0.100"), FromPrefixLength: 32);
        port.AddRoute(route);
        port.AddRoute(route with { });
        port.AddRule(rule);
        port.AddRule(rule with { });
        Assert.Single(port.Routes);
        Assert.Single(port.Rules);
        Assert.True(port.RemoveRoute(route).IsOk);
        Assert.True(port.RemoveRoute(route).IsOk);
        Assert.Equal(RecordingKernelPort.ENODEV, port.AddRoute(route with { Interface = "nope" }).Errno);
        Assert.Empty(port.Routes);
    }

    [Fact]
    public void Concurrent_operations_keep_a_consistent_state_and_log()
    {
        var port = Port();
        Parallel.For(0, 200, i =>
        {
            var a = new InterfaceAddress("eth0", new IPAddress([10, 0, (byte)(i / 250), (byte)(i % 250)]), 32);
            port.AddAddress(a);
            if (i % 2 == 0)
                port.RemoveAddress(a);
        });
        port.Addresses(out var now);
        Assert.Equal(100, now.Count);
        Assert.Equal(300, port.Log.Count);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), port.Log.Select(o => o.Sequence));
    }

    [Fact]
    public void Addresses_are_matched_by_value_not_by_instance()
    {
        var port = Port();
        port.AddAddress(new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.7"), 24));
        port.AddAddress(new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.7"), 24));
        port.Addresses(out var now);
        Assert.Single(now);
        port.RemoveAddress(new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.7"), 24));
        port.Addresses(out now);
        Assert.Empty(now);
    }
}

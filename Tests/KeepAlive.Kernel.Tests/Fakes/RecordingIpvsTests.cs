using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Kernel.Tests.Fakes;

/// <summary>The fake IPVS answers as the real one did in the golden ipvsadm captures (Fixtures/Ipvs).</summary>
public class RecordingIpvsTests
{
    private static readonly IpvsService Web = new() { Family = AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse("10.0.0.1"), Port = 80, Scheduler = "rr" };
    private static readonly IpvsDestination Rs = new(IPAddress.Parse("192.168.10.1"), 80) { Forwarding = IpvsForwarding.DirectRoute, Weight = 3 };

    [Fact]
    public void Services_and_destinations_follow_the_kernel_rules_and_words()
    {
        var ipvs = new RecordingIpvs();
        Assert.True(ipvs.AddService(Web).IsOk);
        var again = ipvs.AddService(Web with { Scheduler = "wlc" });
        Assert.Equal((17, "Service already exists"), (again.Errno, again.Message));
        Assert.True(ipvs.AddDestination(Web, Rs).IsOk);
        Assert.Equal((17, "Destination already exists"), (ipvs.AddDestination(Web, Rs).Errno, ipvs.AddDestination(Web, Rs).Message));
        Assert.True(ipvs.EditDestination(Web, Rs with { Weight = 0 }).IsOk);
        Assert.True(ipvs.Destinations(Web, out var dests).IsOk);
        Assert.Equal(0, Assert.Single(dests).Destination.Weight);
        var missing = ipvs.DeleteDestination(Web, Rs with { Port = 81 });
        Assert.Equal((2, "No such destination"), (missing.Errno, missing.Message));
        var noService = ipvs.AddDestination(Web with { Port = 443 }, Rs);
        Assert.Equal((3, "Service not defined"), (noService.Errno, noService.Message));
        Assert.Equal(3, ipvs.DeleteService(Web with { Port = 443 }).Errno);
        Assert.Equal(2, ipvs.AddService(Web with { Port = 8080, Scheduler = "bogus" }).Errno);
        Assert.True(ipvs.DeleteService(Web).IsOk);
        Assert.True(ipvs.Services(out var none).IsOk);
        Assert.Empty(none);
    }

    [Fact]
    public void Fwmark_services_are_keyed_by_mark_alone()
    {
        var ipvs = new RecordingIpvs();
        var mark = new IpvsService { Family = AddressFamily.InterNetwork, FirewallMark = 7, Scheduler = "wlc" };
        Assert.True(ipvs.AddService(mark).IsOk);
        Assert.Equal(17, ipvs.AddService(mark with { Scheduler = "rr" }).Errno);
        Assert.True(ipvs.EditService(mark with { Scheduler = "rr" }).IsOk);
        Assert.True(ipvs.Services(out var all).IsOk);
        Assert.Equal("rr", Assert.Single(all).Service.Scheduler);
    }

    [Fact]
    public void Without_the_module_every_call_says_so_and_changes_nothing()
    {
        var ipvs = new RecordingIpvs { Available = false };
        Assert.Equal(IIpvsPort.NotAvailable, ipvs.AddService(Web));
        Assert.Equal(IIpvsPort.NotAvailable, ipvs.Info(out _));
        ipvs.Available = true;
        Assert.True(ipvs.Services(out var none).IsOk);
        Assert.Empty(none);
    }

    [Fact]
    public void Timeouts_zero_keeps_the_current_value_as_ipvsadm_set()
    {
        var ipvs = new RecordingIpvs();
        Assert.True(ipvs.SetTimeouts(new IpvsTimeouts(0, 60, 0)).IsOk);
        Assert.True(ipvs.Timeouts(out var t).IsOk);
        Assert.Equal(new IpvsTimeouts(900, 60, 300), t);
    }
}

using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>Where a checker connects (conn_opts_t): connect_ip/connect_port over the real server; bindto/bind_port.</summary>
public class ProbeEndpointTests
{
    private static readonly RealServerConfig Rs = new() { Address = IPAddress.Parse("10.0.0.2"), Port = 80 };

    [Fact]
    public void The_real_server_is_the_default_target()
    {
        var ep = ProbeEndpoint.TryFrom(new CheckerCommon(), Rs, out var error);
        Assert.Null(error);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80), ep!.Remote);
        Assert.Null(ep.Local);
        Assert.Equal("[10.0.0.2]:80", ep.Label);
    }

    [Fact]
    public void Connect_ip_and_port_override_the_real_server()
    {
        var ep = ProbeEndpoint.TryFrom(new CheckerCommon { ConnectIp = IPAddress.Parse("10.9.9.9"), ConnectPort = 8080, ConnectTimeout = TimeSpan.FromSeconds(2) }, Rs, out _);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.9.9.9"), 8080), ep!.Remote);
        Assert.Equal(TimeSpan.FromSeconds(2), ep.Timeout);
    }

    [Fact]
    public void Bind_port_alone_binds_the_any_address_of_the_target_family()
    {
        var v6 = new CheckerCommon { ConnectIp = IPAddress.Parse("2001:db8::1"), BindPort = 4000, Fwmark = 7, BindInterface = "eth0" };
        var ep = ProbeEndpoint.TryFrom(v6, Rs, out _);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Any, 4000), ep!.Local);
        Assert.Equal(7u, ep.Fwmark);
        Assert.Equal("eth0", ep.BindInterface);
    }

    [Fact]
    public void Bindto_of_another_family_is_refused()
    {
        var ep = ProbeEndpoint.TryFrom(new CheckerCommon { BindTo = IPAddress.Parse("2001:db8::1") }, Rs, out var error);
        Assert.Null(ep);
        Assert.Contains("not of the family", error);
    }

    [Fact]
    public void A_port_out_of_range_is_refused()
    {
        Assert.Null(ProbeEndpoint.TryFrom(new CheckerCommon { ConnectPort = 70000 }, Rs, out var error));
        Assert.Contains("outside 0..65535", error);
    }

    [Fact]
    public void Fwmark_zero_sets_no_mark_as_keepalived()
    {
        Assert.Null(ProbeEndpoint.TryFrom(new CheckerCommon { Fwmark = 0 }, Rs, out _)!.Fwmark);
    }

    [Theory]
    [InlineData(1, 60, 60)]
    [InlineData(30, 60, 90)]
    public void The_overall_bound_is_the_period_and_at_least_three_steps(int step, int delayLoop, int expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), ExchangeDeadline.OverallFor(TimeSpan.FromSeconds(step), TimeSpan.FromSeconds(delayLoop)));
}

using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class ProbeTargetTests
{
    [Fact]
    public void The_real_server_is_the_target_unless_connect_ip_and_port_say_otherwise()
    {
        var (plain, ctx, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { connect_timeout 2 }");
        var t = ProbeTarget.From(plain.Common, ctx.RealServer, ctx.RealServer.Port, out _)!;
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53), t.Remote);
        Assert.Null(t.Local);
        Assert.Equal(TimeSpan.FromSeconds(2), t.Timeout);
        Assert.Equal("[10.0.0.2]:udp:53", t.Describe("udp"));

        var (custom, ctx2, _) = ProbeConfigs.Load<UdpCheckConfig>(
            "UDP_CHECK { connect_ip 10.0.0.9\n connect_port 5353\n bindto 10.0.0.1\n bind_port 4000\n bind_if lo\n fwmark 7 }");
        var c = ProbeTarget.From(custom.Common, ctx2.RealServer, ctx2.RealServer.Port, out _)!;
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 5353), c.Remote);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000), c.Local);
        Assert.Equal("lo", c.Interface);
        Assert.Equal(7u, c.Fwmark);
    }

    [Fact]
    public void Bind_port_alone_binds_the_wildcard_of_the_target_family()
    {
        var (checker, ctx, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { bind_port 4000 }", realServer: "fd00::2 53", virtualServer: "fd00::10 53");
        var t = ProbeTarget.From(checker.Common, ctx.RealServer, ctx.RealServer.Port, out _)!;
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Any, 4000), t.Local);
    }

    [Fact]
    public void A_bind_address_of_the_other_family_is_refused()
    {
        var (checker, ctx, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { }");
        var mixed = checker.Common with { BindTo = IPAddress.Parse("fd00::1") };
        Assert.Null(ProbeTarget.From(mixed, ctx.RealServer, 53, out var error));
        Assert.Contains("family", error);
        Assert.Null(UdpProbe.TryCreate(checker with { Common = mixed }, ctx, out error));
        Assert.StartsWith("UDP_CHECK", error);
    }

    [Fact]
    public void Probes_describe_themselves_in_keepalived_style()
    {
        var (dns, dctx, _) = ProbeConfigs.Load<DnsCheckConfig>("DNS_CHECK { type A\n name example.com }");
        using var d = DnsProbe.TryCreate(dns, dctx, out _)!;
        Assert.Equal("DNS_CHECK A example.com on [10.0.0.2]:udp:53", d.Describe);
        var (defaults, _, _) = ProbeConfigs.Load<DnsCheckConfig>("DNS_CHECK { }");
        Assert.Equal("SOA", defaults.Type); // keepalived's default type, and the root as name
        using var root = DnsProbe.TryCreate(defaults, dctx, out _)!;
        Assert.Equal("DNS_CHECK SOA . on [10.0.0.2]:udp:53", root.Describe);
        var (ping, pctx, _) = ProbeConfigs.Load<PingCheckConfig>("PING_CHECK { }");
        using var p = PingProbe.TryCreate(ping, pctx, out _)!;
        Assert.Equal("PING_CHECK on [10.0.0.2]", p.Describe);
    }

    [Fact]
    public void A_dns_name_that_cannot_be_sent_gives_no_probe()
    {
        var (dns, ctx, _) = ProbeConfigs.Load<DnsCheckConfig>("DNS_CHECK { }");
        Assert.Null(DnsProbe.TryCreate(dns with { Name = new string('a', 64) }, ctx, out var error));
        Assert.Contains("63", error);
        Assert.Null(DnsProbe.TryCreate(dns with { Type = "PTR" }, ctx, out error));
        Assert.Contains("PTR", error);
    }

    [Fact]
    public async Task A_cancelled_token_fails_at_once_without_sending()
    {
        var (udp, ctx, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { }");
        using var probe = UdpProbe.TryCreate(udp, ctx, out _)!;
        var result = await probe.CheckAsync(new CancellationToken(canceled: true));
        Assert.Equal("cancelled", result.Result.Reason);
    }

    [Fact]
    public async Task The_deadline_turns_every_outcome_of_the_body_into_a_result()
    {
        var timeout = TimeSpan.FromMilliseconds(50);
        var timedOut = await ProbeDeadline.RunAsync(timeout, CancellationToken.None,
            async token => { await Task.Delay(Timeout.Infinite, token); return ProbeResult.Pass(); },
            () => ProbeResult.Fail("deadline"), "x");
        Assert.Equal("deadline", timedOut.Result.Reason);
        using var cts = new CancellationTokenSource();
        var pending = ProbeDeadline.RunAsync(TimeSpan.FromSeconds(30), cts.Token,
            async token => { await Task.Delay(Timeout.Infinite, token); return ProbeResult.Pass(); }, () => ProbeResult.Fail("deadline"), "x");
        await cts.CancelAsync();
        Assert.Equal("cancelled", (await pending).Result.Reason);
        var refused = await ProbeDeadline.RunAsync(timeout, CancellationToken.None,
            _ => throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused), () => ProbeResult.Fail("deadline"), "read");
        Assert.Equal("read: connection refused (ICMP port unreachable)", refused.Result.Reason);
        var odd = await ProbeDeadline.RunAsync(timeout, CancellationToken.None,
            _ => throw new InvalidOperationException("odd"), () => ProbeResult.Fail("deadline"), "read");
        Assert.Contains("unexpected InvalidOperationException: odd", odd.Result.Reason);
        var passed = await ProbeDeadline.RunAsync(timeout, CancellationToken.None, _ => Task.FromResult(ProbeResult.Pass("ok")), () => ProbeResult.Fail("deadline"), "read");
        Assert.True(passed.Result.Success);
    }

    [Fact]
    public void Ping_and_udp_use_only_the_options_keepalived_uses_for_them()
    {
        const string options = "connect_port 99\n bindto 10.0.0.1\n bind_port 4000\n bind_if lo\n fwmark 7";
        var (ping, pctx, _) = ProbeConfigs.Load<PingCheckConfig>("PING_CHECK { " + options + " }");
        var p = ProbeTarget.Of(ping, pctx, out _)!;
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 0), p.Remote);
        Assert.Null(p.Local);
        Assert.Null(p.Interface);
        Assert.Null(p.Fwmark);
        var (udp, uctx, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { " + options + " }");
        var u = ProbeTarget.Of(udp, uctx, out _)!;
        Assert.Equal(99, u.Remote.Port);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000), u.Local);
        Assert.Null(u.Interface);
        Assert.Equal(7u, u.Fwmark);
        var (dns, dctx, _) = ProbeConfigs.Load<DnsCheckConfig>("DNS_CHECK { " + options + " }");
        Assert.Equal("lo", ProbeTarget.Of(dns, dctx, out _)!.Interface);
    }

    [Fact]
    public void A_link_local_target_keeps_its_bind_if_for_every_kind()
    {
        var (ping, ctx, _) = ProbeConfigs.Load<PingCheckConfig>("PING_CHECK { connect_ip fe80::2\n bind_if eth0 }", realServer: "fd00::2 53", virtualServer: "fd00::10 53");
        Assert.Equal("eth0", ProbeTarget.Of(ping, ctx, out _)!.Interface);
        var (udp, uctx, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { connect_ip fe80::2\n bind_if eth0 }", realServer: "fd00::2 53", virtualServer: "fd00::10 53");
        Assert.Equal("eth0", ProbeTarget.Of(udp, uctx, out _)!.Interface);
    }
}

using System.Net;
using KeepAlive.Config.Binding;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using static KeepAlive.Config.Tests.Binding.LvsTestBind;

namespace KeepAlive.Config.Tests.Binding;

public class VirtualServerBinderTests
{
    private const string Rs = "real_server 192.168.1.10 80 {\n weight 3\n }";

    [Fact]
    public void EveryVirtualServerKeyword_IsInTheModel()
    {
        var r = LvsTestBind.Bind("""
            virtual_server 10.0.0.1 443 {
                lvs_sched sh
                sh-port
                flag-1
                lvs_method DR
                protocol tcp
                persistence_timeout
                persistence_granularity 255.255.255.0
                persistence_engine sip
                ha_suspend
                alpha
                omega
                quorum 2
                hysteresis 1
                quorum_up "/bin/up arg" root
                quorum_down /bin/down
                sorry_server 10.0.0.99 443
                sorry_server_inhibit
                sorry_server_lvs_method TUN
                virtualhost www.example.com
                smtp_alert no
                weight 4
                delay_loop 7.5
                connect_timeout 3
                retry 4
                delay_before_retry 2
                warmup 9
                inhibit_on_failure
                snmp_name web
                real_server 192.168.1.10 443 {
                }
            }
            """);
        var vs = r.SingleVs();
        Assert.Equal(new VirtualServerKey.Address(IPAddress.Parse("10.0.0.1"), 443, LvsProtocol.Tcp), vs.Key);
        Assert.Equal("sh", vs.Scheduler);
        Assert.Equal(new[] { "sh-port", "flag-1" }, vs.SchedulerFlags);
        Assert.Equal(new ForwardingConfig(ForwardingMethod.DirectRouting), vs.Forwarding);
        Assert.Equal(LvsProtocol.Tcp, vs.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(360), vs.PersistenceTimeout);
        Assert.Equal("255.255.255.0", vs.PersistenceGranularity);
        Assert.Equal("sip", vs.PersistenceEngine);
        Assert.True(vs.HaSuspend && vs.Alpha && vs.Omega && vs.InhibitOnFailure);
        Assert.Equal(2, vs.Quorum);
        Assert.Equal(1, vs.Hysteresis);
        Assert.Equal("/bin/up arg", vs.QuorumUp!.Command);
        Assert.Equal("root", vs.QuorumUp.User);
        Assert.Equal("/bin/down", vs.QuorumDown!.Command);
        Assert.Equal(new SorryServerConfig(IPAddress.Parse("10.0.0.99"), 443, true, new ForwardingConfig(ForwardingMethod.Tunnel)), vs.SorryServer);
        Assert.Equal("www.example.com", vs.Virtualhost);
        Assert.False(vs.SmtpAlert);
        Assert.Equal(4, vs.DefaultWeight);
        Assert.Equal(TimeSpan.FromSeconds(7.5), vs.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(3), vs.ConnectTimeout);
        Assert.Equal(4, vs.Retry);
        Assert.Equal(TimeSpan.FromSeconds(2), vs.DelayBeforeRetry);
        Assert.Equal(TimeSpan.FromSeconds(9), vs.Warmup);
        Assert.False(vs.IPv6Family);
        Assert.Equal("snmp_name", Assert.Single(vs.Other).Keyword);
        var rs = Assert.Single(vs.RealServers);
        Assert.Equal(4, rs.Weight);
        Assert.True(rs.Alpha && rs.InhibitOnFailure);
        Assert.Equal(ForwardingMethod.DirectRouting, rs.Forwarding.Method);
        // Only snmp_name is left unbound.
        Assert.Single(r.Diagnostics, d => d.Descriptor == DiagnosticCodes.NotSupportedYet);
        Assert.DoesNotContain(r.Diagnostics, d => d.Descriptor == BinderCodes.DefaultApplied);
    }

    [Fact]
    public void Missing_Protocol_Scheduler_Method_AreDefaultedAndReported()
    {
        var r = LvsTestBind.Bind("virtual_server 10.0.0.1 80 {\n" + Rs + "\n}");
        var vs = r.SingleVs();
        Assert.Equal(LvsProtocol.Udp, vs.Protocol);
        Assert.Equal(new VirtualServerKey.Address(IPAddress.Parse("10.0.0.1"), 80, LvsProtocol.Udp), vs.Key);
        Assert.Equal("wlc", vs.Scheduler);
        Assert.Equal(ForwardingMethod.Nat, vs.Forwarding.Method);
        Assert.Equal(ForwardingMethod.Nat, vs.RealServers[0].Forwarding.Method);
        var defaults = r.WithCode(BinderCodes.DefaultApplied).ToList();
        Assert.Equal(3, defaults.Count);
        Assert.All(defaults, d => Assert.Equal("KA2011", d.Code));
        Assert.All(defaults, d => Assert.Equal(KeepalivedClass.GeneralError, d.Descriptor.Keepalived));
        Assert.All(defaults, d => Assert.Equal(1, d.Span.Line));
        Assert.Contains(defaults, d => d.Message.Contains("no protocol set; keepalived uses UDP"));
        Assert.Contains(defaults, d => d.Message.Contains("no scheduler set; keepalived uses 'wlc'"));
        Assert.Contains(defaults, d => d.Message.Contains("keepalived uses NAT"));
    }

    [Fact]
    public void LbAlgoAndLbKind_AreNotReportedDeprecated()
    {
        var r = LvsTestBind.Bind(Vs(Rs));
        Assert.Empty(r.Diagnostics);
        Assert.Equal("rr", r.SingleVs().Scheduler);
    }

    [Fact]
    public void UnknownScheduler_IsIgnored_ThenDefaulted()
    {
        var r = LvsTestBind.Bind("virtual_server 10.0.0.1 80 {\n lb_algo foo\n lb_kind NAT\n protocol TCP\n" + Rs + "\n}");
        Assert.True(r.Has(BinderCodes.InvalidValue, "'foo'"));
        Assert.True(r.Has(BinderCodes.DefaultApplied, "scheduler"));
        Assert.Equal("wlc", r.SingleVs().Scheduler);
    }

    [Theory]
    [InlineData("TUN type gue port 6080 csum", ForwardingMethod.Tunnel, TunnelType.Gue, 6080, TunnelChecksum.Csum, false)]
    [InlineData("TUN type gre nocsum", ForwardingMethod.Tunnel, TunnelType.Gre, null, TunnelChecksum.NoCsum, false)]
    [InlineData("TUN", ForwardingMethod.Tunnel, TunnelType.IpIp, null, TunnelChecksum.None, false)]
    [InlineData("TUN type gue", ForwardingMethod.Tunnel, TunnelType.IpIp, null, TunnelChecksum.None, true)]
    [InlineData("TUN type ipip csum", ForwardingMethod.Tunnel, TunnelType.IpIp, null, TunnelChecksum.None, true)]
    [InlineData("DR port 5", ForwardingMethod.DirectRouting, TunnelType.IpIp, null, TunnelChecksum.None, true)]
    public void ForwardingMethods(string words, ForwardingMethod method, TunnelType type, int? port, TunnelChecksum csum, bool error)
    {
        var r = LvsTestBind.Bind($"virtual_server 10.0.0.1 80 {{\n lb_algo rr\n protocol TCP\n lvs_method {words}\n real_server 192.168.1.10 80 {{\n}}\n}}");
        Assert.Equal(new ForwardingConfig(method, type, port, csum), r.SingleVs().Forwarding);
        Assert.Equal(error, r.WithCode(BinderCodes.InvalidValue).Any());
    }

    [Fact]
    public void UnknownMethod_IsIgnored()
    {
        var r = LvsTestBind.Bind("virtual_server 10.0.0.1 80 {\n lb_algo rr\n protocol TCP\n lb_kind FOO\n" + Rs + "\n}");
        Assert.True(r.Has(BinderCodes.InvalidValue, "unknown routing method"));
        Assert.True(r.Has(BinderCodes.DefaultApplied, "forwarding method"));
    }

    [Fact]
    public void FwmarkVirtualServer_TakesFamilyFromIpFamily_AndIgnoresProtocol()
    {
        var r = LvsTestBind.Bind("""
            virtual_server fwmark 12 {
                lb_algo rr
                lb_kind DR
                ip_family inet6
                protocol TCP
                real_server 2001:db8::10 80 {
                }
            }
            """);
        var vs = r.SingleVs();
        Assert.Equal(new VirtualServerKey.Fwmark(12, true), vs.Key);
        Assert.True(vs.IPv6Family);
        var warn = Assert.Single(r.WithCode(BinderCodes.Ignored));
        Assert.Contains("fwmark", warn.Message);
        Assert.Equal(5, warn.Span.Line);
        Assert.False(r.Has(BinderCodes.DefaultApplied, "protocol"));
        // DR real server of a fwmark service: its port is cleared.
        Assert.Equal(0, vs.RealServers[0].Port);
        Assert.True(r.Has(BinderCodes.ValueReplaced, "takes no port"));
    }

    [Fact]
    public void FwmarkFamily_FollowsItsRealServers()
    {
        var r = LvsTestBind.Bind("virtual_server fwmark 3 {\n lb_algo rr\n lb_kind NAT\n real_server 2001:db8::1 80 {\n }\n}");
        Assert.Equal(new VirtualServerKey.Fwmark(3, true), r.SingleVs().Key);
    }

    [Fact]
    public void RealServerOfOtherFamily_IsSkipped()
    {
        var r = LvsTestBind.Bind(Vs("real_server 2001:db8::1 80 {\n}\n" + Rs));
        Assert.Equal(IPAddress.Parse("192.168.1.10"), r.SingleRs().Address);
        Assert.True(r.Has(BinderCodes.InvalidValue, "address family"));
    }

    [Fact]
    public void GroupVirtualServer_KeyedOnTheGroupAndProtocol()
    {
        var r = LvsTestBind.Bind("virtual_server_group WEB {\n 10.0.0.1 80\n}\n" + Vs(Rs, "group WEB"));
        Assert.Equal(new VirtualServerKey.Group("WEB", LvsProtocol.Tcp), r.SingleVs().Key);
    }

    [Theory]
    [InlineData("10.0.0.300 80")]
    [InlineData("10.0.0.1 70000")]
    [InlineData("10.0.0.1 http")]
    [InlineData("fwmark x")]
    public void InvalidHeader_SkipsTheWholeBlock(string head)
    {
        var r = LvsTestBind.Bind(Vs(Rs, head) + "\n" + Vs(Rs, "10.0.0.2 80"));
        var vs = r.SingleVs();
        Assert.Equal(new VirtualServerKey.Address(IPAddress.Parse("10.0.0.2"), 80, LvsProtocol.Tcp), vs.Key);
        Assert.Contains(r.Diagnostics, d => d.Span.Line == 1 && d.Code is "KA2005" or "KA2003" or "KA2002");
    }

    [Fact]
    public void MissingParameters_AreReportedAsKeepalivedStopping()
    {
        var r = LvsTestBind.Bind("virtual_server {\n}\n" + Vs("lb_algo\n protocol\n" + Rs));
        var missing = r.WithCode(BinderCodes.MissingParameter).ToList();
        Assert.Equal(3, missing.Count);
        Assert.All(missing, d => Assert.Equal(KeepalivedClass.Abort, d.Descriptor.Keepalived));
        Assert.Equal(new[] { 1, 7, 8 }, missing.Select(d => d.Span.Line));
    }

    [Fact]
    public void NoPort_MakesTheServicePersistent()
    {
        var r = LvsTestBind.Bind(Vs("real_server 192.168.1.10 {\n}", "10.0.0.1"));
        var vs = r.SingleVs();
        Assert.Equal(TimeSpan.FromSeconds(360), vs.PersistenceTimeout);
        Assert.True(r.Has(BinderCodes.ValueReplaced, "persistence_timeout 360"));
        Assert.Equal(0, vs.RealServers[0].Port);
    }

    [Fact]
    public void DuplicateRealServer_SecondIsRemoved()
    {
        var r = LvsTestBind.Bind(Vs(Rs + "\nreal_server 192.168.1.10 80 {\n weight 9\n}\nreal_server 192.168.1.11 80 {\n}"));
        var vs = r.SingleVs();
        Assert.Equal(2, vs.RealServers.Count);
        Assert.Equal(3, vs.RealServers[0].Weight);
        var dup = Assert.Single(r.WithCode(BinderCodes.DuplicateName));
        Assert.Equal(8, dup.Span.Line);
        Assert.Contains("removes the second", dup.Message);
    }

    [Fact]
    public void NatRealServerWithoutPort_GetsTheServicePort_DrMismatchIsReset()
    {
        var r = LvsTestBind.Bind(Vs("real_server 192.168.1.10 {\n}\nreal_server 192.168.1.11 8080 {\n lvs_method DR\n}"));
        var vs = r.SingleVs();
        Assert.Equal(80, vs.RealServers[0].Port);
        Assert.Equal(80, vs.RealServers[1].Port);
        Assert.True(r.Has(BinderCodes.ValueReplaced, "port 80"));
    }

    [Fact]
    public void RealServerKeywords_AreInTheModel()
    {
        var r = LvsTestBind.Bind(Vs("""
            weight 5
            real_server 192.168.1.10 80 {
                lvs_method TUN type gre
                uthreshold 100
                lthreshold 10
                notify_up /bin/up
                notify_down "/bin/down now" nobody nogroup
                inhibit_on_failure off
                alpha
                smtp_alert
                virtualhost rs.example.com
            }
            real_server 192.168.1.11 80 {
                weight 0
            }
            """));
        var rs = r.SingleVs().RealServers;
        Assert.Equal(5, rs[0].Weight);
        Assert.Equal(new ForwardingConfig(ForwardingMethod.Tunnel, TunnelType.Gre), rs[0].Forwarding);
        Assert.Equal(100, rs[0].UpperThreshold);
        Assert.Equal(10, rs[0].LowerThreshold);
        Assert.Equal("/bin/up", rs[0].NotifyUp!.Command);
        Assert.Equal(("/bin/down now", "nobody", "nogroup"), (rs[0].NotifyDown!.Command, rs[0].NotifyDown!.User, rs[0].NotifyDown!.Group));
        Assert.False(rs[0].InhibitOnFailure);
        Assert.True(rs[0].Alpha);
        Assert.True(rs[0].SmtpAlert);
        Assert.Equal("rs.example.com", rs[0].Virtualhost);
        Assert.Equal(0, rs[1].Weight);
        Assert.Equal(ForwardingMethod.Nat, rs[1].Forwarding.Method);
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void RealServerWeight_OutOfRange_IsIgnored()
    {
        var r = LvsTestBind.Bind(Vs("weight 2\nreal_server 192.168.1.10 80 {\n weight 2147483648\n}"));
        Assert.Equal(2, r.SingleRs().Weight);
        Assert.Single(r.WithCode(BinderCodes.OutOfRange));
    }

    [Fact]
    public void Quorum_AboveTotalWeight_IsReduced_AndInvalidQuorumIsOne()
    {
        var r = LvsTestBind.Bind(Vs("quorum 10\nhysteresis 20\n" + Rs));
        Assert.Equal(3, r.SingleVs().Quorum);
        Assert.Equal(2, r.SingleVs().Hysteresis);
        Assert.Equal(2, r.WithCode(BinderCodes.ValueReplaced).Count());

        r = LvsTestBind.Bind(Vs("quorum 0\n" + Rs));
        Assert.Equal(1, r.SingleVs().Quorum);
        Assert.True(r.Has(BinderCodes.OutOfRange, "quorum 1 is used"));
    }

    [Fact]
    public void ShFlags_NeedTheShSchedulerAboveThem()
    {
        var r = LvsTestBind.Bind("virtual_server 10.0.0.1 80 {\n sh-port\n lb_algo sh\n sh-fallback\n lb_kind NAT\n protocol UDP\n ops\n" + Rs + "\n}");
        var vs = r.SingleVs();
        Assert.Equal(new[] { "sh-fallback" }, vs.SchedulerFlags);
        Assert.True(vs.OnePacketScheduling);
        Assert.Equal(2, Assert.Single(r.WithCode(BinderCodes.Ignored)).Span.Line);
    }

    [Fact]
    public void Ops_RequiresUdp()
    {
        var r = LvsTestBind.Bind(Vs("ops\n" + Rs));
        Assert.False(r.SingleVs().OnePacketScheduling);
        Assert.True(r.Has(BinderCodes.Ignored, "requires protocol UDP"));
    }

    [Fact]
    public void VirtualServerWithoutRealServers_IsIgnored()
    {
        var r = LvsTestBind.Bind(Vs(""));
        Assert.Empty(r.Config.VirtualServers);
        Assert.Single(r.WithCode(BinderCodes.RequiredMissing));
    }

    [Fact]
    public void SorryServerOptions_BeforeSorryServer_AreIgnored()
    {
        var r = LvsTestBind.Bind(Vs("sorry_server_inhibit\nsorry_server 10.0.0.9 80\n" + Rs));
        var s = r.SingleVs().SorryServer!;
        Assert.False(s.Inhibit);
        Assert.Equal(ForwardingMethod.Nat, s.Forwarding!.Method);
        Assert.True(r.Has(BinderCodes.Ignored, "without sorry_server"));
    }

    [Fact]
    public void SslBlock_IsBound_AndASecondReplacesTheFirst()
    {
        var r = LvsTestBind.Bind("SSL {\n password x\n}\nSSL {\n password secret\n ca /etc/ca.pem\n certificate /etc/c.pem\n key /etc/k.pem\n key /etc/k2.pem\n}");
        var ssl = r.Config.Ssl!;
        Assert.Equal(("secret", "/etc/ca.pem", "/etc/c.pem", "/etc/k2.pem"), (ssl.Password, ssl.CertificateAuthority, ssl.Certificate, ssl.Key));
        Assert.Equal(2, r.WithCode(BinderCodes.DuplicateName).Count());
    }

    [Fact]
    public void NeverThrows_OnOddInput()
    {
        foreach (var text in new[]
        {
            "virtual_server", "virtual_server group", "virtual_server fwmark", "virtual_server fwmark 4294967296 {\n}",
            "virtual_server 1.2.3.4 0 {\n real_server\n real_server ::1 0 {\n HTTP_GET {\n url {\n status_code 99-600 x 200-\n }\n }\n }\n}",
            "virtual_server 1.2.3.4 1 {\n real_server 1.1.1.1 1 {\n SMTP_CHECK {\n host {\n }\n host {\n connect_ip ::1\n }\n }\n UDP_CHECK {\n payload zz\n require_reply\n }\n }\n}",
            "virtual_server_group", "virtual_server_group G {\n fwmark\n 1.2.3.4-\n 1.2.3.4/\n ::1-fffff\n}",
        })
        {
            var r = LvsTestBind.Bind(text);
            Assert.NotNull(r.Config);
        }
    }
}

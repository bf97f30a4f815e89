using System.Net;
using KeepAlive.Config.Binding;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using static KeepAlive.Config.Tests.Binding.LvsTestBind;

namespace KeepAlive.Config.Tests.Binding;

public class CheckerBinderTests
{
    private static BindResult OneChecker(string checker, string rsExtra = "", string vsExtra = "") =>
        LvsTestBind.Bind(Vs($"{vsExtra}\nreal_server 192.168.1.10 80 {{\n{rsExtra}\n{checker}\n}}"));

    [Fact]
    public void KindDefaults_WhenNothingIsInherited()
    {
        var r = LvsTestBind.Bind(Vs("""
            real_server 192.168.1.10 80 {
                TCP_CHECK {
                }
                HTTP_GET {
                    url {
                        path /
                    }
                }
                DNS_CHECK {
                }
                MISC_CHECK {
                    misc_path /bin/true
                }
            }
            """));
        var c = r.SingleRs().Checkers;
        Assert.Equal(4, c.Count);
        var tcp = c[0].Common;
        Assert.Equal((1L, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5)), (tcp.Retry, tcp.DelayBeforeRetry, tcp.DelayLoop, tcp.ConnectTimeout));
        Assert.Equal(TimeSpan.FromSeconds(60), tcp.Warmup);                  // keepalived: an unset warmup is delay_loop
        Assert.Equal(IPAddress.Parse("192.168.1.10"), tcp.ConnectIp);
        Assert.Equal(80, tcp.ConnectPort);
        Assert.Equal(TimeSpan.FromSeconds(3), c[1].Common.DelayBeforeRetry);
        Assert.Equal(1, c[1].Common.Retry);
        Assert.Equal(3, c[2].Common.Retry);
        Assert.Equal(TimeSpan.FromSeconds(60), c[2].Common.DelayBeforeRetry);
        Assert.Equal(0, c[3].Common.Retry);
        Assert.Null(c[3].Common.ConnectIp);
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void Inheritance_CheckerOverridesRealServer_WhichOverridesVirtualServer()
    {
        var r = LvsTestBind.Bind(Vs("""
            real_server 192.168.1.10 80 {
                retry 2
                connect_timeout 4
                TCP_CHECK {
                    retry 7
                }
                DNS_CHECK {
                    delay_loop 12
                }
            }
            real_server 192.168.1.11 80 {
                TCP_CHECK {
                    alpha no
                }
            }
            retry 5
            delay_loop 10
            delay_before_retry 2.5
            warmup 4
            alpha
            connect_timeout 8
            """));
        var vs = r.SingleVs();
        var tcp = vs.RealServers[0].Checkers[0].Common;
        Assert.Equal(7, tcp.Retry);
        Assert.Equal(TimeSpan.FromSeconds(4), tcp.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), tcp.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(2.5), tcp.DelayBeforeRetry);
        Assert.Equal(TimeSpan.FromSeconds(4), tcp.Warmup);
        Assert.True(tcp.Alpha);
        var dns = vs.RealServers[0].Checkers[1].Common;
        Assert.Equal(2, dns.Retry);
        Assert.Equal(TimeSpan.FromSeconds(12), dns.DelayLoop);
        Assert.Equal(TimeSpan.FromSeconds(2.5), dns.DelayBeforeRetry);
        var other = vs.RealServers[1].Checkers[0].Common;
        Assert.Equal(5, other.Retry);
        Assert.Equal(TimeSpan.FromSeconds(8), other.ConnectTimeout);
        Assert.False(other.Alpha);
        Assert.True(vs.RealServers[1].Alpha);
    }

    [Fact]
    public void DnsDelayBeforeRetry_DefaultsToItsOwnDelayLoop()
    {
        var r = OneChecker("DNS_CHECK {\n delay_loop 20\n type mx\n name example.com\n}");
        var dns = r.SingleChecker<DnsCheckConfig>();
        Assert.Equal(TimeSpan.FromSeconds(20), dns.Common.DelayBeforeRetry);
        Assert.Equal(("MX", "example.com"), (dns.Type, dns.Name));
    }

    [Fact]
    public void CommonConnectionOptions()
    {
        var r = OneChecker("""
            TCP_CHECK {
                connect_ip 192.168.2.1
                connect_port 8080
                bindto 192.168.1.1
                bind_port 5000
                bind_if eth0
                fwmark 7
                log_all_failures
            }
            """);
        var c = r.SingleChecker<TcpCheckConfig>().Common;
        Assert.Equal(IPAddress.Parse("192.168.2.1"), c.ConnectIp);
        Assert.Equal(8080, c.ConnectPort);
        Assert.Equal(IPAddress.Parse("192.168.1.1"), c.BindTo);
        Assert.Equal(5000, c.BindPort);
        Assert.Equal("eth0", c.BindInterface);
        Assert.Equal(7u, c.Fwmark);
        Assert.True(c.LogAllFailures);
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void BindtoOfOtherFamily_IsIgnored()
    {
        var r = OneChecker("TCP_CHECK {\n connect_ip 192.168.2.1\n bindto 2001:db8::1\n}");
        Assert.Null(r.SingleChecker<TcpCheckConfig>().Common.BindTo);
        Assert.True(r.Has(BinderCodes.InvalidValue, "address family"));
    }

    [Fact]
    public void LinkLocalTarget_WithoutBindIf_RemovesTheChecker()
    {
        var r = OneChecker("TCP_CHECK {\n connect_ip fe80::1\n}\nPING_CHECK {\n connect_ip fe80::1\n bind_if eth0\n}");
        Assert.IsType<PingCheckConfig>(Assert.Single(r.SingleRs().Checkers));
        Assert.True(r.Has(BinderCodes.RequiredMissing, "bind_if"));
    }

    [Fact]
    public void NoPortAnywhere_IsWarned_ButPingNeedsNone()
    {
        var r = LvsTestBind.Bind("""
            virtual_server fwmark 1 {
                lb_algo rr
                lb_kind NAT
                real_server 192.168.1.10 {
                    TCP_CHECK {
                    }
                    TCP_CHECK {
                        connect_port 80
                    }
                    PING_CHECK {
                    }
                }
            }
            """);
        var c = r.SingleRs().Checkers;
        Assert.Null(c[0].Common.ConnectPort);
        Assert.Equal(80, c[1].Common.ConnectPort);
        var warn = Assert.Single(r.WithCode(BinderCodes.NoEffect));
        Assert.Equal(5, warn.Span.Line);
        Assert.Equal(KeepalivedClass.None, warn.Descriptor.Keepalived);
    }

    [Fact]
    public void HttpGet_UrlsStatusCodesDigest()
    {
        var r = OneChecker("""
            HTTP_GET {
                url {
                    path /health
                    digest 9B3A0C85A887A256D6939DA88AABD8CD
                    status_code 301-302 200 250-260 700 299-200
                    virtualhost url.example.com
                    regex "OK.*"
                    regex_no_match
                    regex_options caseless
                }
                url {
                    path /
                }
                url {
                    digest 1234
                }
                http_protocol 1.0c
                virtualhost chk.example.com
                fast_recovery
                enable_sni yes
            }
            """);
        var http = r.SingleChecker<HttpCheckConfig>();
        Assert.False(http.Ssl);
        Assert.Equal("HTTP_GET", http.Kind);
        Assert.Equal(2, http.Urls.Count);
        var u = http.Urls[0];
        Assert.Equal("/health", u.Path);
        Assert.Equal("9b3a0c85a887a256d6939da88aabd8cd", u.Digest);
        Assert.Equal(new[] { (200, 200), (250, 260), (301, 302) }, u.StatusCodes);
        Assert.Equal("url.example.com", u.Virtualhost);
        Assert.Equal("OK.*", u.Regex);
        Assert.True(u.RegexNoMatch);
        Assert.Equal("regex_options", Assert.Single(u.Other).Keyword);
        Assert.Equal(new[] { (200, 299) }, http.Urls[1].StatusCodes);
        Assert.Null(http.Urls[1].Digest);
        Assert.Equal("1.0C", http.HttpProtocol);
        Assert.Equal("chk.example.com", http.Virtualhost);
        Assert.True(http.FastRecovery && http.EnableSni);
        Assert.Equal(2, r.Diagnostics.Count(d => d.Descriptor == BinderCodes.InvalidValue && d.Message.Contains("status code")));
        Assert.True(r.Has(BinderCodes.InvalidValue, "32 hex digits"));
        Assert.True(r.Has(BinderCodes.RequiredMissing, "has no path"));
    }

    [Fact]
    public void HttpGet_VirtualhostFallsBackToRealServerThenVirtualServer()
    {
        var r = OneChecker("SSL_GET {\n url {\n path /\n }\n}", vsExtra: "virtualhost vs.example.com");
        var ssl = r.SingleChecker<HttpCheckConfig>();
        Assert.True(ssl.Ssl);
        Assert.Equal("vs.example.com", ssl.Virtualhost);
        r = OneChecker("SSL_GET {\n url {\n path /\n }\n}", rsExtra: "virtualhost rs.example.com", vsExtra: "virtualhost vs.example.com");
        Assert.Equal("rs.example.com", r.SingleChecker<HttpCheckConfig>().Virtualhost);
    }

    [Fact]
    public void HttpGet_WithoutUrl_IsDropped()
    {
        var r = OneChecker("HTTP_GET {\n connect_timeout 3\n}");
        Assert.Empty(r.SingleRs().Checkers);
        Assert.True(r.Has(BinderCodes.RequiredMissing, "url"));
    }

    [Fact]
    public void NbGetRetry_IsReadAsRetry()
    {
        var r = OneChecker("HTTP_GET {\n url {\n path /\n }\n nb_get_retry 4\n}");
        Assert.Equal(4, r.SingleChecker<HttpCheckConfig>().Common.Retry);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal(DiagnosticCodes.DeprecatedKeyword, d.Descriptor);
    }

    [Fact]
    public void RetryZero_IsAllowedInCheckers()
    {
        var r = OneChecker("TCP_CHECK {\n retry 0\n}");
        Assert.Equal(0, r.SingleChecker<TcpCheckConfig>().Common.Retry);
    }

    [Fact]
    public void SmtpCheck_HostBlocks_AreDeprecatedTargets()
    {
        var r = OneChecker("""
            SMTP_CHECK {
                helo_name mail.example.com
                retry 3
                host {
                    connect_ip 192.168.3.1
                    connect_port 25
                    delay_before_retry 6
                }
                host {
                    connect_ip 192.168.3.2
                    connect_port 587
                    connect_timeout 9
                }
            }
            """);
        var smtp = r.SingleChecker<SmtpCheckConfig>();
        Assert.Equal("mail.example.com", smtp.HeloName);
        // No connection option of its own: the first host becomes the checker's target.
        Assert.Equal(IPAddress.Parse("192.168.3.1"), smtp.Common.ConnectIp);
        Assert.Equal(25, smtp.Common.ConnectPort);
        Assert.Equal(3, smtp.Common.Retry);
        Assert.Equal(TimeSpan.FromSeconds(6), smtp.Common.DelayBeforeRetry);
        var host = Assert.Single(smtp.Hosts);
        Assert.Equal((IPAddress.Parse("192.168.3.2"), 587, TimeSpan.FromSeconds(9)), (host.ConnectIp, host.ConnectPort, host.ConnectTimeout));
        Assert.Equal(TimeSpan.FromSeconds(6), host.DelayBeforeRetry);
        Assert.Equal(2, r.WithCode(BinderCodes.DeprecatedQuietly).Count());
    }

    [Fact]
    public void SmtpCheck_DefaultsToTheRealServer_AndKeepalivedsHelo()
    {
        var r = OneChecker("SMTP_CHECK {\n}");
        var smtp = r.SingleChecker<SmtpCheckConfig>();
        Assert.Equal("smtpchecker.keepalived.org", smtp.HeloName);
        Assert.Equal((IPAddress.Parse("192.168.1.10"), 80), (smtp.Common.ConnectIp!, smtp.Common.ConnectPort!.Value));
        Assert.Empty(smtp.Hosts);
    }

    [Fact]
    public void UdpCheck_HexPayloadAndReply()
    {
        var r = OneChecker("UDP_CHECK {\n payload 01 02 0A0b f\n require_reply 0x Xf 12\n min_reply_length 2\n max_reply_length 20\n}");
        var udp = r.SingleChecker<UdpCheckConfig>();
        Assert.Equal("01020a0b0f", udp.Payload);
        Assert.True(udp.RequireReply);
        Assert.Equal("0xxf12", udp.ReplyPattern);
        Assert.Equal((2, 20), (udp.MinReplyLength, udp.MaxReplyLength));
        Assert.Empty(r.Diagnostics);
    }

    [Fact]
    public void UdpCheck_InvalidHex_AndDefaults()
    {
        var r = OneChecker("UDP_CHECK {\n payload 0g\n require_reply\n min_reply_length 300\n}");
        var udp = r.SingleChecker<UdpCheckConfig>();
        Assert.Null(udp.Payload);
        Assert.True(udp.RequireReply);
        Assert.Null(udp.ReplyPattern);
        Assert.Equal((300, 255), (udp.MinReplyLength, udp.MaxReplyLength));
        Assert.True(r.Has(BinderCodes.InvalidValue, "not a hex string"));
        Assert.True(r.Has(BinderCodes.InvalidValue, "always fails"));
    }

    [Fact]
    public void MiscCheck()
    {
        var r = OneChecker("MISC_CHECK {\n misc_path \"/bin/check --fast\"\n misc_timeout 5\n misc_dynamic\n user nobody nogroup\n retry 2\n}\nMISC_CHECK {\n misc_timeout 5\n}");
        var misc = r.SingleChecker<MiscCheckConfig>();
        Assert.Equal("/bin/check --fast", misc.Path!.Command);
        Assert.Equal(TimeSpan.FromSeconds(5), misc.Timeout);
        Assert.True(misc.Dynamic);
        Assert.Equal(("nobody", "nogroup"), (misc.User, misc.Group));
        Assert.Equal(2, misc.Common.Retry);
        Assert.True(r.Has(BinderCodes.RequiredMissing, "misc_path"));
    }

    [Fact]
    public void FileCheck_UsesTheTrackFileDefinedAbove()
    {
        var r = LvsTestBind.Bind("track_file F1 {\n file /tmp/f1\n weight -5 reverse\n}\n" + Vs(
            "real_server 192.168.1.10 80 {\n FILE_CHECK {\n track_file F1\n }\n FILE_CHECK {\n track_file F1\n weight 7\n }\n FILE_CHECK {\n track_file NOPE\n }\n}"));
        var c = r.SingleRs().Checkers.Cast<FileCheckConfig>().ToList();
        Assert.Equal(2, c.Count);
        Assert.Equal(("F1", -5, true), (c[0].TrackFile, c[0].Weight!.Value, c[0].Reverse));
        Assert.Equal((7, false), (c[1].Weight!.Value, c[1].Reverse));
        Assert.True(r.Has(BinderCodes.InvalidValue, "NOPE"));
        Assert.True(r.Has(BinderCodes.RequiredMissing, "track_file"));
        Assert.All(c, f => Assert.Equal(("F1", "/tmp/f1", -5), (f.Target!.Name, f.Target.File, f.Target.Weight)));
    }

    [Fact]
    public void FileCheck_HasNoRetriesEvenWhenTheRealServerSetsThem()
    {
        var r = LvsTestBind.Bind("track_file F1 {\n file /tmp/f1\n}\n" + Vs(
            "real_server 192.168.1.10 80 {\n retry 3\n FILE_CHECK {\n track_file F1\n }\n TCP_CHECK {\n }\n}"));
        var checkers = r.SingleRs().Checkers;
        Assert.Equal(0, checkers.OfType<FileCheckConfig>().Single().Common.Retry);   // a written value applies at once
        Assert.Equal(3, checkers.OfType<TcpCheckConfig>().Single().Common.Retry);
    }

    [Fact]
    public void FileCheck_ChangesWhenItsTrackFileBlockChanges()
    {
        FileCheckConfig Bind(string path) => LvsTestBind.Bind($"track_file F1 {{\n file {path}\n}}\n" + Vs(
            "real_server 192.168.1.10 80 {\n FILE_CHECK {\n track_file F1\n }\n}")).SingleRs().Checkers.Cast<FileCheckConfig>().Single();

        Assert.Equal(Bind("/tmp/a"), Bind("/tmp/a"));
        Assert.NotEqual(Bind("/tmp/a"), Bind("/tmp/b"));                        // a reload restarts the checker on the new file
    }

    [Fact]
    public void BfdCheck()
    {
        var r = OneChecker("BFD_CHECK {\n name bfd1\n alpha\n}\nBFD_CHECK {\n name bfd1\n}\nBFD_CHECK {\n name a b\n}");
        var bfd = r.SingleChecker<BfdCheckConfig>();
        Assert.Equal("bfd1", bfd.Name);
        Assert.True(bfd.Common.Alpha);
        Assert.True(r.Has(BinderCodes.Ignored, "already monitors"));
        Assert.True(r.Has(BinderCodes.InvalidValue, "exactly one"));
    }

    [Fact]
    public void CheckerValues_AreOrderIndependent()
    {
        var before = LvsTestBind.Bind(Vs("delay_loop 3\nreal_server 192.168.1.10 80 {\n TCP_CHECK {\n }\n}"));
        var after = LvsTestBind.Bind(Vs("real_server 192.168.1.10 80 {\n TCP_CHECK {\n }\n}\ndelay_loop 3"));
        Assert.Equal(TimeSpan.FromSeconds(3), before.SingleChecker<TcpCheckConfig>().Common.DelayLoop);
        Assert.Equal(before.Config, after.Config);
    }

    [Fact]
    public void InvalidCommonValues_AreIgnoredWithTheirPosition()
    {
        var r = OneChecker("TCP_CHECK {\n connect_port 0\n delay_loop 0\n connect_timeout x\n bind_if averyveryverylongifname\n}");
        var c = r.SingleChecker<TcpCheckConfig>().Common;
        Assert.Equal((80, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), (string?)null), (c.ConnectPort!.Value, c.DelayLoop, c.ConnectTimeout, c.BindInterface));
        Assert.Equal(4, r.Diagnostics.Length);
        Assert.All(r.Diagnostics, d => Assert.InRange(d.Span.Line, 9, 12));
    }
}

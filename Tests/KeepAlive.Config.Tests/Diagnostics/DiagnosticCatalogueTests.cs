using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Host;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Diagnostics;

/// <summary>Every diagnostic code of the catalogue has a fixture that produces it, at the expected line and column.</summary>
public class DiagnosticCatalogueTests
{
    /// <summary>A fixture: the files (the first is the root), options, and where the diagnostic must point.</summary>
    public sealed record Fixture(string Code, (string Path, string Text)[] Files, int Line, int Column, ReaderOptions? Reader = null, IHostFacts? Host = null, bool Strict = false)
    {
        public override string ToString() => Code;
    }

    private const string Root = "/etc/keepalived/keepalived.conf";

    private static Fixture F(string code, string text, int line, int column, IHostFacts? host = null, ReaderOptions? reader = null) =>
        new(code, [(Root, text)], line, column, reader, host);

    private static string Vi(string body, string name = "VI_1", string vrid = "51") =>
        $"vrrp_instance {name} {{\n interface eth0\n virtual_router_id {vrid}\n virtual_ipaddress {{\n 10.0.0.1/24\n }}\n{body}\n}}\n";

    private static readonly StaticHostFacts Host = TestConfig.SeedHost;

    private static StaticHostFacts HostWithScript(bool writable) => new(
        TestConfig.SeedHost.FindInterface("eth0") is { } e ? [e] : [],
        [new FileFacts("/bin/check", true, true, writable)]);

    public static readonly Fixture[] Fixtures =
    [
        new("KA1001", [], 0, 0),
        F("KA1002", "include nothing-here.conf", 1, 1),
        new("KA1003", [(Root, "include b.conf"), ("/etc/keepalived/b.conf!", "")], 1, 1),
        new("KA1004", [(Root, "include keepalived.conf")], 1, 1),
        new("KA1005", [(Root, "include a.conf"), ("/etc/keepalived/a.conf", "\ninclude b.conf"), ("/etc/keepalived/b.conf", "x")], 2, 1, new ReaderOptions(MaxIncludeDepth: 2)),
        F("KA1006", "global_defs {\n router_id \"abc\n}", 2, 2),
        F("KA1007", "\n~SEQ(i, 5, 0, 9) x $i", 2, 1),
        F("KA1008", "$A=$A\nrouter_id $A", 2, 1),
        new("KA1009", [(Root, "a\nb\nc")], 3, 1, new ReaderOptions(MaxLines: 2)),
        F("KA1010", "global_defs {\ninclude\n}", 2, 1),
        new("KA1011", [(Root, "\ninclude missing.conf")], 2, 1, new ReaderOptions(RequireAllFiles: true)),
        new("KA1012", [("/etc/k/*.conf", ""), ("/etc/k/a.conf", "x"), ("/etc/k/b.conf", "y")], 0, 0),
        F("KA1013", "router\u0001id x", 1, 1),
        F("KA1014", "global_defs {\n router_id " + new string('x', 1100) + "\n}", 2, 1),
        F("KA1101", "global_defs {\n  routr_id x\n}", 2, 3),
        F("KA1102", "global_defs {\n bogus {\n }\n}", 2, 8),
        F("KA1103", "global_defs\n router_id x\n}", 2, 2),
        F("KA1104", "}", 1, 1),
        F("KA1105", "global_defs {\n router_id x", 1, 1),
        F("KA1106", Vi(" virtual_ipaddress_excluded 10.0.0.9 {\n }"), 7, 29),
        F("KA1107", "global_defs {\n process_names\n}", 2, 2),
        F("KA1108", "vrrp_track_file TF {\n file /x\n}", 1, 1),
        F("KA1110", Vi(" virtual_ipaddress_excluded\n 10.0.0.9\n }"), 8, 2),
        F("KA1113", "global_defs {\n notification_email {\n a@b\n {\n }\n}", 4, 2),
        F("KA1111", "global_defs {\n bogus {\n }\n}", 4, 1),
        F("KA1112", "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n TCP_CHECK {\n  nb_get_retry 3\n }\n }\n}", 5, 3),
        F("KA2001", Vi(" priority"), 7, 2),
        F("KA2002", Vi(" priority high"), 7, 11),
        F("KA2003", Vi(" priority 300"), 7, 11),
        F("KA2004", Vi(" state MASTER\n authentication {\n auth_type NONE\n }"), 9, 12),
        F("KA2005", Vi(" mcast_src_ip 10.0.0.300"), 7, 15),
        F("KA2006", Vi(" priority 0"), 7, 11),
        F("KA2007", Vi(" priority 100 extra"), 7, 15),
        F("KA2008", "vrrp_script S {\n script /a\n}\nvrrp_script S {\n script /b\n}", 4, 1),
        F("KA2009", "vrrp_script {\n script /a\n}", 1, 1),
        F("KA2010", "vrrp_script S {\n interval 2\n}", 3, 1),
        F("KA2011", Vi(" virtual_rules {\n from 10.0.0.0/8 table 5\n }"), 8, 2),
        F("KA2012", Vi(" virtual_ipaddress_excluded {\n 10.0.0.9 sideways\n }"), 8, 11),
        F("KA2013", Vi(" nopreempt\n state MASTER"), 1, 1),
        F("KA2014", Vi(" authentication {\n auth_type PASS\n auth_pass 0123456789\n }"), 9, 12),
        F("KA2015", Vi(" virtual_routes {\n 10.1.0.0/16 gw 10.0.0.254 dev eth0\n }"), 8, 14),
        F("KA2020", "virtual_server 10.0.0.1 25 {\n protocol TCP\n real_server 10.0.0.2 25 {\n SMTP_CHECK {\n  host {\n connect_ip 10.0.0.3\n }\n }\n }\n}", 5, 3),
        F("KA2021", Vi(" virtual_ipaddress_excluded {\n 10.0.0.9\n 10.0.0.9\n }"), 9, 2),
        F("KA2022", "global_defs {\n notification_email {\n }\n}", 3, 2),
        F("KA2023", Vi(" notify_master '/bin/check a"), 7, 2),
        F("KA2024", Vi(" notify_master \"\""), 7, 2),
        F("KA2016", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n version 3\n}", 1, 1),
        F("KA2017", Vi(" unicast_src_ip 10.0.0.5\n unicast_fault_no_peer"), 1, 1),
        F("KA2018", Vi(" smtp_alert maybe"), 7, 13),
        F("KA2019", "global_defs {\n router_id\n}", 2, 2),
        F("KA2040", "virtual_server fwmark 1 {\n lb_algo rr\n lb_kind NAT\n real_server 10.0.0.2 {\n TCP_CHECK {\n }\n }\n}", 5, 2),
        F("KA3001", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n}", 1, 1),
        F("KA3002", Vi(" unicast_src_ip 10.0.0.5"), 1, 1),
        F("KA3003", Vi("") + Vi("", "VI_2"), 9, 1),
        F("KA3004", Vi("") + "vrrp_sync_group G {\n group {\n VI_1\n VI_9\n }\n}", 9, 1),
        F("KA3005", Vi("") + Vi("", "VI_2", "52") + "vrrp_sync_group G {\n group { VI_1 VI_2 }\n}\nvrrp_sync_group H {\n group { VI_1 }\n}", 20, 1),
        F("KA3006", "vrrp_sync_group G {\n group { NOPE }\n}", 1, 1),
        F("KA3007", Vi("") + "vrrp_sync_group G {\n group { VI_1 }\n}", 9, 1),
        F("KA3008", Vi(" priority 255") + Vi("", "VI_2", "52") + "vrrp_sync_group G {\n group { VI_1 VI_2 }\n}", 17, 1),
        F("KA3009", Vi(" track_script {\n  chk_nope\n }"), 8, 3),
        F("KA3010", Vi(" unicast_src_ip 10.0.0.5\n unicast_peer {\n 10.0.0.5\n 10.0.0.6\n }"), 9, 2),
        F("KA3011", "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\nvirtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}", 6, 1),
        F("KA3012", "virtual_server group NOPE {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}", 1, 1),
        F("KA4001", Vi("").Replace("eth0", "eth9"), 2, 2, Host),
        F("KA4002", "global_defs {\n dynamic_interfaces\n}\n" + Vi("").Replace("eth0", "eth9"), 5, 2, Host),
        F("KA4003", Vi("").Replace("eth0", "lo"), 2, 2, Host),
        F("KA4004", Vi(""), 1, 1, new StaticHostFacts([new InterfaceFacts("eth0", false, false, 1500)])),
        F("KA4005", Vi(" virtual_ipaddress_excluded {\n 10.0.0.9 dev eth9\n }"), 8, 2, Host),
        F("KA4006", Vi(" track_interface {\n  eth9\n }"), 8, 3, Host),
        F("KA4007", "vrrp_script chk {\n script /bin/nope\n}\n" + Vi(" track_script {\n chk\n }"), 2, 2, Host),
        F("KA4008", Vi(" notify_master /bin/nope"), 7, 2, Host),
        F("KA4009", "global_defs {\n router_id x\n}\n" + Vi(" notify_master /bin/check"), 1, 1, HostWithScript(writable: false)),
        F("KA4010", "global_defs {\n enable_script_security\n}\n" + Vi(" notify_master /bin/check"), 10, 2, HostWithScript(writable: true)),
        F("KA4011", "global_defs {\n script_user nobody\n}\n" + Vi(" notify_master /bin/check"), 2, 2, HostWithScript(writable: false)),
        F("KA4013", "global_defs {\n router_id x\n}\n" + Vi(" notify_master /bin/check\n track_interface {\n  eth7\n }"), 1, 1, HostWithScript(writable: false)),
        F("KA4014", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n" + string.Concat(Enumerable.Range(1, 30).Select(i => $" 10.0.1.{i}\n")) + " }\n}\n", 1, 1,
            new StaticHostFacts([new InterfaceFacts("eth0", false, true, 140)])),
        F("KA4012", Vi(" notify_master /bin/check nosuchuser"), 7, 2, HostWithScript(writable: false)),
    ];

    public static IEnumerable<object[]> AllFixtures() => Fixtures.Select(f => new object[] { f });

    [Fact]
    public void EveryCode_HasAFixture()
    {
        var covered = Fixtures.Select(f => f.Code).ToHashSet();
        var missing = DiagnosticCodes.All.Select(d => d.Code).Where(c => !covered.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "codes without a fixture: " + string.Join(", ", missing));
    }

    [Fact]
    public void Codes_AreUnique()
    {
        var dupes = DiagnosticCodes.All.GroupBy(d => d.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(dupes);
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Fixture_ProducesItsCode_AtItsSpan(Fixture f)
    {
        var source = new InMemoryConfigSource();
        foreach (var (path, text) in f.Files)
        {
            if (path.EndsWith('!'))
                source.AddError(path[..^1], Config.ConfigFileError.Unreadable);
            else if (!path.Contains('*'))
                source.Add(path, text);
        }
        var root = f.Files.Length > 0 ? f.Files[0].Path : Root;
        var result = ConfigLoader.Load(root, source, new ConfigLoadOptions(f.Reader ?? new ReaderOptions(RandomSeed: 1), f.Host, f.Strict));
        var hits = result.Diagnostics.Where(d => d.Code == f.Code).ToList();
        Assert.True(hits.Count > 0, $"{f.Code} not produced; got:\n{string.Join("\n", result.Diagnostics)}");
        Assert.True(hits.Any(d => d.Span.Line == f.Line && d.Span.Column == f.Column),
            $"{f.Code} expected at {f.Line}:{f.Column}, got {string.Join(", ", hits.Select(h => h.Span))}");
    }
}

using System.Text.RegularExpressions;
using KeepAlive.Config;
using KeepAlive.Config.Host;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Privileged.Tests.Config;

/// <summary>
/// The real keepalived 2.2.7 as the oracle of the configuration test: each config of the corpus is checked by
/// <c>keepalived -t</c> inside a namespace of ours (interfaces eth0..eth3) and by our pipeline with the same host
/// facts; exit codes must match, and every line keepalived reports on must get a diagnostic from us.
/// </summary>
[Collection("privileged")]
public sealed class KeepalivedOracleTests : IDisposable
{
    private static readonly string[] Interfaces = ["eth0", "eth1", "eth2", "eth3"];
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-oracle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Host facts as keepalived sees them in the namespace: its interfaces, this host's files and users.</summary>
    private sealed class NamespaceHost(int eth0Mtu = 1500) : IHostFacts
    {
        private readonly LinuxHostFacts _linux = new();
        private readonly StaticHostFacts _ifs = new(new[] { "lo" }.Concat(Interfaces)
            .Select(n => new InterfaceFacts(n, n == "lo", n != "lo", n == "lo" ? 65536 : n == "eth0" ? eth0Mtu : 1500)));

        public string ShortHostName => _linux.ShortHostName;

        public bool RunningAsRoot => true;

        public InterfaceFacts? FindInterface(string name) => _ifs.FindInterface(name);

        public FileFacts FindExecutable(string command) => _linux.FindExecutable(command);

        public bool UserExists(string name) => _linux.UserExists(name);

        public bool GroupExists(string name) => _linux.GroupExists(name);
    }

    /// <summary>Configs of the corpus: name → text. Written for this test; each exercises a rule keepalived applies.</summary>
    public static readonly Dictionary<string, string> Corpus = new()
    {
        ["clean-vrrp"] = V(""),
        ["priority-0"] = V("priority 0"),
        ["priority-300"] = V("priority 300"),
        ["priority-missing"] = V("priority"),
        ["vrid-0"] = V("").Replace("virtual_router_id 51", "virtual_router_id 0"),
        ["advert-fraction-v2"] = V("advert_int 1.5"),
        ["advert-v3-rounding"] = V("version 3\nadvert_int 0.123"),
        ["no-vip-v2"] = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n}\n",
        ["no-vip-v3"] = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n version 3\n}\n",
        ["auth-long-pass"] = V("authentication {\n auth_type PASS\n auth_pass 0123456789\n }"),
        ["auth-no-pass"] = V("authentication {\n auth_type PASS\n }"),
        ["auth-ah-master"] = V("state MASTER\n priority 100\n authentication {\n auth_type AH\n auth_pass x\n }"),
        ["auth-v3"] = V("version 3\n authentication {\n auth_type PASS\n auth_pass x\n }"),
        ["strict-master"] = "global_defs {\n vrrp_strict\n}\n" + V("state MASTER\n priority 100"),
        ["nopreempt-master"] = V("state MASTER\n nopreempt"),
        ["preempt-delay-bad"] = V("preempt_delay 2000"),
        ["unknown-state"] = V("state ACTIVE"),
        ["duplicate-vrid"] = V("") + V("", "VI_2"),
        ["same-vrid-other-if"] = V("") + V("", "VI_2").Replace("eth0", "eth1"),
        ["missing-interface"] = V("").Replace("eth0", "eth9"),
        ["vip-bad-prefix"] = V("").Replace("10.0.0.1/24", "10.0.0.1/40"),
        ["vip-bad-address"] = V("").Replace("10.0.0.1/24", "10.0.0.300"),
        ["vip-mixed-family"] = V("").Replace("10.0.0.1/24", "10.0.0.1/24\n 2001:db8::1"),
        ["unicast"] = V("unicast_src_ip 10.0.0.5\n unicast_peer {\n 10.0.0.6\n }"),
        ["unicast-no-peers"] = V("unicast_src_ip 10.0.0.5"),
        ["sync-group-missing-member"] = V("") + "vrrp_sync_group G {\n group {\n VI_1\n VI_X\n }\n}\n",
        ["sync-group-one"] = V("") + "vrrp_sync_group G {\n group {\n VI_1\n }\n}\n",
        ["track-script-missing"] = V("track_script {\n chk_nope\n }"),
        ["script-not-found"] = "vrrp_script chk {\n script \"/nonexistent/check.sh\"\n interval 2\n}\n" + V("track_script {\n chk\n }"),
        ["script-security"] = "vrrp_script chk {\n script /bin/true\n}\n" + V("track_script {\n chk\n }"),
        ["script-security-enabled"] = "global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script chk {\n script /bin/true\n}\n" + V("track_script {\n chk\n }"),
        ["routes-and-rules"] = V("virtual_routes {\n 192.168.0.0/16 via 10.0.0.254 dev eth0\n 10.9.0.0/16 dev eth1 table 100\n }\n virtual_rules {\n from 10.0.0.0/24 table 100 priority 100\n }"),
        ["garp-zero"] = "global_defs {\n vrrp_garp_interval 0\n}\n" + V(""),
        ["unknown-keywords"] = "global_defs {\n routr_id x\n}\n" + V("bogus 1\n nopremept"),
        ["unexpected-brace"] = "global_defs {\n notification_email {\n a@b\n }\n}\nfoo {\n router_id x\n}\n" + V(""),
        ["extra-close"] = V("") + "}\n}\n",
        ["missing-close"] = "global_defs {\n router_id x\n" + V(""),
        ["vs-clean"] = S(""),
        ["vs-defaults"] = S("").Replace(" protocol TCP\n", "").Replace(" lb_algo rr\n", "").Replace(" lb_kind DR\n", ""),
        ["vs-bad-sched"] = S("").Replace("lb_algo rr", "lb_algo fastest"),
        ["vs-fwmark"] = "virtual_server fwmark 7 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.1.0.2 80 {\n TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n",
        ["vs-no-rs"] = "virtual_server 10.0.0.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n}\n",
        ["vs-dup-rs"] = S("").Replace(" real_server 10.1.0.2 80 {", " real_server 10.1.0.2 80 {\n }\n real_server 10.1.0.2 80 {"),
        ["vs-bad-rs"] = S("").Replace("real_server 10.1.0.2 80", "real_server 10.1.0.300 80"),
        ["vs-http"] = S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "HTTP_GET {\n url {\n path /\n digest 0123456789abcdef0123456789abcdef\n status_code 200-299\n }\n connect_timeout 3\n retry 3\n }"),
        ["vs-http-no-url"] = S("").Replace("TCP_CHECK {", "HTTP_GET {"),
        ["vs-nb-get-retry"] = S("").Replace("connect_timeout 3", "connect_timeout 3\n nb_get_retry 3"),
        ["vs-misc"] = S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "MISC_CHECK {\n misc_path \"/bin/true -x\"\n misc_timeout 5\n misc_dynamic\n }"),
        ["vs-group"] = "virtual_server_group G {\n 10.0.0.1 80\n 10.0.1.1-10 80\n fwmark 5\n}\nvirtual_server group G {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.1.0.2 80 {\n TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n",
        ["vs-sorry"] = S("sorry_server 10.2.0.1 80\n quorum 3\n hysteresis 1\n alpha\n omega"),
        ["include-missing"] = "include /nonexistent/*.conf\n" + V(""),
        ["conditional"] = "@nohost global_defs {\n@nohost router_id x\n@nohost }\n" + V(""),
        ["definitions"] = "$IF=eth0\n$VRID=51\nvrrp_instance VI_1 {\n interface $IF\n virtual_router_id ${VRID}\n virtual_ipaddress {\n 10.0.0.1/24\n }\n}\n",
        ["ipv6-v3"] = "vrrp_instance VI_6 {\n interface eth0\n virtual_router_id 61\n virtual_ipaddress {\n fe80::1/64\n 2001:db8::1/64\n }\n}\n",
        ["ipv6-v2-strict"] = "global_defs {\n vrrp_strict\n}\nvrrp_instance VI_6 {\n interface eth0\n version 2\n virtual_router_id 61\n virtual_ipaddress {\n 2001:db8::1/64\n }\n}\n",
        ["strict-auth"] = "global_defs {\n vrrp_strict\n}\n" + V("authentication {\n auth_type PASS\n auth_pass x\n }"),
        ["strict-unicast"] = "global_defs {\n vrrp_strict\n}\n" + V("unicast_src_ip 10.0.0.5\n unicast_peer {\n 10.0.0.6\n }"),
        ["strict-preempt-delay"] = "global_defs {\n vrrp_strict\n}\n" + V("preempt_delay 5"),
        ["vmac"] = V("use_vmac vrrp.51"),
        ["vmac-unicast"] = V("use_vmac\n unicast_src_ip 10.0.0.5\n unicast_peer {\n 10.0.0.6\n }"),
        ["vmac-xmit-no-vmac"] = V("vmac_xmit_base"),
        ["mcast-dst"] = V("mcast_dst_ip 224.0.0.99"),
        ["mcast-dst-bad"] = V("mcast_dst_ip 10.0.0.9"),
        ["unicast-ttl-no-peers"] = V("unicast_ttl 5"),
        ["track-interface-weights"] = V("track_interface {\n eth1 weight 10\n eth2 weight -300\n eth3 weight 20 reverse\n }"),
        ["track-file"] = "track_file TF {\n file /tmp/ka-oracle-tf\n weight 10\n}\n" + V("track_file {\n TF weight 3\n }"),
        ["track-process"] = "vrrp_track_process P {\n process sshd\n weight 5\n quorum 2\n quorum_max 1\n}\n" + V("track_process {\n P\n }"),
        ["static-addresses"] = "static_ipaddress {\n 192.168.9.1/24 dev eth1 scope link\n 192.168.9.2/24 brd + dev eth1\n 2001:db8:9::1/64 dev eth1\n}\n" + V(""),
        ["static-routes"] = "static_routes {\n 192.168.10.0/24 via 10.0.0.254 dev eth0\n blackhole 192.168.11.0/24\n 192.168.12.0/24 dev eth1 table 200 metric 5\n}\n" + V(""),
        ["static-rules"] = "static_rules {\n from 192.168.9.0/24 table 200 priority 100\n to 192.168.10.0/24 lookup 201\n}\n" + V(""),
        ["garp-settings"] = "global_defs {\n vrrp_garp_master_delay 3\n vrrp_garp_master_repeat 0\n vrrp_garp_master_refresh 60\n vrrp_garp_interval 0.001\n vrrp_gna_interval 0.000001\n}\n" + V("garp_master_delay 2\n garp_master_repeat 4"),
        ["global-misc"] = "global_defs {\n router_id lb\n notification_email {\n ops@example.org\n }\n notification_email_from ka@example.org\n smtp_server 192.0.2.25 25\n smtp_connect_timeout 30\n vrrp_version 3\n vrrp_mcast_group4 224.0.0.50\n vrrp_check_unicast_src\n vrrp_skip_check_adv_addr\n dynamic_interfaces\n}\n" + V(""),
        ["global-bad-values"] = "global_defs {\n vrrp_version 4\n smtp_connect_timeout abc\n vrrp_mcast_group4 10.0.0.1\n vrrp_garp_master_repeat -1\n}\n" + V(""),
        ["lvs-sync-daemon"] = "global_defs {\n lvs_sync_daemon eth0 VI_1 id 5\n lvs_timeouts tcp 900 tcpfin 120 udp 300\n}\n" + V(""),
        ["vs-udp-check"] = S("").Replace("protocol TCP", "protocol UDP").Replace("TCP_CHECK {\n connect_timeout 3\n }", "UDP_CHECK {\n payload 0a0b0c\n require_reply 0a0b\n min_reply_length 2\n }"),
        ["vs-dns-check"] = S("").Replace("protocol TCP", "protocol UDP").Replace("TCP_CHECK {\n connect_timeout 3\n }", "DNS_CHECK {\n type A\n name example.org\n }"),
        ["vs-smtp-check"] = S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "SMTP_CHECK {\n helo_name lb.example.org\n connect_timeout 5\n }"),
        ["vs-smtp-host"] = S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "SMTP_CHECK {\n host {\n connect_ip 10.1.0.9\n connect_port 25\n }\n }"),
        ["vs-ping-check"] = S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "PING_CHECK {\n retry 2\n }"),
        ["vs-file-check"] = "track_file TF {\n file /tmp/ka-oracle-tf\n}\n" + S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "FILE_CHECK {\n track_file TF\n weight 2 reverse\n }"),
        ["vs-ssl"] = "SSL {\n ca /etc/ssl/certs/ca-certificates.crt\n}\n" + S("").Replace("TCP_CHECK {\n connect_timeout 3\n }", "SSL_GET {\n url {\n path /health\n status_code 200 301-302\n }\n enable_sni\n virtualhost www.example.org\n }"),
        ["vs-persistence"] = S("persistence_timeout\n persistence_granularity 255.255.255.0\n ha_suspend\n inhibit_on_failure"),
        ["vs-tun"] = S("").Replace("lb_kind DR", "lb_kind TUN type gue port 6080"),
        ["vs-weights"] = S("weight 5").Replace("weight 1", "weight -1"),
        ["vs-checker-inheritance"] = S("retry 4\n delay_before_retry 2\n connect_timeout 7").Replace("weight 1", "weight 1\n retry 2"),
        ["vs-group-ipv6"] = "virtual_server_group G6 {\n 2001:db8::1-10 80\n}\nvirtual_server group G6 {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 2001:db8::100 80 {\n TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n",
        ["vs-group-missing"] = "virtual_server group NOPE {\n lb_algo rr\n lb_kind DR\n protocol TCP\n real_server 10.1.0.2 80 {\n TCP_CHECK {\n connect_timeout 3\n }\n }\n}\n",
        ["quoted-and-escapes"] = V("notify_master \"/bin/echo master \\#1\"\n notify \"/bin/true\" root"),
        ["notify-scripts"] = V("notify_master /bin/true\n notify_backup /bin/true\n notify_fault /bin/true\n notify_stop /bin/true\n notify /bin/true"),
        ["one-line-blocks"] = "global_defs { router_id x }\nvrrp_instance VI_1 { interface eth0\n virtual_router_id 51 virtual_ipaddress { 10.0.0.1/24 } }\n",
        ["brace-next-line"] = "global_defs\n{\n router_id x\n}\nvrrp_instance VI_1\n{\n interface eth0\n virtual_router_id 51\n virtual_ipaddress\n {\n 10.0.0.1/24\n }\n}\n",
        ["deprecated-aliases"] = "vrrp_track_file TF {\n file /tmp/x\n}\n" + V("") + "virtual_server 10.0.0.1 80 {\n lvs_sched rr\n lvs_method DR\n protocol TCP\n real_server 10.1.0.2 80 {\n HTTP_GET {\n url {\n path /\n }\n nb_get_retry 2\n }\n }\n}\n",
        ["script-user-missing"] = "global_defs {\n script_user nosuchuser\n}\n" + V("notify_master /bin/true"),
        ["notify-user-missing"] = "global_defs {\n enable_script_security\n}\n" + V("notify_master /bin/true nosuchuser"),
        ["script-security-after-missing-interface"] = "vrrp_script chk {\n script /bin/true\n}\n" + V("track_script {\n chk\n }\n track_interface {\n eth9\n }"),
        ["seq"] = "~SEQ(i, 1, 3) vrrp_instance VI_$i { \n" + "interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n 10.0.0.1/24\n }\n}\n",
    };

    private static string V(string body, string name = "VI_1") =>
        $"vrrp_instance {name} {{\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {{\n 10.0.0.1/24\n }}\n {body}\n}}\n";

    private static string S(string body) =>
        $"virtual_server 10.0.0.1 80 {{\n delay_loop 6\n lb_algo rr\n lb_kind DR\n protocol TCP\n {body}\n real_server 10.1.0.2 80 {{\n weight 1\n TCP_CHECK {{\n connect_timeout 3\n }}\n }}\n}}\n";

    /// <summary>Where we differ from keepalived on purpose (name → reason).</summary>
    public static readonly Dictionary<string, string> DeliberateDifferences = new()
    {
        ["seq"] = "keepalived repeats only the text after ~SEQ(...) on its line; the '{' block opened there is read once by both, but keepalived's line numbers for generated lines differ",
        ["vs-http-no-url"] = "keepalived 2.2.7 -t crashes (SIGSEGV, exit 139) on an HTTP_GET without url; we report the checker as ignored (KA2010) at its HTTP_GET line",
    };

    public static IEnumerable<object[]> Cases() => Corpus.Keys.Select(k => new object[] { k });

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ExitCodeAndLines_MatchKeepalived(string name)
    {
        Privilege.Require("ip", "keepalived");
        var path = Path.Combine(_dir, name + ".conf");
        File.WriteAllText(path, Corpus[name]);
        Compare(name, path);
    }

    /// <summary>keepalived's own sample configurations, as the Debian package installs them (read in place, not
    /// copied into this repository).</summary>
    public const string InstalledSamplesDir = "/usr/share/doc/keepalived/samples";

    public static IEnumerable<object[]> InstalledSamples() =>
        Directory.Exists(InstalledSamplesDir)
            ? Directory.GetFiles(InstalledSamplesDir, "keepalived.conf.*").Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) })
            : [["(keepalived package not installed)"]];

    [SkippableTheory]
    [MemberData(nameof(InstalledSamples))]
    public void KeepalivedsOwnSamples_MatchKeepalived(string sample)
    {
        Privilege.Require("ip", "keepalived");
        var source = Path.Combine(InstalledSamplesDir, sample);
        Skip.IfNot(File.Exists(source), "keepalived's samples are not installed");
        var path = Path.Combine(_dir, sample);
        File.Copy(source, path);
        Compare(sample, path);
    }

    private static readonly string[] MutationLines =
    [
        "priority 300", "priority 0", "advert_int 0.5", "version 3", "nopreempt", "state MASTER", "virtual_router_id 0", "weight -5",
        "lb_algo xx", "protocol XYZ", "delay_loop 0", "retry 0", "connect_port 0", "persistence_timeout 99999999", "quorum 0", "{", "}",
        "auth_pass 123456789", "interface eth9", "garp_master_delay -1", "smtp_alert maybe", "track_interface {", "unicast_ttl 300",
        "inhibit_on_failure", "alpha no", "sorry_server 10.1.1.1", "real_server 10.0.0.300 80 {", "notify_master", "hysteresis -1",
        "status_code 700", "digest xyz",
    ];

    /// <summary>
    /// Differential test: line-level mutations of keepalived's own samples (deleted lines, inserted keyword lines with
    /// good and bad values, stray braces, words appended), each checked by keepalived -t and by us. A fixed seed keeps
    /// the cases the same from run to run.
    /// </summary>
    [SkippableFact]
    public void MutatedSamples_MatchKeepalived()
    {
        Privilege.Require("ip", "keepalived");
        Skip.IfNot(Directory.Exists(InstalledSamplesDir), "keepalived's samples are not installed");
        var samples = Directory.GetFiles(InstalledSamplesDir, "keepalived.conf.*").Order(StringComparer.Ordinal).Select(File.ReadAllLines).ToList();
        var rng = new Random(1);
        var failures = new List<string>();
        using var ns = new NetworkNamespace("mut", Interfaces);
        for (int n = 0; n < 120; n++)
        {
            var lines = samples[rng.Next(samples.Count)].ToList();
            for (int e = rng.Next(1, 3); e > 0; e--)
            {
                int at = rng.Next(lines.Count);
                switch (rng.Next(3))
                {
                    case 0: lines.RemoveAt(at); break;
                    case 1: lines.Insert(at, MutationLines[rng.Next(MutationLines.Length)]); break;
                    default: lines[at] = lines[at] + " " + MutationLines[rng.Next(MutationLines.Length)].Split(' ').Last(); break;
                }
            }
            var path = Path.Combine(_dir, $"mutation-{n}.conf");
            File.WriteAllLines(path, lines);
            if (Mismatch(ns, path) is { } report)
                failures.Add($"mutation {n}: {report}");
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private void Compare(string name, string path)
    {
        using var ns = new NetworkNamespace("cfg", Interfaces);
        if (DeliberateDifferences.ContainsKey(name))
            return;
        var report = Mismatch(ns, path);
        Assert.True(report is null, $"{name}: {report}");
    }

    /// <summary>
    /// VIPs beyond what one advert carries at the interface's real MTU become excluded addresses: keepalived -t prints
    /// how many it keeps ("max N addresses"); we must keep the same number, or the two sides advertise different lists.
    /// </summary>
    [SkippableTheory]
    [InlineData(100, 2, "", 30)]
    [InlineData(100, 3, "", 30)]
    [InlineData(300, 2, "authentication {\n auth_type AH\n auth_pass secret\n }\n", 80)]
    [InlineData(1500, 3, "", 100)]
    [InlineData(1280, 3, "", 100)]
    public void Vips_beyond_an_adverts_room_are_moved_as_keepalived_moves_them(int mtu, int version, string auth, int count)
    {
        Privilege.Require("ip", "keepalived");
        bool v6 = mtu >= 1280;
        var vips = string.Concat(Enumerable.Range(1, count).Select(i => v6 ? $" 2001:db8::{i:x}\n" : $" 10.9.{i / 200}.{i % 200 + 1}\n"));
        var path = Path.Combine(_dir, $"mtu-{mtu}-{version}.conf");
        File.WriteAllText(path, $"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 51\n version {version}\n {auth} virtual_ipaddress {{\n{vips} }}\n}}\n");
        using var ns = new NetworkNamespace("mtu", Interfaces);
        var (setCode, setOutput) = ns.Exec("ip", ["link", "set", "eth0", "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        Assert.True(setCode == 0, setOutput);

        var (_, output) = ns.Exec("keepalived", ["-t", "-l", "-f", path], TimeSpan.FromSeconds(20));
        var moved = Regex.Match(output, @"Number of VIPs \((\d+)\) exceeds maximum/space available in packet \(max (\d+) addresses\)");
        var ours = ConfigLoader.Load(path, new DiskConfigSource(), new ConfigLoadOptions(new ReaderOptions(ConfigId: "oracle"), new NamespaceHost(mtu)));
        var vi = Assert.Single(ours.Config.VrrpInstances);
        int theirs = moved.Success ? int.Parse(moved.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : count;
        Assert.True(theirs == vi.VirtualIpAddresses.Count, $"keepalived keeps {theirs} VIPs, we keep {vi.VirtualIpAddresses.Count}\n--- keepalived\n{output}\n--- ours\n{string.Join("\n", ours.Diagnostics)}");
        Assert.Equal(count - theirs, vi.ExcludedIpAddresses.Count);
    }

    /// <summary>Null when keepalived and we agree on the exit code and we report on every line keepalived reports on;
    /// otherwise both outputs.</summary>
    private static string? Mismatch(NetworkNamespace ns, string path)
    {
        var (theirCode, output) = ns.Exec("keepalived", ["-t", "-l", "-f", path], TimeSpan.FromSeconds(20));
        var ours = ConfigLoader.Load(path, new DiskConfigSource(), new ConfigLoadOptions(new ReaderOptions(ConfigId: "oracle"), new NamespaceHost()));
        var theirLines = Regex.Matches(output, @"Line (\d+)\)").Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        var ourLines = ours.Diagnostics.Select(d => d.Span.Line).ToHashSet();
        var missing = theirLines.Where(l => !ourLines.Contains(l)).OrderBy(l => l).ToList();
        if (theirCode == ours.KeepalivedTestExitCode && missing.Count == 0)
            return null;
        return $"keepalived exit {theirCode}, ours {ours.KeepalivedTestExitCode}; lines we miss: {string.Join(",", missing)}\n--- config\n{File.ReadAllText(path)}\n--- keepalived\n{output}\n--- ours\n{string.Join("\n", ours.Diagnostics)}";
    }
}

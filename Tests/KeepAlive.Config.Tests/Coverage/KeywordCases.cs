using System.Net;
using KeepAlive.Config.Model;

namespace KeepAlive.Config.Tests.Coverage;

/// <summary>One binder case: a configuration using a keyword, and what the model must then say.</summary>
/// <param name="NotSupportedYet">The keyword is bound but reported "recognised, not supported yet" on purpose.</param>
public sealed record KeywordCase(string Section, string Keyword, string Config, Func<KeepAliveConfig, bool> Check, bool NotSupportedYet = false)
{
    public override string ToString() => $"{Section}/{Keyword}";
}

/// <summary>
/// The binder case of every tier C and M keyword of keepalived-keywords.tsv (keepalived-reference.md §2), keyed by
/// the table's section number and keyword. <see cref="KeywordCoverageTests"/> fails when a C/M keyword lacks one.
/// </summary>
public static partial class KeywordCases
{
    public static string G(string body) => $"global_defs {{\n{body}\n}}\n";

    public static string V(string body, string name = "VI_1") =>
        $"vrrp_instance {name} {{\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {{\n 10.0.0.1/24\n }}\n{body}\n}}\n";

    public static VrrpInstanceConfig I(KeepAliveConfig c) => c.VrrpInstances.Single();

    public static readonly List<KeywordCase> All = new();

    private static void Add(string section, string keyword, string config, Func<KeepAliveConfig, bool> check) =>
        All.Add(new KeywordCase(section, keyword, config, check, keyword.StartsWith("enable_snmp", StringComparison.Ordinal) || keyword == "enable_traps"));

    static KeywordCases()
    {
        AddSyntax();
        AddGlobals();
        AddTrackers();
        AddInstance();
        AddLvs();
    }

    private static void AddSyntax()
    {
        Add("2.0", "include", "include /etc/keepalived/other.conf\n", c => c.Globals.RouterId == "from-include");
        Add("2.0", "@ID", "@node1 global_defs {\n@node1 router_id one\n@node1 }\n@^node1 global_defs {\n@^node1 router_id other\n@^node1 }\n",
            c => c.Globals.RouterId == "one");
    }

    private static void AddGlobals()
    {
        Add("2.1", "router_id", G("router_id lb01"), c => c.Globals.RouterId == "lb01");
        Add("2.1", "vrrp_priority", G("vrrp_priority -5"), c => c.Globals.VrrpPriority == -5);
        Add("2.1", "notification_email", G("notification_email {\n a@x.org\n b@x.org\n}"), c => c.Globals.NotificationEmails.SequenceEqual(new[] { "a@x.org", "b@x.org" }));
        Add("2.1", "notification_email_from", G("notification_email_from k@x.org"), c => c.Globals.NotificationEmailFrom == "k@x.org");
        Add("2.1", "smtp_server", G("smtp_server 192.0.2.1 2525"), c => c.Globals.SmtpServer == new SmtpServerConfig("192.0.2.1", 2525));
        Add("2.1", "smtp_connect_timeout", G("smtp_connect_timeout 17"), c => c.Globals.SmtpConnectTimeout == TimeSpan.FromSeconds(17));
        Add("2.1", "smtp_alert", G("smtp_alert false"), c => c.Globals.SmtpAlert == false);
        Add("2.1", "script_user", G("script_user nobody nogroup"), c => c.Globals.ScriptUser == "nobody" && c.Globals.ScriptGroup == "nogroup");
        Add("2.1", "enable_script_security", G("enable_script_security"), c => c.Globals.EnableScriptSecurity);
        Add("2.1", "notify_fifo", G("notify_fifo /run/ka.fifo root"), c => c.Globals.NotifyFifo == new FifoConfig("/run/ka.fifo", "root", null));
        Add("2.1", "vrrp_notify_fifo", G("vrrp_notify_fifo /run/v.fifo"), c => c.Globals.VrrpNotifyFifo!.Path == "/run/v.fifo");
        Add("2.1", "vrrp_notify_fifo_script", G("vrrp_notify_fifo_script \"/usr/bin/reader -v\" nobody"),
            c => c.Globals.VrrpNotifyFifoScript!.Command == "/usr/bin/reader -v" && c.Globals.VrrpNotifyFifoScript.User == "nobody");
        Add("2.1", "vrrp_strict", G("vrrp_strict"), c => c.Globals.VrrpStrict);
        Add("2.1", "nftables", G("nftables ka_vips"), c => c.Globals.NftablesTable == "ka_vips");
        Add("2.1", "nftables_priority", G("nftables_priority -5"), c => c.Globals.NftablesPriority == -5);
        Add("2.1", "vrrp_skip_check_adv_addr", G("vrrp_skip_check_adv_addr"), c => c.Globals.SkipCheckAdvAddr);
        Add("2.1", "vrrp_check_unicast_src", G("vrrp_check_unicast_src"), c => c.Globals.CheckUnicastSrc);
        Add("2.1", "vrrp_garp_master_delay", G("vrrp_garp_master_delay 9"), c => c.Globals.GarpMasterDelay == TimeSpan.FromSeconds(9));
        Add("2.1", "vrrp_garp_master_repeat", G("vrrp_garp_master_repeat 3"), c => c.Globals.GarpMasterRepeat == 3);
        Add("2.1", "vrrp_garp_master_refresh", G("vrrp_garp_master_refresh 60"), c => c.Globals.GarpMasterRefresh == TimeSpan.FromSeconds(60));
        Add("2.1", "vrrp_garp_interval", G("vrrp_garp_interval 0.001"), c => c.Globals.GarpInterval == TimeSpan.FromMilliseconds(1));
        Add("2.1", "vrrp_gna_interval", G("vrrp_gna_interval 0.000001"), c => c.Globals.GnaInterval == TimeSpan.FromTicks(10));
        Add("2.1", "dynamic_interfaces", G("dynamic_interfaces allow_if_changes"), c => c.Globals.DynamicInterfaces && c.Globals.DynamicInterfacesAllowChanges);
        Add("2.1", "lvs_sync_daemon", G("lvs_sync_daemon eth0 VI_1 id 7 port 8849 ttl 2 group 224.0.0.99"),
            c => c.Globals.LvsSyncDaemon == new LvsSyncDaemonConfig("eth0", "VI_1", 7, null, 8849, 2, IPAddress.Parse("224.0.0.99")));
        Add("2.1", "enable_snmp_vrrp", G("enable_snmp_vrrp"), c => c.Globals.EnableSnmpVrrp);
        Add("2.1", "enable_snmp_checker", G("enable_snmp_checker"), c => c.Globals.EnableSnmpChecker);
        Add("2.1", "enable_snmp_rfc", G("enable_snmp_rfc"), c => c.Globals.EnableSnmpRfc);
        Add("2.1", "enable_snmp_rfcv2", G("enable_snmp_rfcv2"), c => c.Globals.EnableSnmpRfcV2);
        Add("2.1", "enable_snmp_rfcv3", G("enable_snmp_rfcv3"), c => c.Globals.EnableSnmpRfcV3);
        Add("2.1", "enable_traps", G("enable_traps"), c => c.Globals.EnableTraps);
    }

    private static void AddTrackers()
    {
        Add("2.4", "file", "track_file TF {\n file /run/tf\n}\n", c => c.TrackFiles.Single().File == "/run/tf");
        Add("2.4", "weight", "track_file TF {\n file /run/tf\n weight -20 reverse\n}\n", c => c.TrackFiles.Single() is { Weight: -20, WeightReverse: true });
        Add("2.5", "process", "vrrp_track_process P {\n process nginx -g daemon\n}\n",
            c => c.TrackProcesses.Single() is { Process: "nginx" } p && p.Arguments.SequenceEqual(new[] { "-g", "daemon" }));
        Add("2.5", "weight", "vrrp_track_process P {\n process nginx\n weight 30\n}\n", c => c.TrackProcesses.Single().Weight == 30);
        Add("2.5", "quorum", "vrrp_track_process P {\n process nginx\n quorum 2\n}\n", c => c.TrackProcesses.Single().Quorum == 2);
        Add("2.6", "script", "vrrp_script S {\n script \"/bin/check --fast\"\n}\n", c => c.VrrpScripts.Single().Script!.Command == "/bin/check --fast");
        Add("2.6", "interval", "vrrp_script S {\n script /bin/c\n interval 3\n}\n", c => c.VrrpScripts.Single().Interval == TimeSpan.FromSeconds(3));
        Add("2.6", "timeout", "vrrp_script S {\n script /bin/c\n timeout 2\n}\n", c => c.VrrpScripts.Single().Timeout == TimeSpan.FromSeconds(2));
        Add("2.6", "weight", "vrrp_script S {\n script /bin/c\n weight -10 reverse\n}\n", c => c.VrrpScripts.Single() is { Weight: -10, WeightReverse: true });
        Add("2.6", "rise", "vrrp_script S {\n script /bin/c\n rise 4\n}\n", c => c.VrrpScripts.Single().Rise == 4);
        Add("2.6", "fall", "vrrp_script S {\n script /bin/c\n fall 5\n}\n", c => c.VrrpScripts.Single().Fall == 5);
        Add("2.6", "user", "vrrp_script S {\n script /bin/c\n user nobody nogroup\n}\n", c => c.VrrpScripts.Single() is { User: "nobody", Group: "nogroup" });
        Add("2.8", "group", V("", "A") + V("", "B").Replace("51", "52") + "vrrp_sync_group G {\n group {\n A B\n }\n}\n",
            c => c.SyncGroups.Single().Members.SequenceEqual(new[] { "A", "B" }));
        Add("2.8", "track_interface", "vrrp_sync_group G {\n group { A }\n track_interface {\n eth1 weight 10\n }\n}\n",
            c => c.SyncGroups.Single().TrackInterfaces.Single() is { Name: "eth1", Weight: 10 });
        Add("2.8", "notify", "vrrp_sync_group G {\n group { A }\n notify /bin/n root\n}\n", c => c.SyncGroups.Single().Notify is { Command: "/bin/n", User: "root" });
    }

    private static void AddInstance()
    {
        Add("2.10", "interface", V(""), c => I(c).Interface == "eth0");
        Add("2.10", "virtual_router_id", V(""), c => I(c).Vrid == 51);
        Add("2.10", "priority", V("priority 150"), c => I(c).Priority == 150);
        Add("2.10", "advert_int", V("advert_int 3"), c => I(c).AdvertInterval == TimeSpan.FromSeconds(3));
        Add("2.10", "mcast_src_ip", V("mcast_src_ip 10.0.0.9"), c => I(c).SourceAddress!.Equals(IPAddress.Parse("10.0.0.9")));
        Add("2.10", "unicast_src_ip", V("unicast_src_ip 10.0.0.9\n unicast_peer {\n 10.0.0.8\n }"), c => I(c).SourceAddress!.Equals(IPAddress.Parse("10.0.0.9")) && I(c).IsUnicast);
        Add("2.10", "unicast_peer", V("unicast_peer {\n 10.0.0.8 min_ttl 250 max_ttl 255\n 10.0.0.7\n }"),
            c => I(c).UnicastPeers.Count == 2 && I(c).UnicastPeers[0] is { MinTtl: 250, MaxTtl: 255 });
        Add("2.10", "check_unicast_src", V("check_unicast_src"), c => I(c).CheckUnicastSrc);
        Add("2.10", "use_vmac", V("use_vmac vrrp51"), c => I(c).UseVmac == new VmacConfig("vrrp51", null));
        Add("2.10", "vmac_xmit_base", V("use_vmac\n vmac_xmit_base"), c => I(c).VmacXmitBase);
        Add("2.10", "dont_track_primary", V("dont_track_primary"), c => I(c).DontTrackPrimary);
        Add("2.10", "nopreempt", V("nopreempt"), c => I(c).Nopreempt);
        Add("2.10", "preempt_delay", V("preempt_delay 1.5"), c => I(c).PreemptDelay == TimeSpan.FromSeconds(1.5));
        Add("2.10", "accept", V("accept"), c => I(c).Accept == true);
        Add("2.10", "no_accept", V("no_accept"), c => I(c).Accept == false);
        Add("2.10", "virtual_ipaddress", V(""), c => I(c).VirtualIpAddresses.Single() is { PrefixLength: 24 } a && a.Address.Equals(IPAddress.Parse("10.0.0.1")));
        Add("2.10", "virtual_ipaddress_excluded", V("virtual_ipaddress_excluded {\n 2001:db8::1/64\n }"),
            c => I(c).ExcludedIpAddresses.Single().Address.Equals(IPAddress.Parse("2001:db8::1")));
        Add("2.10", "virtual_routes", V("virtual_routes {\n 192.168.0.0/16 via 10.0.0.254 dev eth0 table 100\n }"),
            c => I(c).VirtualRoutes.Single() is { DestinationPrefix: 16, Device: "eth0", Table: "100" } r && r.Via!.Equals(IPAddress.Parse("10.0.0.254")));
        Add("2.10", "virtual_rules", V("virtual_rules {\n from 10.0.0.0/24 table 100 priority 10\n }"),
            c => I(c).VirtualRules.Single() is { FromPrefix: 24, Table: "100", Preference: 10 });
        Add("2.10", "track_interface", V("track_interface {\n eth1 weight -20\n eth2\n }"),
            c => I(c).TrackInterfaces.Count == 2 && I(c).TrackInterfaces[0].Weight == -20 && I(c).TrackInterfaces[1].Weight is null);
        Add("2.10", "notify", V("notify \"/bin/notify arg\""), c => I(c).Notify!.Command == "/bin/notify arg");
        Add("2.10", "smtp_alert", V("smtp_alert"), c => I(c).SmtpAlert == true);
    }
}

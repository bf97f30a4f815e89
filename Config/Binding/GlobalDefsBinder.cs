using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>Binds <c>global_defs { }</c> (keepalived-reference.md §2.1, global_parser.c).</summary>
public static class GlobalDefsBinder
{
    private const long MaxSeconds = uint.MaxValue / 1_000_000L;

    /// <summary>The draft of global_defs while its block is read.</summary>
    public sealed class Draft
    {
        public GlobalDefs Value = new();
        public readonly List<RawSetting> Other = new();
        public readonly List<string> Emails = new();
    }

    public static KeywordTable<Draft> Table { get; } = BuildTable();

    public static GlobalDefs Bind(GlobalDefs current, SyntaxNode block, BindContext context)
    {
        var draft = new Draft { Value = current };
        draft.Emails.AddRange(current.NotificationEmails);
        draft.Other.AddRange(current.Other);
        Table.Bind(draft, block.Children, context, draft.Other);
        return draft.Value with
        {
            NotificationEmails = draft.Emails.ToValueList(),
            Other = draft.Other.ToValueList(),
            Origin = new Origin(block.Span),
        };
    }

    private static KeywordTable<Draft> BuildTable()
    {
        var t = new KeywordTable<Draft>();
        t.On("router_id", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a name") is { } v)
                d.Value = d.Value with { RouterId = v.Text };
        });
        t.On("notification_email", (d, n, c) =>
        {
            if (n.Values.IsEmpty)
                c.Report(BinderCodes.EmptyBlock.At(n.CloseSpan, n.Name, ": no address gets alerts"));
            foreach (var line in n.Values)
                foreach (var w in line)
                    d.Emails.Add(w.Text);
        });
        t.On("notification_email_from", (d, n, c) =>
        {
            if (c.Values.TryString(n, "an e-mail address", out var v))
                d.Value = d.Value with { NotificationEmailFrom = v };
        });
        t.On("smtp_server", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a host") is not { } host)
                return;
            int port = 25;
            if (n.Arguments.Length > 1)
            {
                // keepalived: "Invalid smtp server" for a port outside 1..65535; the whole line is then ignored.
                if (!c.Values.TryUInt(n.Name, n.Arguments[1], 1, 65535, out var p, "the smtp_server line is ignored"))
                    return;
                port = (int)p;
            }
            c.Values.NoMoreThan(n, 2, "a host and an optional port");
            d.Value = d.Value with { SmtpServer = new SmtpServerConfig(host.Text, port) };
        });
        t.On("smtp_helo_name", (d, n, c) =>
        {
            if (c.Values.TryString(n, "a name", out var v))
                d.Value = d.Value with { SmtpHeloName = v };
        });
        t.On("smtp_connect_timeout", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var s))
            {
                if (s == 0)
                    c.Report(BinderCodes.ValueReplaced.At(n.Arguments[0].Span, n.Name, "0 seconds", "1 second"));
                d.Value = d.Value with { SmtpConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, s)) };
            }
        });
        t.OnBool("smtp_alert", (d, b) => d.Value = d.Value with { SmtpAlert = b });
        t.OnBool("smtp_alert_vrrp", (d, b) => d.Value = d.Value with { SmtpAlertVrrp = b });
        t.OnBool("smtp_alert_checker", (d, b) => d.Value = d.Value with { SmtpAlertChecker = b });
        t.On("no_email_faults", (d, n, c) => d.Value = d.Value with { NoEmailFaults = true });
        t.OnBool("checker_log_all_failures", (d, b) => d.Value = d.Value with { CheckerLogAllFailures = b });
        t.On("script_user", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "a user name", out var user))
                return;
            c.Values.NoMoreThan(n, 2, "a user and an optional group");
            d.Value = d.Value with { ScriptUser = user, ScriptGroup = n.Arguments.Length > 1 ? n.Arguments[1].Text : null, ScriptUserOrigin = new Origin(n.Span) };
        });
        t.On("enable_script_security", (d, n, c) => d.Value = d.Value with { EnableScriptSecurity = true });
        t.On("startup_script", (d, n, c) => d.Value = d.Value with { StartupScript = c.Values.Script(n) ?? d.Value.StartupScript });
        t.On("shutdown_script", (d, n, c) => d.Value = d.Value with { ShutdownScript = c.Values.Script(n) ?? d.Value.ShutdownScript });
        t.On("startup_script_timeout", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, 1000, out var s))
                d.Value = d.Value with { StartupScriptTimeout = TimeSpan.FromSeconds(s) };
        });
        t.On("shutdown_script_timeout", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, 1000, out var s))
                d.Value = d.Value with { ShutdownScriptTimeout = TimeSpan.FromSeconds(s) };
        });
        t.On("notify_fifo", (d, n, c) => d.Value = d.Value with { NotifyFifo = Fifo(n, c) ?? d.Value.NotifyFifo });
        t.On("notify_fifo_script", (d, n, c) => d.Value = d.Value with { NotifyFifoScript = c.Values.Script(n) ?? d.Value.NotifyFifoScript });
        t.On("vrrp_notify_fifo", (d, n, c) => d.Value = d.Value with { VrrpNotifyFifo = Fifo(n, c) ?? d.Value.VrrpNotifyFifo });
        t.On("vrrp_notify_fifo_script", (d, n, c) => d.Value = d.Value with { VrrpNotifyFifoScript = c.Values.Script(n) ?? d.Value.VrrpNotifyFifoScript });
        t.On("lvs_notify_fifo", (d, n, c) => d.Value = d.Value with { LvsNotifyFifo = Fifo(n, c) ?? d.Value.LvsNotifyFifo });
        t.On("lvs_notify_fifo_script", (d, n, c) => d.Value = d.Value with { LvsNotifyFifoScript = c.Values.Script(n) ?? d.Value.LvsNotifyFifoScript });
        t.On("fifo_write_vrrp_states_on_reload", (d, n, c) => d.Value = d.Value with { FifoWriteVrrpStatesOnReload = true });
        t.OnBool("vrrp_notify_priority_changes", (d, b) => d.Value = d.Value with { VrrpNotifyPriorityChanges = b });
        t.OnBool("rs_init_notifies", (d, b) => d.Value = d.Value with { RsInitNotifies = b });

        t.On("vrrp_version", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 2, 3, out var v, "version 2 is used"))
                d.Value = d.Value with { VrrpVersion = (int)v };
        });
        t.On("vrrp_mcast_group4", (d, n, c) =>
        {
            if (c.Values.TryAddress(n, 0, out var a, "224.0.0.18 is used") )
            {
                if (a.AddressFamily != AddressFamily.InterNetwork || !IsMulticast(a))
                    c.Report(BinderCodes.InvalidAddress.At(n.Arguments[0].Span, n.Name, n.Arguments[0].Text, "IPv4 multicast address", "; 224.0.0.18 is used"));
                else
                    d.Value = d.Value with { McastGroup4 = a };
            }
        });
        t.On("vrrp_mcast_group6", (d, n, c) =>
        {
            if (c.Values.TryAddress(n, 0, out var a, "ff02::12 is used"))
            {
                if (a.AddressFamily != AddressFamily.InterNetworkV6 || !a.IsIPv6Multicast)
                    c.Report(BinderCodes.InvalidAddress.At(n.Arguments[0].Span, n.Name, n.Arguments[0].Text, "IPv6 multicast address", "; ff02::12 is used"));
                else
                    d.Value = d.Value with { McastGroup6 = a };
            }
        });
        t.On("vrrp_strict", (d, n, c) => d.Value = d.Value with { VrrpStrict = true });
        t.On("nftables", (d, n, c) => d.Value = d.Value with { NftablesTable = n.Arguments.Length > 0 ? n.Arguments[0].Text : "keepalived" });
        t.On("nftables_priority", (d, n, c) =>
        {
            if (c.Values.TryInt(n, 0, int.MinValue, int.MaxValue, out var p, "-1 is used"))
                d.Value = d.Value with { NftablesPriority = (int)p };
        });
        t.OnBool("vrrp_skip_check_adv_addr", (d, b) => d.Value = d.Value with { SkipCheckAdvAddr = b });
        t.On("vrrp_check_unicast_src", (d, n, c) => d.Value = d.Value with { CheckUnicastSrc = true });
        t.On("vrrp_garp_master_delay", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var s))
                d.Value = d.Value with { GarpMasterDelay = TimeSpan.FromSeconds(s) };
        });
        t.On("vrrp_garp_master_repeat", (d, n, c) => d.Value = d.Value with { GarpMasterRepeat = RepeatCount(n, c, d.Value.GarpMasterRepeat) });
        t.On("vrrp_garp_master_refresh", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var s))
                d.Value = d.Value with { GarpMasterRefresh = TimeSpan.FromSeconds(s) };
        });
        t.On("vrrp_garp_master_refresh_repeat", (d, n, c) => d.Value = d.Value with { GarpMasterRefreshRepeat = RepeatCount(n, c, d.Value.GarpMasterRefreshRepeat) });
        t.On("vrrp_garp_lower_prio_delay", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var s))
                d.Value = d.Value with { GarpLowerPrioDelay = TimeSpan.FromSeconds(s) };
        });
        t.On("vrrp_garp_lower_prio_repeat", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, int.MaxValue, out var r))
                d.Value = d.Value with { GarpLowerPrioRepeat = (int)r };
        });
        t.On("vrrp_garp_interval", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 1, MaxSeconds * 1_000_000, out var v, "no pacing (0) is used"))
                d.Value = d.Value with { GarpInterval = v };
        });
        t.On("vrrp_gna_interval", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 1, MaxSeconds * 1_000_000, out var v, "no pacing (0) is used"))
                d.Value = d.Value with { GnaInterval = v };
        });
        t.OnBool("vrrp_min_garp", (d, b) => d.Value = d.Value with { MinGarp = b });
        t.On("vrrp_down_timer_adverts", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, 100, out var v, "3 is used"))
                d.Value = d.Value with { DownTimerAdverts = (int)v };
        });
        t.OnBool("vrrp_lower_prio_no_advert", (d, b) => d.Value = d.Value with { LowerPrioNoAdvert = b });
        t.OnBool("vrrp_higher_prio_send_advert", (d, b) => d.Value = d.Value with { HigherPrioSendAdvert = b });
        t.On("vrrp_startup_delay", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 1000, MaxSeconds * 1_000_000, out var v, "no delay is used"))
                d.Value = d.Value with { StartupDelay = v };
        });
        t.On("log_unknown_vrids", (d, n, c) => d.Value = d.Value with { LogUnknownVrids = true });
        t.On("vmac_prefix", (d, n, c) =>
        {
            if (c.Values.TryString(n, "a prefix", out var v))
                d.Value = d.Value with { VmacPrefix = v };
        });
        t.On("vmac_addr_prefix", (d, n, c) =>
        {
            if (c.Values.TryString(n, "a prefix", out var v))
                d.Value = d.Value with { VmacAddrPrefix = v };
        });
        t.On("dynamic_interfaces", (d, n, c) =>
        {
            bool allow = false;
            if (n.Arguments.Length > 0)
            {
                if (n.Arguments[0].Text == "allow_if_changes")
                    allow = true;
                else
                    c.Report(BinderCodes.UnknownOption.At(n.Arguments[0].Span, n.Name, n.Arguments[0].Text, " (only allow_if_changes)"));
            }
            d.Value = d.Value with { DynamicInterfaces = true, DynamicInterfacesAllowChanges = allow };
        });
        t.On("default_interface", (d, n, c) =>
        {
            if (c.Values.TryString(n, "an interface name", out var v))
                d.Value = d.Value with { DefaultInterface = v };
        });
        t.On("vrrp_priority", (d, n, c) =>
        {
            if (c.Values.TryInt(n, 0, -20, 19, out var v))
                d.Value = d.Value with { VrrpPriority = (int)v };
        });
        t.On("vrrp_rt_priority", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, 99, out var v))
                d.Value = d.Value with { VrrpRtPriority = (int)v };
        });

        t.On("lvs_sync_daemon", (d, n, c) => d.Value = d.Value with { LvsSyncDaemon = SyncDaemon(n, c) ?? d.Value.LvsSyncDaemon });
        t.On("lvs_timeouts", (d, n, c) => d.Value = d.Value with { LvsTimeouts = Timeouts(n, c) ?? d.Value.LvsTimeouts });
        t.On("lvs_flush", (d, n, c) => d.Value = d.Value with { LvsFlush = true });
        t.On("lvs_flush_on_stop", (d, n, c) => d.Value = d.Value with { LvsFlushOnStop = true });

        t.On("enable_snmp_vrrp", (d, n, c) => d.Value = d.Value with { EnableSnmpVrrp = SnmpFlag(n, c) });
        t.On("enable_snmp_checker", (d, n, c) => d.Value = d.Value with { EnableSnmpChecker = SnmpFlag(n, c) });
        t.On("enable_snmp_rfc", (d, n, c) => d.Value = d.Value with { EnableSnmpRfc = SnmpFlag(n, c) });
        t.On("enable_snmp_rfcv2", (d, n, c) => d.Value = d.Value with { EnableSnmpRfcV2 = SnmpFlag(n, c) });
        t.On("enable_snmp_rfcv3", (d, n, c) => d.Value = d.Value with { EnableSnmpRfcV3 = SnmpFlag(n, c) });
        t.On("enable_traps", (d, n, c) => d.Value = d.Value with { EnableTraps = SnmpFlag(n, c) });
        return t;
    }

    /// <summary>SNMP is bound (so the model says what was asked) and reported as not supported: this product has no
    /// AgentX sub-agent.</summary>
    private static bool SnmpFlag(SyntaxNode n, BindContext c)
    {
        c.Report(Diagnostics.DiagnosticCodes.NotSupportedYet.At(n.KeywordToken.Span, n.Name));
        return true;
    }

    private static bool IsMulticast(IPAddress a)
    {
        var b = a.GetAddressBytes();
        return b[0] >= 224 && b[0] <= 239;
    }

    private static int RepeatCount(SyntaxNode n, BindContext c, int current)
    {
        if (!c.Values.TryUInt(n, 0, 0, int.MaxValue, out var r))
            return current;
        if (r == 0)
        {
            c.Report(BinderCodes.ValueReplaced.At(n.Arguments[0].Span, n.Name, "a repeat of 0", "1"));
            return 1;
        }
        return (int)r;
    }

    private static FifoConfig? Fifo(SyntaxNode n, BindContext c)
    {
        if (c.Values.Arg(n, 0, "a FIFO path") is not { } path)
            return null;
        c.Values.NoMoreThan(n, 3, "a path, and optionally a user and a group");
        return new FifoConfig(path.Text, n.Arguments.Length > 1 ? n.Arguments[1].Text : null, n.Arguments.Length > 2 ? n.Arguments[2].Text : null);
    }

    private static LvsSyncDaemonConfig? SyncDaemon(SyntaxNode n, BindContext c)
    {
        if (c.Values.Arg(n, 0, "an interface") is not { } ifName)
            return null;
        string? instance = null;
        int? id = null, maxlen = null, ttl = null;
        int port = 8848;
        IPAddress? group = null;
        var a = n.Arguments;
        int i = 1;
        // Legacy form: IF [VI [SYNCID]].
        if (i < a.Length && a[i].Text is not ("inst" or "id" or "maxlen" or "port" or "ttl" or "group"))
        {
            instance = a[i++].Text;
            if (i < a.Length && !a[i].Text.AsSpan().ContainsAnyExceptInRange('0', '9') && c.Values.TryUInt(n.Name, a[i], 0, 255, out var legacyId))
            {
                id = (int)legacyId;
                i++;
            }
        }
        for (; i < a.Length; i++)
        {
            var w = a[i];
            if (i + 1 >= a.Length)
            {
                c.Report(BinderCodes.MissingParameter.At(w.Span, n.Name, $"a value after '{w.Text}'"));
                break;
            }
            var v = a[++i];
            switch (w.Text)
            {
                case "inst":
                    instance = v.Text;
                    break;
                case "id":
                    if (c.Values.TryUInt(n.Name, v, 0, 255, out var idv)) id = (int)idv;
                    break;
                case "maxlen":
                    if (c.Values.TryUInt(n.Name, v, 1, 65507, out var ml)) maxlen = (int)ml;
                    break;
                case "port":
                    if (c.Values.TryPort(n.Name, v, out var pt)) port = pt;
                    break;
                case "ttl":
                    if (c.Values.TryUInt(n.Name, v, 1, 255, out var tt)) ttl = (int)tt;
                    break;
                case "group":
                    if (c.Values.TryAddress(n.Name, v, out var g)) group = g;
                    break;
                default:
                    c.Report(BinderCodes.UnknownOption.At(w.Span, n.Name, w.Text, string.Empty));
                    i--;
                    break;
            }
        }
        return new LvsSyncDaemonConfig(ifName.Text, instance, id, maxlen, port, ttl, group);
    }

    private static LvsTimeoutsConfig? Timeouts(SyntaxNode n, BindContext c)
    {
        int? tcp = null, tcpfin = null, udp = null;
        var a = n.Arguments;
        if (a.Length == 0)
        {
            c.Report(BinderCodes.MissingParameter.At(n.KeywordToken.Span, n.Name, "tcp, tcpfin or udp with a time"));
            return null;
        }
        for (int i = 0; i < a.Length; i++)
        {
            var w = a[i];
            if (w.Text is not ("tcp" or "tcpfin" or "udp"))
            {
                c.Report(BinderCodes.UnknownOption.At(w.Span, n.Name, w.Text, " (tcp, tcpfin or udp)"));
                continue;
            }
            if (i + 1 >= a.Length)
            {
                c.Report(BinderCodes.MissingParameter.At(w.Span, n.Name, $"a time after '{w.Text}'"));
                break;
            }
            if (!c.Values.TryUInt(n.Name, a[++i], 0, 2678400, out var s))
                continue;
            switch (w.Text)
            {
                case "tcp": tcp = (int)s; break;
                case "tcpfin": tcpfin = (int)s; break;
                default: udp = (int)s; break;
            }
        }
        return new LvsTimeoutsConfig(tcp, tcpfin, udp);
    }
}

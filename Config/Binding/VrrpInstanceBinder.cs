using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>Binds <c>vrrp_instance NAME { }</c> (keepalived-reference.md §2.10, vrrp_parser.c), then completes it
/// with keepalived's defaults and substitutions (vrrp.c vrrp_complete_instance), reporting each one.</summary>
public static class VrrpInstanceBinder
{
    private const long MaxSeconds = uint.MaxValue / 1_000_000L;

    public sealed class Draft
    {
        public required VrrpInstanceConfig Value;
        public readonly List<RawSetting> Other = new();
        public readonly List<IpAddressEntry> Vips = new();
        public readonly List<IpAddressEntry> Evips = new();
        public readonly List<RouteEntry> Routes = new();
        public readonly List<RuleEntry> Rules = new();
        public readonly List<UnicastPeer> Peers = new();
        public SyntaxNode? AdvertNode;
        public SyntaxNode? AuthNode;
        public SyntaxNode? StateNode;
        public SyntaxNode? PreemptDelayNode;
        public bool UnicastSrcGiven;
        public bool VersionGiven;
        public bool PriorityGiven;
        public bool StateGiven;
        public int? GarpLowerPrioRepeat;
        public TimeSpan? GarpLowerPrioDelay;
        public bool GarpMasterDelaySet, GarpMasterRepeatSet, GarpMasterRefreshSet, GarpMasterRefreshRepeatSet;
        public bool DownTimerSet, LowerPrioSet, HigherPrioSet, SkipCheckSet, StrictSet, CheckUnicastSet;
        public string? AuthType;
        public string? AuthPass;
        public SyntaxNode? AuthPassNode;
    }

    public static KeywordTable<Draft> Table { get; } = BuildTable();

    public static KeywordTable<Draft> AuthTable { get; } = new KeywordTable<Draft>()
        .On("auth_type", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "PASS or AH", out var v))
                return;
            if (v is "PASS" or "AH")
                d.AuthType = v;
            else
                c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, n.Name, v, "PASS or AH", "; no authentication"));
        })
        .On("auth_pass", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "a password", out var v))
                return;
            d.AuthPass = v;
            d.AuthPassNode = n;
        });

    public static VrrpInstanceConfig? Bind(SyntaxNode block, GlobalDefs globals, BindContext context)
    {
        var name = context.BlockName(block);
        if (name is null)
            return null;
        if (block.Arguments.Length > 1)
            context.Report(BinderCodes.ExtraArguments.At(block.Arguments[1].Span, block.Name, "one name", block.Arguments[1].Text));
        var draft = new Draft
        {
            Value = new VrrpInstanceConfig
            {
                Name = name,
                Version = globals.VrrpVersion,
                Origin = new Origin(block.Span),
            },
        };
        Table.Bind(draft, block.Children, context, draft.Other);
        return VrrpInstanceCompleter.Complete(draft, block, globals, context);
    }

    private static KeywordTable<Draft> BuildTable()
    {
        var t = new KeywordTable<Draft>();
        t.On("interface", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "an interface name", out var v))
                return;
            c.Values.NoMoreThan(n, 1, "one interface name");
            if (v.Length > AddressLineBinder.InterfaceNameMax)
            {
                c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, n.Name, v, $"interface names are at most {AddressLineBinder.InterfaceNameMax} characters", "; ignored"));
                return;
            }
            d.Value = d.Value with { Interface = v, InterfaceOrigin = new Origin(n.Span) };
        });
        t.On("virtual_router_id", (d, n, c) =>
        {
            c.Values.NoMoreThan(n, 1, "one VRID");
            if (c.Values.TryUInt(n, 0, 1, 255, out var v, "the instance has no valid VRID"))
                d.Value = d.Value with { Vrid = (int)v };
        });
        t.On("priority", (d, n, c) =>
        {
            c.Values.NoMoreThan(n, 1, "one priority");
            if (c.Values.Arg(n, 0, "a priority 1..255") is not { } tok)
                return;
            if (tok.Text == "0")
            {
                c.Report(BinderCodes.ValueReplaced.At(tok.Span, n.Name, "priority 0 is reserved for a master resigning (RFC 3768 5.3.4)", "100"));
                d.Value = d.Value with { Priority = 100 };
                d.PriorityGiven = true;
                return;
            }
            d.Value = d.Value with { Priority = c.Values.TryUInt(n.Name, tok, 1, 255, out var v, "priority 100 is used") ? (int)v : 100 };
            d.PriorityGiven = true;
        });
        t.On("state", (d, n, c) =>
        {
            if (!c.Values.TryString(n, "MASTER or BACKUP", out var v))
                return;
            d.StateNode = n;
            d.StateGiven = true;
            switch (v)
            {
                case "MASTER":
                    d.Value = d.Value with { State = InitialState.Master };
                    break;
                case "BACKUP":
                    d.Value = d.Value with { State = InitialState.Backup };
                    break;
                default:
                    c.Report(BinderCodes.ValueReplaced.At(n.Arguments[0].Span, n.Name, $"unknown state '{v}'", "BACKUP"));
                    d.Value = d.Value with { State = InitialState.Backup };
                    break;
            }
        });
        t.On("advert_int", (d, n, c) =>
        {
            c.Values.NoMoreThan(n, 1, "one interval");
            if (c.Values.TryTimer(n, 0, 10_000, 255_000_000, out var v, "1 second is used"))
            {
                d.Value = d.Value with { AdvertInterval = v };
                d.AdvertNode = n;
            }
        });
        t.On("version", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 2, 3, out var v, "the global vrrp_version is used"))
            {
                d.Value = d.Value with { Version = (int)v };
                d.VersionGiven = true;
            }
        });
        t.On("native_ipv6", (d, n, c) => d.Value = d.Value with { Family = AddressFamily.InterNetworkV6 });
        t.On("mcast_src_ip", (d, n, c) => SourceAddress(d, n, c, unicast: false));
        t.On("unicast_src_ip", (d, n, c) => SourceAddress(d, n, c, unicast: true));
        t.On("mcast_dst_ip", (d, n, c) =>
        {
            if (!c.Values.TryAddress(n, 0, out var a, "the global multicast group is used"))
                return;
            bool ok = a.AddressFamily == AddressFamily.InterNetwork ? a.GetAddressBytes()[0] is >= 224 and <= 239 : a.IsIPv6Multicast;
            if (!ok)
                c.Report(BinderCodes.InvalidAddress.At(n.Arguments[0].Span, n.Name, n.Arguments[0].Text, "multicast address", "; the global multicast group is used"));
            else
                d.Value = d.Value with { McastDestination = a };
        });
        t.On("track_src_ip", (d, n, c) => d.Value = d.Value with { TrackSourceAddress = true });
        t.On("unicast_peer", (d, n, c) =>
        {
            foreach (var line in n.Values)
                if (UnicastPeerLine(n.Name, line, c) is { } peer)
                {
                    if (d.Peers.Any(p => p.Address.Equals(peer.Address)))
                        c.Report(BinderCodes.DuplicateName.At(line[0].Span, "unicast peer", peer.Address.ToString(), d.Peers.First(p => p.Address.Equals(peer.Address)).Origin, "the second is ignored"));
                    else
                        d.Peers.Add(peer);
                }
        });
        t.On("unicast_ttl", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, 255, out var v))
                d.Value = d.Value with { UnicastTtl = (int)v };
        });
        t.On("check_unicast_src", (d, n, c) =>
        {
            d.CheckUnicastSet = true;
            d.Value = d.Value with { CheckUnicastSrc = true };
        });
        t.On("unicast_fault_no_peer", (d, n, c) => d.Value = d.Value with { UnicastFaultNoPeer = true });
        t.On("old_unicast_checksum", (d, n, c) =>
        {
            string mode = "old";
            if (n.Arguments.Length > 0)
            {
                if (n.Arguments[0].Text == "never")
                    mode = "never";
                else
                    c.Report(BinderCodes.UnknownOption.At(n.Arguments[0].Span, n.Name, n.Arguments[0].Text, " (only 'never')"));
            }
            d.Value = d.Value with { OldUnicastChecksum = mode };
        });
        t.On("use_vmac", (d, n, c) =>
        {
            string? ifName = null, mac = null;
            foreach (var a in n.Arguments.Take(2))
            {
                if (IsMac(a.Text))
                    mac = a.Text;
                else if (a.Text.Length > AddressLineBinder.InterfaceNameMax)
                    c.Report(BinderCodes.InvalidValue.At(a.Span, n.Name, a.Text, $"interface names are at most {AddressLineBinder.InterfaceNameMax} characters", "; the default name is used"));
                else
                    ifName = a.Text;
            }
            c.Values.NoMoreThan(n, 2, "an optional interface name and MAC");
            d.Value = d.Value with { UseVmac = new VmacConfig(ifName, mac) };
        });
        t.On("use_vmac_addr", (d, n, c) => d.Value = d.Value with { UseVmacAddr = true });
        t.On("vmac_xmit_base", (d, n, c) => d.Value = d.Value with { VmacXmitBase = true });
        t.On("dont_track_primary", (d, n, c) => d.Value = d.Value with { DontTrackPrimary = true });
        t.On("nopreempt", (d, n, c) => d.Value = d.Value with { Nopreempt = true });
        t.On("preempt", (d, n, c) => d.Value = d.Value with { Nopreempt = false });
        t.On("preempt_delay", (d, n, c) =>
        {
            if (c.Values.TryTimer(n, 0, 0, 1000_000_000, out var v, "no preempt delay (0) is used"))
            {
                d.Value = d.Value with { PreemptDelay = v };
                d.PreemptDelayNode = n;
            }
        });
        t.On("down_timer_adverts", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 1, 100, out var v, "the global value is used"))
            {
                d.Value = d.Value with { DownTimerAdverts = (int)v };
                d.DownTimerSet = true;
            }
        });
        t.On("lower_prio_no_advert", (d, n, c) =>
        {
            if (c.Values.TryOptionalBool(n, out var b)) { d.Value = d.Value with { LowerPrioNoAdvert = b }; d.LowerPrioSet = true; }
        });
        t.On("higher_prio_send_advert", (d, n, c) =>
        {
            if (c.Values.TryOptionalBool(n, out var b)) { d.Value = d.Value with { HigherPrioSendAdvert = b }; d.HigherPrioSet = true; }
        });
        t.On("skip_check_adv_addr", (d, n, c) =>
        {
            if (c.Values.TryOptionalBool(n, out var b)) { d.Value = d.Value with { SkipCheckAdvAddr = b }; d.SkipCheckSet = true; }
        });
        t.On("strict_mode", (d, n, c) =>
        {
            if (c.Values.TryOptionalBool(n, out var b)) { d.Value = d.Value with { StrictMode = b }; d.StrictSet = true; }
        });
        t.On("accept", (d, n, c) => d.Value = d.Value with { Accept = true });
        t.On("no_accept", (d, n, c) => d.Value = d.Value with { Accept = false });
        t.On("authentication", (d, n, c) =>
        {
            d.AuthNode = n;
            AuthTable.Bind(d, n.Children, c, d.Other);
        });
        t.On("virtual_ipaddress", (d, n, c) => AddAddresses(d.Vips, n, c));
        t.On("virtual_ipaddress_excluded", (d, n, c) => AddAddresses(d.Evips, n, c));
        t.On("virtual_routes", (d, n, c) =>
        {
            foreach (var line in n.Values)
                if (RouteRuleBinder.BindRoute(n.Name, line, isStatic: false, c) is { } r)
                    d.Routes.Add(r);
        });
        t.On("virtual_rules", (d, n, c) =>
        {
            foreach (var line in n.Values)
                if (RouteRuleBinder.BindRule(n.Name, line, isStatic: false, c) is { } r)
                    d.Rules.Add(r);
        });
        t.On("promote_secondaries", (d, n, c) => d.Value = d.Value with { PromoteSecondaries = true });
        t.On("track_interface", (d, n, c) => d.Value = d.Value with { TrackInterfaces = TrackingBinder.Bind(n, c, d.Value.TrackInterfaces) });
        t.On("track_script", (d, n, c) => d.Value = d.Value with { TrackScripts = TrackingBinder.Bind(n, c, d.Value.TrackScripts) });
        t.On("track_file", (d, n, c) => d.Value = d.Value with { TrackFiles = TrackingBinder.Bind(n, c, d.Value.TrackFiles) });
        t.On("track_process", (d, n, c) => d.Value = d.Value with { TrackProcesses = TrackingBinder.Bind(n, c, d.Value.TrackProcesses) });
        t.On("notify_master", (d, n, c) => d.Value = d.Value with { NotifyMaster = c.Values.Script(n) ?? d.Value.NotifyMaster });
        t.On("notify_backup", (d, n, c) => d.Value = d.Value with { NotifyBackup = c.Values.Script(n) ?? d.Value.NotifyBackup });
        t.On("notify_fault", (d, n, c) => d.Value = d.Value with { NotifyFault = c.Values.Script(n) ?? d.Value.NotifyFault });
        t.On("notify_stop", (d, n, c) => d.Value = d.Value with { NotifyStop = c.Values.Script(n) ?? d.Value.NotifyStop });
        t.On("notify", (d, n, c) => d.Value = d.Value with { Notify = c.Values.Script(n) ?? d.Value.Notify });
        t.On("notify_deleted", (d, n, c) => d.Value = d.Value with
        {
            NotifyDeletedSet = true,
            NotifyDeleted = n.Arguments.Length > 0 ? c.Values.Script(n) : null,
        });
        t.On("notify_master_rx_lower_pri", (d, n, c) => d.Value = d.Value with { NotifyMasterRxLowerPri = c.Values.Script(n) ?? d.Value.NotifyMasterRxLowerPri });
        t.OnBool("notify_priority_changes", (d, b) => d.Value = d.Value with { NotifyPriorityChanges = b });
        t.OnBool("smtp_alert", (d, b) => d.Value = d.Value with { SmtpAlert = b });
        t.On("garp_master_delay", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var v)) { d.Value = d.Value with { GarpMasterDelay = TimeSpan.FromSeconds(v) }; d.GarpMasterDelaySet = true; }
        });
        t.On("garp_master_repeat", (d, n, c) =>
        {
            if (Repeat(n, c) is { } r) { d.Value = d.Value with { GarpMasterRepeat = r }; d.GarpMasterRepeatSet = true; }
        });
        t.On("garp_master_refresh", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var v)) { d.Value = d.Value with { GarpMasterRefresh = TimeSpan.FromSeconds(v) }; d.GarpMasterRefreshSet = true; }
        });
        t.On("garp_master_refresh_repeat", (d, n, c) =>
        {
            if (Repeat(n, c) is { } r) { d.Value = d.Value with { GarpMasterRefreshRepeat = r }; d.GarpMasterRefreshRepeatSet = true; }
        });
        t.On("garp_lower_prio_delay", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, MaxSeconds, out var v)) d.GarpLowerPrioDelay = TimeSpan.FromSeconds(v);
        });
        t.On("garp_lower_prio_repeat", (d, n, c) =>
        {
            if (c.Values.TryUInt(n, 0, 0, int.MaxValue, out var v)) d.GarpLowerPrioRepeat = (int)v;
        });
        return t;
    }

    private static int? Repeat(SyntaxNode n, BindContext c)
    {
        if (!c.Values.TryUInt(n, 0, 0, int.MaxValue, out var r))
            return null;
        if (r == 0)
        {
            c.Report(BinderCodes.ValueReplaced.At(n.Arguments[0].Span, n.Name, "a repeat of 0", "1"));
            return 1;
        }
        return (int)r;
    }

    private static bool IsMac(string text)
    {
        var parts = text.Split(':');
        return parts.Length is 5 or 6 && parts.All(p => p.Length is 1 or 2 && p.All(char.IsAsciiHexDigit));
    }

    private static void SourceAddress(Draft d, SyntaxNode n, BindContext c, bool unicast)
    {
        if (c.Values.Arg(n, 0, "an IP address") is not { } tok)
            return;
        if (!ValueReader.TryParseAddress(tok.Text, out var a))
        {
            // keepalived: "Configuration error: VRRP instance[x] malformed src address[y]. Skipping..."; the address
            // is ignored and the interface's primary address is used.
            c.Report(BinderCodes.InvalidAddress.At(tok.Span, n.Name, tok.Text, "IP address", "; ignored, the interface's primary address is used"));
            return;
        }
        d.Value = d.Value with { SourceAddress = a };
        if (unicast)
            d.UnicastSrcGiven = true;
    }

    private static UnicastPeer? UnicastPeerLine(string keyword, System.Collections.Immutable.ImmutableArray<Token> line, BindContext c)
    {
        if (!c.Values.TryAddress(keyword, line[0], out var address, "the peer is ignored"))
            return null;
        int? min = null, max = null;
        for (int i = 1; i < line.Length; i++)
        {
            var w = line[i];
            if (w.Text is "min_ttl" or "max_ttl")
            {
                if (i + 1 >= line.Length)
                {
                    c.Report(BinderCodes.MissingParameter.At(w.Span, keyword, $"a TTL after '{w.Text}'"));
                    break;
                }
                if (c.Values.TryUInt(keyword, line[++i], 0, 255, out var ttl))
                {
                    if (w.Text == "min_ttl") min = (int)ttl;
                    else max = (int)ttl;
                }
            }
            else
            {
                c.Report(BinderCodes.UnknownOption.At(w.Span, keyword, w.Text, $" for unicast peer {line[0].Text}"));
            }
        }
        if (min is { } lo && max is { } hi && lo > hi)
        {
            c.Report(BinderCodes.InvalidValue.At(line[0].Span, keyword, $"min_ttl {lo} max_ttl {hi}", "min_ttl is above max_ttl", "; the TTL check is dropped"));
            min = max = null;
        }
        return new UnicastPeer(address, min, max, new Origin(line[0].Span));
    }

    private static void AddAddresses(List<IpAddressEntry> list, SyntaxNode n, BindContext c)
    {
        foreach (var line in n.Values)
        {
            if (AddressLineBinder.Bind(n.Name, line, isStatic: false, c) is not { } entry)
                continue;
            if (list.FirstOrDefault(e => e.Address.Equals(entry.Address) && e.PrefixLength == entry.PrefixLength && e.Device == entry.Device) is { } dup)
            {
                c.Report(BinderCodes.DuplicateAddress.At(line[0].Span, "address", entry.ToString(), dup.Origin));
                continue;
            }
            list.Add(entry);
        }
    }
}

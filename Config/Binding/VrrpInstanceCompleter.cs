using System.Net.Sockets;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Validation;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Completes a vrrp_instance the way keepalived 2.2.7 does when its block ends (vrrp_parser.c vrrp_end_handler,
/// vrrp.c vrrp_complete_instance): family and version, derived priority/state, authentication rules, strict-mode
/// overrides, accept-mode default, interval rounding, preemption conflicts, VIPs beyond one advert's room. Every
/// value keepalived changes is reported with the value that will be used.
/// </summary>
public static class VrrpInstanceCompleter
{
    internal static VrrpInstanceConfig? Complete(VrrpInstanceBinder.Draft d, SyntaxNode block, GlobalDefs g, BindContext c)
    {
        var v = d.Value;
        var where = new Origin(block.Span).Span;
        string who = $"vrrp_instance {v.Name}";

        // Family: from the first VIP (others must match), else the source/destination address, else IPv4.
        AddressFamily? family = d.Vips.Count > 0 ? d.Vips[0].Address.AddressFamily
            : v.SourceAddress?.AddressFamily ?? v.McastDestination?.AddressFamily
            ?? (v.Family == AddressFamily.InterNetworkV6 ? AddressFamily.InterNetworkV6 : null);
        var fam = family ?? AddressFamily.InterNetwork;
        var vips = new List<IpAddressEntry>();
        foreach (var vip in d.Vips)
        {
            if (vip.Address.AddressFamily != fam)
                c.Report(BinderCodes.Ignored.At(vip.Origin.Span, "virtual_ipaddress", $"{vip.Address} is not of the instance's family ({FamilyName(fam)}): the address is skipped (use virtual_ipaddress_excluded for mixed families)"));
            else
                vips.Add(vip);
        }
        if (v.SourceAddress is { } src && src.AddressFamily != fam)
        {
            c.Report(BinderCodes.Ignored.At(where, d.UnicastSrcGiven ? "unicast_src_ip" : "mcast_src_ip", $"{src} must be of the instance's family ({FamilyName(fam)})"));
            v = v with { SourceAddress = null };
        }
        if (v.McastDestination is { } mdst && mdst.AddressFamily != fam)
        {
            c.Report(BinderCodes.Ignored.At(where, "mcast_dst_ip", $"{mdst} must be of the instance's family ({FamilyName(fam)})"));
            v = v with { McastDestination = null };
        }
        var peers = new List<UnicastPeer>();
        foreach (var peer in d.Peers)
        {
            if (peer.Address.AddressFamily != fam)
                c.Report(BinderCodes.Ignored.At(peer.Origin.Span, "unicast_peer", $"{peer.Address} is not of the instance's family ({FamilyName(fam)})"));
            else
                peers.Add(peer);
        }

        if (v.Vrid == 0)
            c.Report(BinderCodes.InstanceDropped.At(where, who, "the virtual router id must be set (virtual_router_id 1..255)"));

        bool strict = d.StrictSet ? v.StrictMode : g.VrrpStrict;
        int version = v.Version;
        if (fam == AddressFamily.InterNetworkV6)
        {
            if (version == 2 && strict)
            {
                c.Report(BinderCodes.ValueReplaced.At(where, who, "strict mode cannot use IPv6 with VRRP version 2", "version 3"));
                version = 3;
            }
            else if (!d.VersionGiven)
            {
                version = 3;
            }
        }

        if (vips.Count == 0)
        {
            if (version == 3 || strict)
            {
                // keepalived's VRRP process stops on this, but -t goes on checking: keep the instance so every other
                // problem is reported too (the error already refuses the configuration).
                c.Report(BinderCodes.InstanceDropped.At(where, who, $"no virtual_ipaddress, and {(strict ? "strict mode" : "VRRP version 3")} requires at least one"));
            }
            c.Report(ValidationDescriptors.NoVipSensible.At(where, v.Name));
        }

        // Priority from state, state from priority.
        int priority = d.PriorityGiven ? v.Priority : (d.StateGiven && v.State == InitialState.Master ? 255 : 100);
        var state = d.StateGiven ? v.State : (priority == 255 ? InitialState.Master : InitialState.Backup);
        if (d.StateGiven && strict && (state == InitialState.Master) != (priority == 255))
        {
            var derived = priority == 255 ? InitialState.Master : InitialState.Backup;
            c.Report(BinderCodes.ValueReplaced.At(d.StateNode?.Span ?? where, who, "in strict mode state MASTER must match being the address owner (priority 255)", $"state {derived.ToString().ToUpperInvariant()}"));
            state = derived;
        }

        // Authentication (v2 only).
        AuthenticationConfig? auth = null;
        if (d.AuthType is { } authType)
        {
            var authSpan = d.AuthNode?.Span ?? where;
            if (strict)
                c.Report(BinderCodes.Ignored.At(authSpan, "authentication", "is not supported in strict mode"));
            else if (version == 3)
                c.Report(BinderCodes.Ignored.At(authSpan, "authentication", "is not supported by VRRP version 3"));
            else if (string.IsNullOrEmpty(d.AuthPass))
                c.Report(BinderCodes.Ignored.At(authSpan, "authentication", "has no auth_pass"));
            else if (fam == AddressFamily.InterNetworkV6 && authType == "AH")
                c.Report(BinderCodes.Ignored.At(authSpan, "authentication", "AH cannot be used with IPv6"));
            else
            {
                var pass = d.AuthPass!;
                if (System.Text.Encoding.UTF8.GetByteCount(pass) > 8)
                {
                    var cut = TruncateUtf8(pass, 8);
                    c.Report(BinderCodes.Truncated.At(d.AuthPassNode!.Arguments[0].Span, "auth_pass", pass, 8, cut));
                    pass = cut;
                }
                auth = new AuthenticationConfig(authType == "AH" ? AuthType.Ah : AuthType.Pass, pass);
                if (auth.Type == AuthType.Ah && state == InitialState.Master && priority != 255)
                {
                    c.Report(BinderCodes.ValueReplaced.At(authSpan, who, "initial state MASTER is incompatible with AH authentication (the AH sequence number must be learnt first)", "state BACKUP"));
                    state = InitialState.Backup;
                }
            }
        }
        else if (d.AuthPass is not null)
        {
            c.Report(BinderCodes.NoEffect.At(d.AuthPassNode!.Span, "auth_pass", "is given without auth_type: no authentication (keepalived ignores it silently)"));
        }

        // Unicast.
        bool unicast = peers.Count > 0;
        if (v.Interface is null)
        {
            if (!d.UnicastSrcGiven || !unicast)
            {
                c.Report(BinderCodes.InstanceDropped.At(where, who, unicast
                    ? "a unicast instance needs unicast_src_ip or interface"
                    : "no interface (a multicast instance needs one)"));
            }
            if (v.SourceAddress is { IsIPv6LinkLocal: true })
            {
                c.Report(BinderCodes.InstanceDropped.At(where, who, "without an interface the source address must not be link-local"));
            }
        }
        // vrrp_end_handler's checks are reported, as keepalived reports them, at the block's closing brace.
        var end = block.CloseSpan;
        if (v.UnicastTtl is not null && !unicast)
            c.Report(BinderCodes.Ignored.At(end, "unicast_ttl", "cannot be used without unicast peers: reset"));
        if (!unicast && d.UnicastSrcGiven)
        {
            if (v.UnicastFaultNoPeer)
                c.Report(BinderCodes.Info.At(where, $"{who}: unicast keywords without unicast peers: the instance will stay in FAULT (unicast_fault_no_peer)"));
            else
                c.Report(ValidationDescriptors.UnicastWithoutPeers.At(where, v.Name));
        }
        if (v.UnicastTtl is not null && !unicast)
            v = v with { UnicastTtl = null };
        if (unicast && v.McastDestination is not null)
        {
            c.Report(BinderCodes.Ignored.At(where, "mcast_dst_ip", "is given for a unicast instance"));
            v = v with { McastDestination = null };
        }
        var vmac = v.UseVmac;
        bool xmitBase = v.VmacXmitBase;
        if (unicast && vmac is not null)
        {
            if (v.Interface is null)
            {
                c.Report(BinderCodes.Ignored.At(end, "use_vmac", "cannot be used with unicast and no interface"));
                vmac = null;
            }
            else if (!xmitBase)
            {
                c.Report(BinderCodes.ValueReplaced.At(end, who, "unicast with use_vmac requires vmac_xmit_base", "vmac_xmit_base"));
                xmitBase = true;
            }
        }
        if (strict && vmac?.Mac is not null)
        {
            c.Report(BinderCodes.Ignored.At(where, "use_vmac", "cannot set a MAC address in strict mode: the MAC is cleared"));
            vmac = vmac with { Mac = null };
        }
        if (xmitBase && vmac is null)
        {
            c.Report(BinderCodes.Ignored.At(where, "vmac_xmit_base", "is only valid with use_vmac"));
            xmitBase = false;
        }

        // Too many VIPs for one advert: the excess moves to excluded addresses, as keepalived does, at the interface's
        // MTU when this host's facts are known, else at keepalived's DEFAULT_MTU.
        int? hostMtu = v.Interface is { } ifName && c.InterfaceMtu?.Invoke(ifName) is { } m && m > 0 ? m : null;
        int maxAddresses = MaxAddresses(fam, version, auth is { Type: AuthType.Ah }, hostMtu ?? DefaultMtu);
        var evips = new List<IpAddressEntry>(d.Evips);
        if (vips.Count > maxAddresses)
        {
            c.Report(hostMtu is { } mtu
                ? Validation.ValidationDescriptors.TooManyVipsForMtu.At(where, v.Name, vips.Count, maxAddresses, v.Interface!, mtu)
                : BinderCodes.ValueReplaced.At(where, who, $"{vips.Count} VIPs exceed the {maxAddresses} one advert can carry at MTU {DefaultMtu}", $"the first {maxAddresses} as VIPs and the rest as excluded addresses"));
            evips.AddRange(vips.Skip(maxAddresses));
            vips = vips.Take(maxAddresses).ToList();
        }

        // Preemption.
        bool nopreempt = v.Nopreempt;
        var preemptDelay = v.PreemptDelay;
        var preemptSpan = d.PreemptDelayNode?.Span ?? where;
        if (priority == 255 && nopreempt)
        {
            c.Report(BinderCodes.Ignored.At(where, "nopreempt", "is incompatible with priority 255 (address owner)"));
            nopreempt = false;
        }
        if (state == InitialState.Master)
        {
            if (nopreempt)
            {
                c.Report(BinderCodes.Ignored.At(where, "nopreempt", "does not work with initial state MASTER"));
                nopreempt = false;
            }
            if (preemptDelay > TimeSpan.Zero)
            {
                c.Report(BinderCodes.Ignored.At(preemptSpan, "preempt_delay", "does not work with initial state MASTER"));
                preemptDelay = TimeSpan.Zero;
            }
        }
        if (preemptDelay > TimeSpan.Zero && strict)
        {
            c.Report(BinderCodes.Ignored.At(preemptSpan, "preempt_delay", "is incompatible with strict mode"));
            preemptDelay = TimeSpan.Zero;
        }
        if (preemptDelay > TimeSpan.Zero && nopreempt)
        {
            c.Report(BinderCodes.Ignored.At(preemptSpan, "preempt_delay", "is incompatible with nopreempt"));
            preemptDelay = TimeSpan.Zero;
        }
        int downTimer = d.DownTimerSet ? v.DownTimerAdverts : g.DownTimerAdverts;
        if (downTimer != 3 && strict)
        {
            c.Report(BinderCodes.ValueReplaced.At(where, who, "down_timer_adverts other than 3 is not allowed in strict mode", "3"));
            downTimer = 3;
        }

        // Accept mode.
        bool? accept = v.Accept;
        bool effectiveAccept = accept ?? (priority == 255 || !strict);
        if (effectiveAccept && priority != 255 && strict && version == 2)
        {
            if (accept is true)
                c.Report(BinderCodes.Ignored.At(where, "accept", "for VRRP version 2 does not comply with RFC 3768 in strict mode"));
            effectiveAccept = false;
        }

        // Strict-mode GARP/advert overrides.
        int lowerRepeat = d.GarpLowerPrioRepeat ?? (strict ? 0 : g.GarpLowerPrioRepeat ?? (d.GarpMasterRepeatSet ? v.GarpMasterRepeat : g.GarpMasterRepeat));
        if (strict && d.GarpLowerPrioRepeat is > 0)
        {
            c.Report(BinderCodes.ValueReplaced.At(where, who, "strict mode requires no lower-priority GARP repeats", "0"));
            lowerRepeat = 0;
        }
        var lowerDelay = d.GarpLowerPrioDelay ?? (strict ? TimeSpan.Zero : g.GarpLowerPrioDelay ?? (d.GarpMasterDelaySet ? v.GarpMasterDelay : g.GarpMasterDelay));
        if (strict && d.GarpLowerPrioDelay is { } lpd && lpd > TimeSpan.Zero)
        {
            c.Report(BinderCodes.ValueReplaced.At(where, who, "strict mode requires no lower-priority GARP delay", "0"));
            lowerDelay = TimeSpan.Zero;
        }
        bool lowerNoAdvert = d.LowerPrioSet ? v.LowerPrioNoAdvert : (strict || g.LowerPrioNoAdvert);
        if (strict && d.LowerPrioSet && !v.LowerPrioNoAdvert)
        {
            c.Report(BinderCodes.ValueReplaced.At(where, who, "strict mode requires lower_prio_no_advert", "lower_prio_no_advert on"));
            lowerNoAdvert = true;
        }
        bool higherSend = d.HigherPrioSet ? v.HigherPrioSendAdvert : (!strict && g.HigherPrioSendAdvert);
        if (strict && d.HigherPrioSet && v.HigherPrioSendAdvert)
        {
            c.Report(BinderCodes.ValueReplaced.At(where, who, "strict mode requires higher_prio_send_advert off", "off"));
            higherSend = false;
        }
        bool? smtp = v.SmtpAlert ?? g.SmtpAlertVrrp ?? g.SmtpAlert;

        // Advert interval: v2 whole seconds below 256, v3 centiseconds below 40.96 s.
        var advert = v.AdvertInterval;
        long micros = advert.Ticks / 10;
        var advertSpan = d.AdvertNode?.Arguments[0].Span ?? where;
        if (version == 2)
        {
            if (micros >= 256_000_000)
            {
                c.Report(BinderCodes.ValueReplaced.At(advertSpan, "advert_int", $"a VRRPv2 interval must be below 256 s ({ValueReader.FormatSeconds(micros)} s given)", "255 s"));
                micros = 255_000_000;
            }
            else if (micros % 1_000_000 != 0)
            {
                long rounded = Math.Max(1_000_000, (micros + 500_000) / 1_000_000 * 1_000_000);
                c.Report(BinderCodes.ValueReplaced.At(advertSpan, "advert_int", $"a VRRPv2 interval must be whole seconds ({ValueReader.FormatSeconds(micros)} s given)", $"{ValueReader.FormatSeconds(rounded)} s"));
                micros = rounded;
            }
        }
        else
        {
            if (micros >= 40_960_000)
            {
                c.Report(BinderCodes.ValueReplaced.At(advertSpan, "advert_int", $"a VRRPv3 interval must be below 40.96 s ({ValueReader.FormatSeconds(micros)} s given)", "40.95 s"));
                micros = 40_950_000;
            }
            else if (micros % 10_000 != 0)
            {
                long rounded = Math.Max(10_000, (micros + 5_000) / 10_000 * 10_000);
                c.Report(BinderCodes.ValueReplaced.At(advertSpan, "advert_int", $"a VRRPv3 interval is in units of 10 ms ({ValueReader.FormatSeconds(micros)} s given)", $"{ValueReader.FormatSeconds(rounded)} s"));
                micros = rounded;
            }
        }

        return v with
        {
            Family = fam,
            Version = version,
            StrictMode = strict,
            Priority = priority,
            State = state,
            Authentication = auth,
            UnicastPeers = peers.ToValueList(),
            UseVmac = vmac,
            VmacXmitBase = xmitBase,
            VirtualIpAddresses = vips.ToValueList(),
            ExcludedIpAddresses = evips.ToValueList(),
            VirtualRoutes = d.Routes.ToValueList(),
            VirtualRules = d.Rules.ToValueList(),
            Nopreempt = nopreempt,
            PreemptDelay = preemptDelay,
            DownTimerAdverts = downTimer,
            Accept = effectiveAccept,
            McastDestination = unicast ? null : v.McastDestination ?? (fam == AddressFamily.InterNetwork ? g.McastGroup4 : g.McastGroup6),
            CheckUnicastSrc = d.CheckUnicastSet ? v.CheckUnicastSrc : g.CheckUnicastSrc,
            SkipCheckAdvAddr = d.SkipCheckSet ? v.SkipCheckAdvAddr : g.SkipCheckAdvAddr,
            LowerPrioNoAdvert = lowerNoAdvert,
            HigherPrioSendAdvert = higherSend,
            GarpMasterDelay = d.GarpMasterDelaySet ? v.GarpMasterDelay : g.GarpMasterDelay,
            GarpMasterRepeat = d.GarpMasterRepeatSet ? v.GarpMasterRepeat : g.GarpMasterRepeat,
            GarpMasterRefresh = d.GarpMasterRefreshSet ? v.GarpMasterRefresh : g.GarpMasterRefresh,
            GarpMasterRefreshRepeat = d.GarpMasterRefreshRepeatSet ? v.GarpMasterRefreshRepeat : g.GarpMasterRefreshRepeat,
            GarpLowerPrioRepeat = lowerRepeat,
            GarpLowerPrioDelay = lowerDelay,
            SmtpAlert = smtp ?? false,
            AdvertInterval = TimeSpan.FromTicks(micros * 10),
            Other = d.Other.ToValueList(),
        };
    }

    /// <summary>
    /// VIPs one advert can carry on an interface of <paramref name="mtu"/> bytes, by keepalived 2.2.7's own arithmetic
    /// (vrrp.c vrrp_complete_instance) so that both sides advertise the same list: (MTU − Ethernet header 14 − IP header
    /// 20/40 − VRRP header 8 − for v2 the 8 bytes of authentication data and, with AH, the 24-byte AH header) / address
    /// size, at most 255. keepalived counts the Ethernet header against the IP MTU, so it keeps a few addresses fewer
    /// than would fit; IPv6 at MTU 1500 gives 89.
    /// </summary>
    public static int MaxAddresses(AddressFamily family, int version, bool ah, int mtu = DefaultMtu)
    {
        bool v4 = family == AddressFamily.InterNetwork;
        int header = EthernetHeader + (v4 ? 20 : 40) + 8;
        if (v4 && version == 2)
            header += 8 + (ah ? 24 : 0);
        return Math.Clamp((mtu - header) / (v4 ? 4 : 16), 0, 255);
    }

    /// <summary>keepalived's DEFAULT_MTU, assumed when the interface is not known (and by the binder).</summary>
    public const int DefaultMtu = 1500;

    private const int EthernetHeader = 14;

    private static string FamilyName(AddressFamily f) => f == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    private static string TruncateUtf8(string s, int maxBytes)
    {
        var sb = new System.Text.StringBuilder();
        int bytes = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}

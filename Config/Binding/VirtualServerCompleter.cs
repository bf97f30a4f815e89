using System.Collections.Immutable;
using System.Net;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;
using Kind = KeepAlive.Config.Binding.VirtualServerBinder.KeyKind;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Completes a virtual_server the way keepalived does once its block is read (check_parser.c vs_end_handler) and when
/// it validates the checker configuration (check_data.c validate_check_config): address family, defaults for protocol,
/// scheduler and forwarding, duplicate real servers, quorum, ports, and the checkers' effective values. Every value
/// keepalived substitutes is reported with the value it uses.
/// </summary>
public static class VirtualServerCompleter
{
    private static readonly ForwardingConfig Nat = new(ForwardingMethod.Nat);

    public static VirtualServerConfig? Complete(VirtualServerBinder.Draft d, BindContext c)
    {
        var span = d.Node.KeywordToken.Span;
        ResolveFamily(d, c);
        if (d.RealServers.Count == 0)
        {
            c.Report(BinderCodes.RequiredMissing.At(span, "virtual_server", Words(d), "real_server", "it is ignored, as keepalived does"));
            return null;
        }

        // A group written above this block is known; one written below (or not at all) is taken as a group of
        // addresses, the usual case (keepalived links groups only after reading the whole file).
        var group = d.Kind == Kind.Group ? d.Scope.Groups.FirstOrDefault(g => g.Name == d.GroupName) : null;
        bool groupMarks = group?.Entries.Any(e => e.Fwmark is not null) ?? false;
        bool groupRanges = d.Kind == Kind.Group && (group?.Entries.Any(e => e.First is not null) ?? true);
        bool markVs = d.Kind == Kind.Fwmark && d.Mark != 0;
        bool addressLike = groupRanges || (d.Kind != Kind.Group && !markVs);

        if (d.Value.HaSuspend && (markVs || groupMarks))
        {
            c.Report(BinderCodes.Ignored.At(d.HaSuspendNode!.KeywordToken.Span, "ha_suspend", "cannot be used with a fwmark virtual server"));
            d.Value = d.Value with { HaSuspend = false };
        }
        if (addressLike)
        {
            if (d.Protocol is null)
            {
                c.Report(BinderCodes.DefaultApplied.At(span, d.Label, "protocol", "UDP"));
                d.Protocol = LvsProtocol.Udp;
            }
            if (d.Value.OnePacketScheduling && d.Protocol != LvsProtocol.Udp)
            {
                c.Report(BinderCodes.Ignored.At(d.OpsNode!.KeywordToken.Span, "ops", "(one-packet scheduling) requires protocol UDP"));
                d.Value = d.Value with { OnePacketScheduling = false };
            }
            bool zeroPort = d.Kind == Kind.Group
                ? group?.Entries.Any(e => e.First is not null && e.Port == 0) ?? false
                : d.Port == 0;
            if (d.Value.PersistenceTimeout is null && zeroPort)
            {
                c.Report(BinderCodes.ValueReplaced.At(span, "persistence_timeout",
                    $"{d.Label} has no port, and only persistent services may have none", "persistence_timeout 360"));
                d.Value = d.Value with { PersistenceTimeout = TimeSpan.FromSeconds(360) };
            }
        }
        if (d.Protocol is not null && (markVs || (group is not null && !groupRanges && groupMarks)))
        {
            c.Report(BinderCodes.Ignored.At(d.ProtocolNode!.KeywordToken.Span, "protocol", "is specified for a fwmark virtual server, whose protocol keepalived ignores"));
            d.Protocol = null;
        }
        if (!d.SchedulerSet)
            c.Report(BinderCodes.DefaultApplied.At(span, d.Label, "scheduler", "'wlc'"));

        var kept = new List<RealServerBinder.Draft>(d.RealServers.Count);
        var seen = new Dictionary<(IPAddress, int), RealServerBinder.Draft>(d.RealServers.Count);
        foreach (var rs in d.RealServers)
        {
            if (!seen.TryAdd((rs.Address, rs.Port), rs))
            {
                var first = seen[(rs.Address, rs.Port)];
                c.Report(BinderCodes.DuplicateName.At(rs.Node.Arguments[0].Span, "real_server", rs.Label, first.Node.Span,
                    $"keepalived removes the second one from {d.Label}"));
                continue;
            }
            rs.Forwarding ??= VsForwarding(d, c);
            kept.Add(rs);
        }
        var writtenPorts = kept.Select(r => r.Port).ToList();

        long weightSum = 0;
        foreach (var rs in kept)
        {
            rs.Weight ??= d.Value.DefaultWeight;
            rs.Alpha ??= d.Value.Alpha;
            rs.Inhibit ??= d.Value.InhibitOnFailure;
            weightSum += rs.Weight.Value;
            if (d.Sorry is { } s && s.Address.Equals(rs.Address) && s.Port == rs.Port && s.Inhibit != rs.Inhibit)
            {
                c.Report(BinderCodes.ValueReplaced.At(s.Node.KeywordToken.Span, "sorry_server_inhibit",
                    $"the sorry server is also real server {rs.Label}, whose inhibit_on_failure differs", rs.Inhibit.Value ? "inhibit on" : "inhibit off"));
                s.Inhibit = rs.Inhibit.Value;
            }
        }
        if (d.Sorry is { } sorry)
            sorry.Forwarding ??= VsForwarding(d, c);

        var quorum = d.Value.Quorum;
        if (quorum > weightSum)
        {
            c.Report(BinderCodes.ValueReplaced.At(span, "quorum", $"quorum {quorum} exceeds the total weight {weightSum} of the real servers", $"quorum {weightSum}"));
            quorum = weightSum;
        }
        var hysteresis = d.Value.Hysteresis;
        if (hysteresis >= quorum)
        {
            // keepalived sets quorum - 1 in unsigned arithmetic, so a quorum of 0 gives UINT_MAX.
            var h = quorum == 0 ? uint.MaxValue : quorum - 1;
            c.Report(BinderCodes.ValueReplaced.At(span, "hysteresis", $"hysteresis {hysteresis} is not below quorum {quorum}", $"hysteresis {h}"));
            hysteresis = h;
        }
        d.Value = d.Value with { Quorum = quorum, Hysteresis = hysteresis };

        FixPorts(d, kept, group, markVs, c);

        var servers = new List<RealServerConfig>();
        for (int i = 0; i < kept.Count; i++)
            servers.Add(BuildRealServer(d, kept[i], writtenPorts[i], c));

        SorryServerConfig? sorryConfig = d.Sorry is { } ss ? new SorryServerConfig(ss.Address, ss.Port, ss.Inhibit, ss.Forwarding) : null;
        var protocol = d.Protocol ?? LvsProtocol.Udp;
        bool v6 = d.IPv6 ?? false;
        VirtualServerKey key = d.Kind switch
        {
            Kind.Address => new VirtualServerKey.Address(d.Ip!, d.Port, protocol),
            Kind.Fwmark => new VirtualServerKey.Fwmark(d.Mark, v6),
            _ => new VirtualServerKey.Group(d.GroupName!, protocol),
        };
        return d.Value with
        {
            Key = key,
            Forwarding = d.Forwarding ?? Nat,
            Protocol = protocol,
            SchedulerFlags = d.Flags.ToValueList(),
            SorryServer = sorryConfig,
            IPv6Family = v6,
            RealServers = servers.ToValueList(),
            Other = d.Other.ToValueList(),
            Origin = new Origin(d.Node.Span),
        };
    }

    private static string Words(VirtualServerBinder.Draft d) => string.Join(' ', d.Node.Arguments.Select(a => a.Text));

    /// <summary>The virtual server's forwarding for a server that has none; the first use of an unset one is reported.</summary>
    private static ForwardingConfig VsForwarding(VirtualServerBinder.Draft d, BindContext c)
    {
        if (d.Forwarding is null)
        {
            c.Report(BinderCodes.DefaultApplied.At(d.Node.KeywordToken.Span, d.Label, "forwarding method (lvs_method / lb_kind)", "NAT"));
            d.Forwarding = Nat;
        }
        return d.Forwarding;
    }

    /// <summary>vs_end_handler: the sorry server, then (for a fwmark service with only tunnelled servers) the servers
    /// decide the family; a mixture, or nothing, means IPv4.</summary>
    private static void ResolveFamily(VirtualServerBinder.Draft d, BindContext c)
    {
        if (d.Sorry is { } s && s.Forwarding?.Method != ForwardingMethod.Tunnel)
        {
            if (d.IPv6 is null)
                d.IPv6 = s.IsIPv6;
            else if (d.IPv6 != s.IsIPv6)
            {
                c.Report(BinderCodes.InvalidValue.At(s.Node.Arguments[0].Span, "sorry_server", s.Address,
                    "the address family of the virtual server and the sorry server do not match", "; the sorry server is skipped, as keepalived does"));
                d.Sorry = null;
            }
        }
        if (d.IPv6 is not null || d.Kind == Kind.Group)
            return;
        bool? af = d.Sorry?.IsIPv6;
        foreach (var rs in d.RealServers)
        {
            if (af is null)
                af = rs.IsIPv6;
            else if (af != rs.IsIPv6)
            {
                af = false;
                break;
            }
        }
        d.IPv6 = af ?? false;
    }

    /// <summary>Unless NAT, real and sorry servers use the service's port (none for a fwmark service); keepalived
    /// corrects a plain service and only warns for a group.</summary>
    private static void FixPorts(VirtualServerBinder.Draft d, List<RealServerBinder.Draft> kept, VirtualServerGroupConfig? group, bool markVs, BindContext c)
    {
        if (d.Kind == Kind.Group)
        {
            if (group is null)
                return;
            foreach (var rs in kept.Where(r => r.Forwarding!.Method != ForwardingMethod.Nat && r.Port != 0))
            {
                if (group.Entries.Any(e => e.Fwmark is not null))
                    c.Report(BinderCodes.InvalidValue.At(rs.Node.Arguments[1].Span, "real_server", rs.Port,
                        $"a DR/TUN real server of group {group.Name}, which has fwmarks, takes no port", "; keepalived ignores the port for the fwmarks"));
                foreach (var e in group.Entries.Where(e => e.First is not null && e.Port != rs.Port))
                    c.Report(BinderCodes.InvalidValue.At(rs.Node.Arguments[1].Span, "real_server", rs.Port,
                        $"a DR/TUN real server must use the port of group {group.Name} entry {e.First} ({e.Port})", "; keepalived only warns"));
            }
            return;
        }
        foreach (var rs in kept)
        {
            if (rs.Forwarding!.Method == ForwardingMethod.Nat)
            {
                if (!markVs && rs.Port == 0)
                    rs.Port = d.Port;
                continue;
            }
            rs.Port = FixPort(d, markVs, rs.Port, rs.Node, "real_server", rs, c);
        }
        if (d.Sorry is { } s && s.Forwarding!.Method != ForwardingMethod.Nat)
            s.Port = FixPort(d, markVs, s.Port, s.Node, "sorry_server", s.Address, c);
    }

    /// <summary>DR/TUN servers use the service's port. <paramref name="who"/> is formatted only when reported.</summary>
    private static int FixPort(VirtualServerBinder.Draft d, bool markVs, int port, SyntaxNode node, string kind, object who, BindContext c)
    {
        var at = node.Arguments.Length > 1 ? node.Arguments[1].Span : node.KeywordToken.Span;
        if (markVs)
        {
            if (port != 0)
                c.Report(BinderCodes.ValueReplaced.At(at, node.Name, $"{kind} {who}: a DR/TUN server of a fwmark service takes no port", "no port"));
            return 0;
        }
        if (port != 0 && port != d.Port)
            c.Report(BinderCodes.ValueReplaced.At(at, node.Name, $"{kind} {who}: a DR/TUN server must use the port of {d.Label}", $"port {d.Port}"));
        return d.Port;
    }

    private static RealServerConfig BuildRealServer(VirtualServerBinder.Draft d, RealServerBinder.Draft rs, int writtenPort, BindContext c)
    {
        var vs = d.Value;
        var inherited = new CheckerCompleter.Inherited(
            rs.Address,
            writtenPort,
            rs,
            rs.Retry ?? vs.Retry,
            rs.ConnectTimeout ?? vs.ConnectTimeout ?? TimeSpan.FromSeconds(5),
            rs.DelayLoop ?? vs.DelayLoop,
            rs.Warmup ?? vs.Warmup,
            rs.DelayBeforeRetry ?? vs.DelayBeforeRetry,
            rs.Alpha!.Value,
            rs.Virtualhost ?? vs.Virtualhost);
        var checkers = ValueList<CheckerConfig>.Empty;
        if (rs.Checkers is { } drafts)
        {
            // Built straight into an array of the right size (trimmed only when a checker was dropped).
            var built = new CheckerConfig[drafts.Count];
            int count = 0;
            foreach (var draft in drafts)
                if (CheckerCompleter.Complete(draft, inherited, c) is { } checker)
                    built[count++] = checker;
            checkers = new ValueList<CheckerConfig>(count == built.Length
                ? System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(built)
                : ImmutableArray.Create(built, 0, count));
        }
        return new RealServerConfig
        {
            Address = rs.Address,
            Port = rs.Port,
            Weight = rs.Weight!.Value,
            Forwarding = rs.Forwarding!,
            UpperThreshold = rs.UpperThreshold,
            LowerThreshold = rs.LowerThreshold,
            NotifyUp = rs.NotifyUp,
            NotifyDown = rs.NotifyDown,
            InhibitOnFailure = rs.Inhibit!.Value,
            Alpha = rs.Alpha.Value,
            SmtpAlert = rs.SmtpAlert,
            Virtualhost = rs.Virtualhost,
            Checkers = checkers,
            Other = rs.Other is null ? ValueList<RawSetting>.Empty : rs.Other.ToValueList(),
            Origin = new Origin(rs.Node.Span),
        };
    }
}

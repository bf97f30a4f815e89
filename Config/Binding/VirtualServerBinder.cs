using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Binds <c>virtual_server IP [PORT] | fwmark N | group NAME { … }</c> (keepalived-reference.md §2.12,
/// check_parser.c), then completes it with <see cref="VirtualServerCompleter"/> (check_data.c validate_check_config).
/// </summary>
public static class VirtualServerBinder
{
    public enum KeyKind
    {
        Address,
        Fwmark,
        Group,
    }

    /// <summary>IP_VS_PENAME_MAXLEN (16) including the terminating NUL.</summary>
    private const int PersistenceEngineMax = 15;

    /// <summary>LVS_MAX_TIMEOUT: 31 days.</summary>
    private const long PersistenceMax = 86400L * 31;

    public sealed class Draft
    {
        public required SyntaxNode Node;
        public required LvsScope Scope;
        public required string Label;
        public required KeyKind Kind;
        public IPAddress? Ip;
        public int Port;
        public uint Mark;
        public string? GroupName;
        public VirtualServerConfig Value = new() { Key = new VirtualServerKey.Group(string.Empty, LvsProtocol.Udp) };

        /// <summary>The address family (null: not known yet, keepalived's AF_UNSPEC).</summary>
        public bool? IPv6;
        public bool SchedulerSet;
        public LvsProtocol? Protocol;
        public SyntaxNode? ProtocolNode;
        public SyntaxNode? OpsNode;
        public SyntaxNode? HaSuspendNode;

        /// <summary>Null until lb_kind / lvs_method sets it (keepalived's IP_VS_CONN_F_FWD_MASK).</summary>
        public ForwardingConfig? Forwarding;
        public readonly List<string> Flags = new();
        public SorryDraft? Sorry;
        public readonly List<RealServerBinder.Draft> RealServers = new();
        public readonly List<RawSetting> Other = new();

        /// <summary>The scheduler as keepalived sees it at this point of the block (empty until set).</summary>
        public string CurrentScheduler => SchedulerSet ? Value.Scheduler : string.Empty;
    }

    public sealed class SorryDraft
    {
        public required IPAddress Address;
        public int Port;
        public bool Inhibit;
        public ForwardingConfig? Forwarding;
        public required SyntaxNode Node;

        public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    public static KeywordTable<Draft> Table { get; } = BuildTable();

    public static VirtualServerConfig? Bind(SyntaxNode n, LvsScope scope, BindContext c)
    {
        if (Header(n, scope, c) is not { } d)
            return null;
        Table.Bind(d, n.Children, c, d.Other);
        return VirtualServerCompleter.Complete(d, c);
    }

    /// <summary>alloc_vs: the words after the keyword. Anything invalid skips the whole block.</summary>
    private static Draft? Header(SyntaxNode n, LvsScope scope, BindContext c)
    {
        if (c.Values.Arg(n, 0, "an address and port, 'fwmark N' or 'group NAME'") is not { } first)
            return null;
        var label = "virtual_server " + string.Join(' ', n.Arguments.Select(a => a.Text));
        Draft New(KeyKind kind) => new() { Node = n, Scope = scope, Label = label, Kind = kind };
        c.Values.NoMoreThan(n, 2, "an address and port, 'fwmark N' or 'group NAME'");
        switch (first.Text)
        {
            case "group":
            {
                if (c.Values.Arg(n, 1, "a virtual_server_group name") is not { } name)
                    return null;
                var d = New(KeyKind.Group);
                d.GroupName = name.Text;
                return d;
            }
            case "fwmark":
            {
                if (c.Values.Arg(n, 1, "a firewall mark") is not { } markTok)
                    return null;
                if (!c.Values.TryUInt(n.Name, markTok, 0, uint.MaxValue, out var mark, "the virtual_server block is skipped"))
                    return null;
                if (mark == 0)
                    c.Report(BinderCodes.NoEffect.At(markTok.Span, n.Name, "fwmark 0 is no mark: keepalived treats this virtual server as one without address or mark"));
                var d = New(KeyKind.Fwmark);
                d.Mark = (uint)mark;
                return d;
            }
        }
        if (!ValueReader.TryParseAddress(first.Text, out var ip) || first.Text.Contains('%'))
        {
            c.Report(BinderCodes.InvalidAddress.At(first.Span, n.Name, first.Text, "IP address", "; the virtual_server block is skipped"));
            return null;
        }
        int port = 0;
        if (n.Arguments.Length > 1 && n.Arguments[1].Text.AsSpan().ContainsAnyExcept('0'))
        {
            if (!c.Values.TryUInt(n.Name, n.Arguments[1], 1, 65535, out var p, "the virtual_server block is skipped"))
                return null;
            port = (int)p;
        }
        var vs = New(KeyKind.Address);
        vs.Ip = ip;
        vs.Port = port;
        vs.IPv6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
        return vs;
    }

    private static void Flag(Draft d, SyntaxNode n, BindContext c)
    {
        c.Values.NoMoreThan(n, 0, "no value");
        var sched = d.CurrentScheduler;
        var name = n.Keyword.Name;
        switch (name)
        {
            case "ops":
                d.Value = d.Value with { OnePacketScheduling = true };
                d.OpsNode = n;
                return;
            case "flag-1" or "flag-2" or "flag-3":
                AddFlag(d, name);
                return;
        }
        // lbflags_handler: the sh-/mh- flags only count with their scheduler set above them; 'hashed' has no effect.
        if (sched is "sh" or "mh")
        {
            if (name.StartsWith(sched + "-", StringComparison.Ordinal))
                AddFlag(d, name);
            else if (name != "hashed")
                c.Report(BinderCodes.NoEffect.At(n.KeywordToken.Span, name, $"does not apply to the {sched} scheduler; keepalived ignores it silently"));
            return;
        }
        c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, name,
            sched.Length == 0 ? "only applies to the sh or mh scheduler, and none is set above it" : $"only applies to the sh or mh scheduler, not {sched}"));
    }

    private static void AddFlag(Draft d, string flag)
    {
        if (!d.Flags.Contains(flag))
            d.Flags.Add(flag);
    }

    private static void NoValue(SyntaxNode n, BindContext c) => c.Values.NoMoreThan(n, 0, "no value (it is a flag)");

    private static KeywordTable<Draft> BuildTable()
    {
        var t = new KeywordTable<Draft>();
        KeywordHandler<Draft> sched = (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a scheduler") is not { } v)
                return;
            if (!LvsMethodParser.Schedulers.Contains(v.Text))
            {
                c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, "an IPVS scheduler: " + string.Join(' ', LvsMethodParser.Schedulers), "; ignored"));
                return;
            }
            d.Value = d.Value with { Scheduler = v.Text };
            d.SchedulerSet = true;
        };
        t.On("lb_algo", sched).On("lvs_sched", sched);
        KeywordHandler<Draft> method = (d, n, c) =>
        {
            if (LvsMethodParser.Forwarding(n, c, d.Forwarding, "virtual") is { } f)
                d.Forwarding = f;
        };
        t.On("lb_kind", method).On("lvs_method", method);
        foreach (var flag in new[] { "ops", "hashed", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback" })
            t.On(flag, Flag);
        t.On("protocol", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "TCP, UDP or SCTP") is not { } v)
                return;
            if (LvsMethodParser.Protocol(v.Text) is not { } p)
            {
                c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, "TCP, UDP or SCTP", "; ignored"));
                return;
            }
            d.Protocol = p;
            d.ProtocolNode = n;
        });
        t.On("ip_family", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "inet or inet6") is not { } v)
                return;
            bool? v6 = v.Text switch { "inet" => false, "inet6" => true, _ => null };
            if (v6 is null)
                c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, "inet or inet6", "; ignored"));
            else if (d.IPv6 is { } af && af != v6)
                c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, "it conflicts with the family of the server addresses", "; ignored"));
            else
                d.IPv6 = v6;
        });
        t.On("persistence_timeout", (d, n, c) =>
        {
            if (n.Arguments.Length == 0)
            {
                d.Value = d.Value with { PersistenceTimeout = TimeSpan.FromSeconds(360) };
                return;
            }
            if (c.Values.TryUInt(n, 0, 1, PersistenceMax, out var s, "ignored"))
                d.Value = d.Value with { PersistenceTimeout = TimeSpan.FromSeconds(s) };
        });
        t.On("persistence_granularity", Granularity);
        t.On("persistence_engine", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a persistence engine name") is not { } v)
                return;
            var name = v.Text;
            if (name.Length > PersistenceEngineMax)
            {
                name = name[..PersistenceEngineMax];
                c.Report(BinderCodes.Truncated.At(v.Span, n.Name, v.Text, PersistenceEngineMax, name));
            }
            d.Value = d.Value with { PersistenceEngine = name };
        });
        t.On("ha_suspend", (d, n, c) => { NoValue(n, c); d.Value = d.Value with { HaSuspend = true }; d.HaSuspendNode = n; });
        t.On("alpha", (d, n, c) => { NoValue(n, c); d.Value = d.Value with { Alpha = true }; });
        t.On("omega", (d, n, c) => { NoValue(n, c); d.Value = d.Value with { Omega = true }; });
        t.On("inhibit_on_failure", (d, n, c) => { NoValue(n, c); d.Value = d.Value with { InhibitOnFailure = true }; });
        t.OnBool("smtp_alert", (d, b) => d.Value = d.Value with { SmtpAlert = b });
        t.On("virtualhost", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a host name") is { } v)
                d.Value = d.Value with { Virtualhost = v.Text };
        });
        t.On("quorum_up", (d, n, c) =>
        {
            if (d.Value.QuorumUp is not null)
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is already given for this virtual server"));
            else
                d.Value = d.Value with { QuorumUp = c.Values.Script(n) };
        });
        t.On("quorum_down", (d, n, c) =>
        {
            if (d.Value.QuorumDown is not null)
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is already given for this virtual server"));
            else
                d.Value = d.Value with { QuorumDown = c.Values.Script(n) };
        });
        t.On("quorum", (d, n, c) =>
        {
            d.Value = d.Value with { Quorum = c.Values.TryUInt(n, 0, 1, uint.MaxValue, out var q, "quorum 1 is used") ? q : 1 };
        });
        t.OnUInt("hysteresis", 0, uint.MaxValue, (d, h) => d.Value = d.Value with { Hysteresis = h });
        t.OnUInt("weight", 1, int.MaxValue, (d, w) => d.Value = d.Value with { DefaultWeight = w });
        t.OnUInt("retry", 1, uint.MaxValue, (d, v) => d.Value = d.Value with { Retry = v });
        t.OnTimer("delay_before_retry", 0, CheckerBinder.NoMaxMicros, (d, v) => d.Value = d.Value with { DelayBeforeRetry = v });
        t.OnTimer("warmup", 0, CheckerBinder.NoMaxMicros, (d, v) => d.Value = d.Value with { Warmup = v });
        t.OnTimer("connect_timeout", 1, CheckerBinder.ConnectTimeoutMaxMicros, (d, v) => d.Value = d.Value with { ConnectTimeout = v });
        t.OnTimer("delay_loop", 1, CheckerBinder.NoMaxMicros, (d, v) => d.Value = d.Value with { DelayLoop = v });
        t.On("sorry_server", SorryServer);
        t.On("sorry_server_inhibit", (d, n, c) =>
        {
            NoValue(n, c);
            if (d.Sorry is null)
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is used before or without sorry_server"));
            else
                d.Sorry.Inhibit = true;
        });
        t.On("sorry_server_lvs_method", (d, n, c) =>
        {
            if (d.Sorry is null)
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is used before or without sorry_server"));
            else if (LvsMethodParser.Forwarding(n, c, d.Sorry.Forwarding, "sorry") is { } f)
                d.Sorry.Forwarding = f;
        });
        t.On("real_server", (d, n, c) =>
        {
            if (RealServerBinder.Bind(n, d, c) is { } rs)
                d.RealServers.Add(rs);
        });
        return t;
    }

    /// <summary>pgr_handler: an IPv4 netmask or an IPv6 prefix length, by the service's family (or, while unknown, by
    /// whether the value has a '.'); implies persistence_timeout 360.</summary>
    private static void Granularity(Draft d, SyntaxNode n, BindContext c)
    {
        if (c.Values.Arg(n, 0, "a netmask or prefix length") is not { } v)
            return;
        bool v6 = d.IPv6 ?? !v.Text.Contains('.');
        if (v6)
        {
            if (!c.Values.TryUInt(n.Name, v, 1, 128, out var len, "ignored"))
                return;
            d.Value = d.Value with { PersistenceGranularity = len.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
        else
        {
            if (!ValueReader.TryParseAddress(v.Text, out var mask) || mask.AddressFamily != AddressFamily.InterNetwork)
            {
                c.Report(BinderCodes.InvalidAddress.At(v.Span, n.Name, v.Text, "IPv4 netmask", "; ignored"));
                return;
            }
            d.Value = d.Value with { PersistenceGranularity = mask.ToString() };
        }
        d.IPv6 ??= v6;
        if (d.Value.PersistenceTimeout is null)
        {
            c.Report(BinderCodes.Info.At(n.KeywordToken.Span, "persistence_granularity makes the service persistent: persistence_timeout 360 is used"));
            d.Value = d.Value with { PersistenceTimeout = TimeSpan.FromSeconds(360) };
        }
    }

    /// <summary>alloc_ssvr: a bad address or port leaves any previous sorry server as it was.</summary>
    private static void SorryServer(Draft d, SyntaxNode n, BindContext c)
    {
        if (c.Values.Arg(n, 0, "an IP address") is not { } a)
            return;
        if (!ValueReader.TryParseAddress(a.Text, out var ip) || a.Text.Contains('%'))
        {
            c.Report(BinderCodes.InvalidAddress.At(a.Span, n.Name, a.Text, "IP address", "; no sorry server is set here"));
            return;
        }
        int port = 0;
        if (n.Arguments.Length > 1 && n.Arguments[1].Text.AsSpan().ContainsAnyExcept('0'))
        {
            if (!c.Values.TryUInt(n.Name, n.Arguments[1], 1, 65535, out var p, "no sorry server is set here"))
                return;
            port = (int)p;
        }
        c.Values.NoMoreThan(n, 2, "an address and an optional port");
        d.Sorry = new SorryDraft { Address = ip, Port = port, Forwarding = d.Forwarding, Node = n };
    }
}

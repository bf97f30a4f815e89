using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Binds <c>real_server IP [PORT] { … }</c> (check_parser.c rs_handler and its keywords) into a draft holding what
/// was written; <see cref="VirtualServerCompleter"/> applies the virtual server's defaults.
/// </summary>
public static class RealServerBinder
{
    public sealed class Draft
    {
        public required VirtualServerBinder.Draft Vs;
        public required SyntaxNode Node;
        public required IPAddress Address;
        public int Port;
        public long? Weight;

        /// <summary>The virtual server's method when the block was read (alloc_rs copies it), then its own.</summary>
        public ForwardingConfig? Forwarding;
        public long UpperThreshold;
        public long LowerThreshold;
        public NotifyScript? NotifyUp;
        public NotifyScript? NotifyDown;
        public bool? Inhibit;
        public bool? Alpha;
        public bool? SmtpAlert;
        public string? Virtualhost;
        public long? Retry;
        public TimeSpan? DelayBeforeRetry;
        public TimeSpan? Warmup;
        public TimeSpan? DelayLoop;
        public TimeSpan? ConnectTimeout;
        /// <summary>The checker blocks (allocated with the first one).</summary>
        public List<CheckerBinder.Draft>? Checkers;
        /// <summary>Raw settings (allocated with the first one).</summary>
        public List<RawSetting>? Other;

        public string Label => Port == 0 ? Address.ToString() : $"{Address} {Port}";

        /// <summary>The label, so a draft can be handed to messages that are formatted only when reported.</summary>
        public override string ToString() => Label;

        public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    public static KeywordTable<Draft> Table { get; } = BuildTable();

    /// <summary>Reads the block; null when keepalived skips it (bad address or port, or an address family that does
    /// not match the virtual server's).</summary>
    public static Draft? Bind(SyntaxNode n, VirtualServerBinder.Draft vs, BindContext c)
    {
        if (c.Values.Arg(n, 0, "an IP address") is not { } addrTok)
            return null;
        if (!ValueReader.TryParseAddress(addrTok.Text, out var address) || addrTok.Text.Contains('%'))
        {
            c.Report(BinderCodes.InvalidAddress.At(addrTok.Span, n.Name, addrTok.Text, "IP address", "; the real_server block is skipped"));
            return null;
        }
        int port = 0;
        if (n.Arguments.Length > 1 && n.Arguments[1].Text.AsSpan().ContainsAnyExcept('0'))
        {
            if (!c.Values.TryUInt(n.Name, n.Arguments[1], 1, 65535, out var p, "the real_server block is skipped"))
                return null;
            port = (int)p;
        }
        c.Values.NoMoreThan(n, 2, "an address and an optional port");
        var d = new Draft { Vs = vs, Node = n, Address = address, Port = port, Forwarding = vs.Forwarding };
        Table.Bind(d, n.Children, c, ref d.Other);

        // rs_end_handler: unless tunnelled, the real server fixes (or must match) the virtual server's family.
        if (d.Forwarding?.Method != ForwardingMethod.Tunnel)
        {
            if (vs.IPv6 is null)
                vs.IPv6 = d.IsIPv6;
            else if (vs.IPv6 != d.IsIPv6)
            {
                c.Report(BinderCodes.InvalidValue.At(addrTok.Span, n.Name, addrTok.Text,
                    "the address family of the virtual server and the real server do not match", "; the real server is skipped, as keepalived does"));
                return null;
            }
        }
        return d;
    }

    private static KeywordTable<Draft> BuildTable()
    {
        var t = new KeywordTable<Draft>();
        t.OnUInt("weight", 0, int.MaxValue, (d, w) => d.Weight = w);
        t.On("lvs_method", (d, n, c) =>
        {
            if (LvsMethodParser.Forwarding(n, c, d.Forwarding, "real") is { } f)
                d.Forwarding = f;
        });
        t.OnUInt("uthreshold", 0, uint.MaxValue, (d, v) => d.UpperThreshold = v);
        t.OnUInt("lthreshold", 0, uint.MaxValue, (d, v) => d.LowerThreshold = v);
        t.OnBool("inhibit_on_failure", (d, b) => d.Inhibit = b);
        t.OnBool("alpha", (d, b) => d.Alpha = b);
        t.OnBool("smtp_alert", (d, b) => d.SmtpAlert = b);
        t.On("notify_up", (d, n, c) =>
        {
            if (d.NotifyUp is not null)
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is already given for this real server"));
            else
                d.NotifyUp = c.Values.Script(n);
        });
        t.On("notify_down", (d, n, c) =>
        {
            if (d.NotifyDown is not null)
                c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, "is already given for this real server"));
            else
                d.NotifyDown = c.Values.Script(n);
        });
        t.OnUInt("retry", 1, uint.MaxValue, (d, v) => d.Retry = v);
        t.OnTimer("delay_before_retry", 0, CheckerBinder.NoMaxMicros, (d, v) => d.DelayBeforeRetry = v);
        t.OnTimer("warmup", 0, CheckerBinder.NoMaxMicros, (d, v) => d.Warmup = v);
        t.OnTimer("connect_timeout", 1, CheckerBinder.ConnectTimeoutMaxMicros, (d, v) => d.ConnectTimeout = v);
        t.OnTimer("delay_loop", 1, CheckerBinder.NoMaxMicros, (d, v) => d.DelayLoop = v);
        t.On("virtualhost", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a host name") is { } v)
                d.Virtualhost = v.Text;
        });
        foreach (var kind in CheckerBinder.Tables.Keys)
            t.On(kind, AddChecker);
        return t;
    }

    private static void AddChecker(Draft d, SyntaxNode n, BindContext c)
    {
        if (CheckerBinder.Bind(n, d.Vs.Scope, c) is not { } checker)
            return;
        if (checker.BfdName is { } bfd && d.Checkers is not null && d.Checkers.Any(x => x.BfdName == bfd))
        {
            c.Report(BinderCodes.Ignored.At(n.KeywordToken.Span, n.Name, $"monitors BFD '{bfd}' which this real server already monitors; the checker"));
            return;
        }
        (d.Checkers ??= new(1)).Add(checker);
    }
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Gives a checker its effective values (check_data.c validate_check_config): the checker's own value, else the
/// real server's, else the virtual server's, else the checker kind's default. Connection checkers target the real
/// server's address and the port written on its real_server line (keepalived copies the address while reading the
/// checker, before it fills in the virtual server's port), unless connect_ip / connect_port say otherwise.
/// </summary>
public static class CheckerCompleter
{
    /// <summary>What a checker inherits from its real server (which already inherited from its virtual server).</summary>
    public readonly record struct Inherited(
        IPAddress Address,
        int Port,
        object RealServerLabel,
        long? Retry,
        TimeSpan ConnectTimeout,
        TimeSpan DelayLoop,
        TimeSpan? Warmup,
        TimeSpan? DelayBeforeRetry,
        bool Alpha,
        string? Virtualhost);

    private static readonly TimeSpan DefaultConnectTimeout = new CheckerCommon().ConnectTimeout;

    /// <summary>The timing part of a checker's options, resolved once and copied into its <see cref="CheckerCommon"/>.</summary>
    private readonly record struct TimingValues(long Retry, TimeSpan DelayLoop, TimeSpan? Warmup, TimeSpan DelayBeforeRetry, bool Alpha, bool LogAllFailures)
    {
        /// <summary>The options with these timing values; connection values default as CheckerCommon's do.</summary>
        public CheckerCommon Build(IPAddress? connectIp = null, int? connectPort = null, IPAddress? bindTo = null, int? bindPort = null,
            string? bindInterface = null, uint? fwmark = null, TimeSpan? connectTimeout = null) => new()
        {
            Retry = Retry,
            DelayLoop = DelayLoop,
            Warmup = Warmup,
            DelayBeforeRetry = DelayBeforeRetry,
            Alpha = Alpha,
            LogAllFailures = LogAllFailures,
            ConnectIp = connectIp,
            ConnectPort = connectPort,
            BindTo = bindTo,
            BindPort = bindPort,
            BindInterface = bindInterface,
            Fwmark = fwmark,
            ConnectTimeout = connectTimeout ?? DefaultConnectTimeout,
        };
    }

    private static TimingValues Timing(CheckerBinder.Draft d, Inherited inh)
    {
        var delayLoop = d.DelayLoop ?? inh.DelayLoop;
        return new TimingValues(
            // A FILE_CHECK has no retries either: keepalived applies a written value at once (track_file.c).
            d.Kind == "FILE_CHECK" ? 0 : d.Retry ?? inh.Retry ?? DefaultRetry(d.Kind),
            delayLoop,
            // keepalived 2.2.7 check_data.c: an unset warmup is the checker's delay_loop, so the checkers of a
            // large configuration spread over their first period instead of all starting together. A FILE_CHECK
            // knows its state at once (no warmup).
            d.Kind == "FILE_CHECK" ? TimeSpan.Zero : d.Warmup ?? inh.Warmup ?? delayLoop,
            d.DelayBeforeRetry ?? inh.DelayBeforeRetry ?? DefaultDelayBeforeRetry(d.Kind, delayLoop),
            // A FILE_CHECK knows its state at once, so keepalived clears alpha mode for it.
            d.Kind != "FILE_CHECK" && (d.Alpha ?? inh.Alpha),
            d.LogAllFailures);
    }

    /// <summary>Kinds that connect somewhere (they have connection options).</summary>
    public static bool HasConnection(string kind) => kind is not ("MISC_CHECK" or "FILE_CHECK" or "BFD_CHECK");

    /// <summary>Kinds whose target needs a port.</summary>
    public static bool NeedsPort(string kind) => HasConnection(kind) && kind != "PING_CHECK";

    public static long DefaultRetry(string kind) => kind switch
    {
        "DNS_CHECK" => 3,
        "MISC_CHECK" => 0,
        _ => 1,
    };

    public static TimeSpan DefaultDelayBeforeRetry(string kind, TimeSpan delayLoop) => kind switch
    {
        "HTTP_GET" or "SSL_GET" => TimeSpan.FromSeconds(3),
        "DNS_CHECK" => delayLoop,
        _ => TimeSpan.FromSeconds(1),
    };

    public static CheckerConfig? Complete(CheckerBinder.Draft d, Inherited inh, BindContext c)
    {
        var origin = new Origin(d.Node.Span);
        var timing = Timing(d, inh);
        CheckerCommon common;
        if (d.Kind == "SMTP_CHECK")
            return Smtp(d, timing, inh, c, origin);
        if (HasConnection(d.Kind))
        {
            if (WithConnection(timing, d.Conn, d, inh, c) is not { } withConn)
                return null;
            common = withConn;
        }
        else
        {
            common = timing.Build();
        }
        return d.Kind switch
        {
            "TCP_CHECK" => new TcpCheckConfig(common, origin),
            "PING_CHECK" => new PingCheckConfig(common, origin),
            "HTTP_GET" or "SSL_GET" => new HttpCheckConfig(common, d.Kind == "SSL_GET", (d.Http.Urls ?? []).ToValueList(), d.Http.HttpProtocol,
                d.Http.Virtualhost ?? inh.Virtualhost, d.Http.FastRecovery, d.Http.EnableSni, origin),
            "DNS_CHECK" => new DnsCheckConfig(common, d.Dns.DnsType, d.Dns.DnsName ?? string.Empty, origin),
            "MISC_CHECK" => new MiscCheckConfig(common, d.Misc.MiscPath, d.Misc.MiscTimeout, d.Misc.MiscDynamic, d.Misc.User, d.Misc.Group, origin),
            "UDP_CHECK" => new UdpCheckConfig(common, d.Udp.Payload, d.Udp.RequireReply, d.Udp.ReplyPattern, d.Udp.MinReplyLength, d.Udp.MaxReplyLength, origin),
            "FILE_CHECK" => new FileCheckConfig(common, d.File.TrackFile?.Name, d.File.FileWeight, d.File.FileReverse, origin),
            "BFD_CHECK" => new BfdCheckConfig(common, d.BfdName, origin),
            _ => null,
        };
    }

    /// <summary>smtp_check_end_handler: when the checker itself sets no connection option but has (deprecated) host
    /// blocks, its first host replaces its own target; each further host is checked as well.</summary>
    private static SmtpCheckConfig? Smtp(CheckerBinder.Draft d, TimingValues common, Inherited inh, BindContext c, Origin origin)
    {
        var hosts = d.Smtp.Hosts is null ? new List<CheckerBinder.ConnDraft>() : d.Smtp.Hosts.ToList();
        var main = d.Conn;
        if (!main.AnySet && hosts.Count > 0)
        {
            main = hosts[0];
            hosts.RemoveAt(0);
        }
        if (WithConnection(common, main, d, inh, c) is not { } mainCommon)
            return null;
        var hostCommons = new List<CheckerCommon>();
        foreach (var h in hosts)
            if (WithConnection(common, h, d, inh, c) is { } hc)
                hostCommons.Add(hc);
        return new SmtpCheckConfig(mainCommon, d.Smtp.HeloName ?? "smtpchecker.keepalived.org", hostCommons.ToValueList(), origin);
    }

    /// <summary>The effective target and connection options; null (with a diagnostic) when keepalived drops the
    /// checker (check_conn_opts: a link-local target needs bind_if).</summary>
    private static CheckerCommon? WithConnection(TimingValues common, CheckerBinder.ConnDraft conn, CheckerBinder.Draft d, Inherited inh, BindContext c)
    {
        var target = conn.ConnectIp ?? inh.Address;
        int? port = conn.ConnectPort ?? (inh.Port != 0 ? inh.Port : null);
        if (target.AddressFamily == AddressFamily.InterNetworkV6 && target.IsIPv6LinkLocal && conn.BindInterface is null)
        {
            c.Report(BinderCodes.RequiredMissing.At(conn.Span, d.Kind, $"of real_server {inh.RealServerLabel}", "bind_if",
                $"the link-local target {target} needs one; the checker is removed, as keepalived does"));
            return null;
        }
        if (port is null && NeedsPort(d.Kind))
            c.Report(BinderCodes.NoEffect.At(conn.Span, d.Kind,
                $"neither connect_port nor the real_server line ({inh.RealServerLabel}) gives a port; keepalived checks port 0, which always fails"));
        return common.Build(target, port, conn.BindTo, conn.BindPort, conn.BindInterface, conn.Fwmark, conn.ConnectTimeout ?? inh.ConnectTimeout);
    }
}

using System.Net;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Binds the checker blocks of a real_server (check_api.c and check_*.c). Each block is read into a
/// <see cref="Draft"/> holding only what was written; <see cref="CheckerCompleter"/> turns it into a
/// <see cref="CheckerConfig"/> with effective values once the whole virtual_server is known.
/// </summary>
public static partial class CheckerBinder
{
    /// <summary>read_timer without a maximum (keepalived: TIMER_MAXIMUM); our parser stops at 10^12 s anyway.</summary>
    internal const long NoMaxMicros = 1_000_000_000_000_000_000L;

    /// <summary>connect_timeout: 1 µs .. UINT_MAX µs.</summary>
    internal const long ConnectTimeoutMaxMicros = uint.MaxValue;

    /// <summary>The connection options of a checker (keepalived's conn_opts_t), as written.</summary>
    public sealed class ConnDraft
    {
        public IPAddress? ConnectIp;
        public int? ConnectPort;
        public IPAddress? BindTo;
        public int? BindPort;
        public string? BindInterface;
        public uint? Fwmark;
        public TimeSpan? ConnectTimeout;
        public SourceSpan Span;

        /// <summary>smtp_check_end_handler's "has any connection component been configured?".</summary>
        public bool AnySet => ConnectIp is not null || ConnectPort is not null || BindTo is not null || BindPort is not null
            || BindInterface is not null || Fwmark is > 0 || ConnectTimeout is not null;
    }

    /// <summary>A checker block as written; fields of other kinds stay at their defaults.</summary>
    public sealed class Draft
    {
        public required string Kind;
        public required SyntaxNode Node;
        public required LvsScope Scope;
        public ConnDraft Conn = new();
        public long? Retry;
        public TimeSpan? DelayBeforeRetry;
        public TimeSpan? DelayLoop;
        public TimeSpan? Warmup;
        public bool? Alpha;
        public bool LogAllFailures;
        public bool Dropped;

        // The fields of one checker kind live in a part allocated the first time that kind's keywords touch it, so
        // the many TCP_CHECKs of a large configuration do not carry every other kind's fields.
        private HttpPart? _http;
        private SmtpPart? _smtp;
        private DnsPart? _dns;
        private MiscPart? _misc;
        private UdpPart? _udp;
        private FilePart? _file;

        public HttpPart Http => _http ??= new();

        public SmtpPart Smtp => _smtp ??= new();

        public DnsPart Dns => _dns ??= new();

        public MiscPart Misc => _misc ??= new();

        public UdpPart Udp => _udp ??= new();

        public FilePart File => _file ??= new();

        // BFD_CHECK
        public string? BfdName;
    }

    /// <summary>HTTP_GET / SSL_GET fields.</summary>
    public sealed class HttpPart
    {
        /// <summary>The urls (allocated with the first one).</summary>
        public List<HttpUrl>? Urls;
        public string HttpProtocol = "1.0";
        public string? Virtualhost;
        public bool FastRecovery;
        public bool EnableSni;
    }

    /// <summary>SMTP_CHECK fields.</summary>
    public sealed class SmtpPart
    {
        public string? HeloName;

        /// <summary>Deprecated host blocks (allocated with the first one).</summary>
        public List<ConnDraft>? Hosts;
    }

    /// <summary>DNS_CHECK fields.</summary>
    public sealed class DnsPart
    {
        public string DnsType = "SOA";
        public string? DnsName;
    }

    /// <summary>MISC_CHECK fields.</summary>
    public sealed class MiscPart
    {
        public NotifyScript? MiscPath;
        public TimeSpan? MiscTimeout;
        public bool MiscDynamic;
        public string? User;
        public string? Group;
    }

    /// <summary>UDP_CHECK fields.</summary>
    public sealed class UdpPart
    {
        public string? Payload;
        public bool RequireReply;
        public string? ReplyPattern;
        public int MinReplyLength;
        public int MaxReplyLength = byte.MaxValue;
    }

    /// <summary>FILE_CHECK fields.</summary>
    public sealed class FilePart
    {
        public TrackFileConfig? TrackFile;
        public int? FileWeight;
        public bool FileReverse;
    }

    /// <summary>The checker block keywords of real_server, each with its keyword table.</summary>
    public static IReadOnlyDictionary<string, KeywordTable<Draft>> Tables { get; } = BuildTables();

    /// <summary>Reads one checker block; null when keepalived drops the checker while reading it.</summary>
    public static Draft? Bind(SyntaxNode node, LvsScope scope, BindContext c)
    {
        if (!Tables.TryGetValue(node.Keyword.Name, out var table))
            return null;
        var d = new Draft { Kind = node.Keyword.Name, Node = node, Scope = scope };
        d.Conn.Span = node.KeywordToken.Span;
        table.Bind(d, node.Children, c, null);
        if (!d.Dropped)
            EndOfBlock(d, c);
        return d.Dropped ? null : d;
    }

    /// <summary>The checks keepalived makes when the checker's block ends (the sublevel end handlers), reported where
    /// keepalived reports them: at the block's closing brace.</summary>
    private static void EndOfBlock(Draft d, BindContext c)
    {
        var span = d.Node.CloseSpan;
        switch (d.Kind)
        {
            case "HTTP_GET" or "SSL_GET" when d.Http.Urls is null:
                c.Report(BinderCodes.RequiredMissing.At(span, d.Kind, "checker", "url with a path", "the checker is ignored, as keepalived does"));
                d.Dropped = true;
                break;
            case "MISC_CHECK" when d.Misc.MiscPath is null:
                c.Report(BinderCodes.RequiredMissing.At(span, d.Kind, "checker", "misc_path", "the checker is skipped, as keepalived does"));
                d.Dropped = true;
                break;
            case "FILE_CHECK" when d.File.TrackFile is null:
                c.Report(BinderCodes.RequiredMissing.At(span, d.Kind, "checker", "track_file", "the checker is ignored, as keepalived does"));
                d.Dropped = true;
                break;
            case "FILE_CHECK" when d.File.FileWeight is null:
                // file_end_handler: the checker takes the track_file's weight.
                d.File.FileWeight = d.File.TrackFile!.Weight;
                d.File.FileReverse = d.File.TrackFile.WeightReverse;
                break;
            case "BFD_CHECK" when d.BfdName is null:
                c.Report(BinderCodes.RequiredMissing.At(span, d.Kind, "checker", "name", "the checker is skipped, as keepalived does"));
                d.Dropped = true;
                break;
            case "UDP_CHECK" when d.Udp.MinReplyLength > d.Udp.MaxReplyLength:
                c.Report(BinderCodes.InvalidValue.At(span, "min_reply_length", $"{d.Udp.MinReplyLength} > max_reply_length {d.Udp.MaxReplyLength}",
                    "the minimum reply length is above the maximum", "; keepalived keeps both and the check always fails"));
                break;
        }
    }

    private static Dictionary<string, KeywordTable<Draft>> BuildTables()
    {
        var tables = new Dictionary<string, KeywordTable<Draft>>(StringComparer.Ordinal);
        foreach (var kind in new[] { "TCP_CHECK", "PING_CHECK" })
            tables[kind] = Common(new KeywordTable<Draft>(), connection: true);
        tables["HTTP_GET"] = HttpTable();
        tables["SSL_GET"] = HttpTable();
        tables["SMTP_CHECK"] = SmtpTable();
        tables["DNS_CHECK"] = DnsTable();
        tables["MISC_CHECK"] = MiscTable();
        tables["UDP_CHECK"] = UdpTable();
        tables["FILE_CHECK"] = FileTable();
        tables["BFD_CHECK"] = BfdTable();
        return tables;
    }

    /// <summary>connect_ip and bindto: an address whose family must match the other one, when it is already given.</summary>
    private static IPAddress? AddressMatching(SyntaxNode n, BindContext c, IPAddress? other, string otherKeyword)
    {
        if (!c.Values.TryAddress(n, 0, out var a, "ignored"))
            return null;
        if (other is not null && other.AddressFamily != a.AddressFamily)
        {
            c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, n.Name, n.Arguments[0].Text, $"its address family does not match {otherKeyword}", "; ignored"));
            return null;
        }
        return a;
    }

    /// <summary>install_checker_common_keywords: the connection keywords (optional) and the timing keywords.</summary>
    internal static KeywordTable<Draft> Common(KeywordTable<Draft> t, bool connection)
    {
        if (connection)
        {
            t.On("connect_ip", (d, n, c) =>
            {
                if (AddressMatching(n, c, d.Conn.BindTo, "bindto") is { } a)
                    d.Conn.ConnectIp = a;
            });
            t.OnUInt("connect_port", 1, 65535, (d, p) => d.Conn.ConnectPort = (int)p);
            t.On("bindto", (d, n, c) =>
            {
                if (AddressMatching(n, c, d.Conn.ConnectIp, "connect_ip") is { } a)
                    d.Conn.BindTo = a;
            });
            t.OnUInt("bind_port", 1, 65535, (d, p) => d.Conn.BindPort = (int)p);
            t.On("bind_if", (d, n, c) =>
            {
                if (c.Values.Arg(n, 0, "an interface name") is not { } tok)
                    return;
                if (tok.Text.Length > AddressLineBinder.InterfaceNameMax)
                    c.Report(BinderCodes.InvalidValue.At(tok.Span, n.Name, tok.Text, $"interface names are at most {AddressLineBinder.InterfaceNameMax} characters", "; ignored"));
                else
                    d.Conn.BindInterface = tok.Text;
            });
            t.OnTimer("connect_timeout", 1, ConnectTimeoutMaxMicros, (d, v) => d.Conn.ConnectTimeout = v);
            t.OnUInt("fwmark", 0, uint.MaxValue, (d, v) => d.Conn.Fwmark = (uint)v);
        }
        t.OnUInt("retry", 0, uint.MaxValue, (d, v) => d.Retry = v);
        t.OnTimer("delay_before_retry", 0, NoMaxMicros, (d, v) => d.DelayBeforeRetry = v);
        t.OnTimer("warmup", 0, NoMaxMicros, (d, v) => d.Warmup = v);
        t.OnTimer("delay_loop", 1, NoMaxMicros, (d, v) => d.DelayLoop = v);
        t.OnBool("alpha", (d, b) => d.Alpha = b);
        t.OnBool("log_all_failures", (d, b) => d.LogAllFailures = b);
        return t;
    }
}

using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>The keyword tables of SMTP_CHECK, DNS_CHECK, MISC_CHECK, UDP_CHECK, FILE_CHECK and BFD_CHECK
/// (check_smtp.c, check_dns.c, check_misc.c, check_udp.c, check_file.c, check_bfd.c).</summary>
public static partial class CheckerBinder
{
    private static KeywordTable<Draft> SmtpTable()
    {
        var t = Common(new KeywordTable<Draft>(), connection: true);
        t.On("helo_name", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a HELO name") is { } v)
                d.Smtp.HeloName = v.Text;
        });
        // The deprecated host block reads its connection keywords into a new connection and its other keywords
        // into the checker itself, as keepalived's smtp_host_handler does by swapping the checker's conn_opts.
        var host = Common(new KeywordTable<Draft>(), connection: true);
        t.On("host", (d, n, c) =>
        {
            // keepalived only logs this (no -t error), so it does not change the exit code.
            c.Report(BinderCodes.DeprecatedQuietly.At(n.KeywordToken.Span, n.Name,
                "the SMTP_CHECK host block is deprecated; write one SMTP_CHECK per target instead (read as an extra target of this checker)"));
            var saved = d.Conn;
            d.Conn = new ConnDraft { Span = n.KeywordToken.Span };
            host.Bind(d, n.Children, c, null);
            (d.Smtp.Hosts ??= new List<ConnDraft>()).Add(d.Conn);
            d.Conn = saved;
        });
        return t;
    }

    private static readonly string[] DnsTypes = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY"];

    private static KeywordTable<Draft> DnsTable()
    {
        var t = Common(new KeywordTable<Draft>(), connection: true);
        t.On("type", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a DNS type") is not { } tok)
                return;
            var type = DnsTypes.FirstOrDefault(x => string.Equals(x, tok.Text, StringComparison.OrdinalIgnoreCase));
            if (type is null)
                c.Report(BinderCodes.InvalidValue.At(tok.Span, n.Name, tok.Text, "unknown DNS check type: " + string.Join(' ', DnsTypes), $"; ignored, the type stays {d.Dns.DnsType}"));
            else
                d.Dns.DnsType = type;
        });
        t.On("name", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a domain name") is not { } tok)
                return;
            if (d.Dns.DnsName is not null)
            {
                c.Report(BinderCodes.Ignored.At(tok.Span, n.Name, $"is already given ('{d.Dns.DnsName}'): '{tok.Text}'"));
                return;
            }
            var name = tok.Text;
            if ((name.StartsWith('.') && name.Length > 1) || name.Contains(".."))
            {
                c.Report(BinderCodes.InvalidValue.At(tok.Span, n.Name, name, "the name has an empty label", "; ignored"));
                return;
            }
            d.Dns.DnsName = name;
        });
        return t;
    }

    private static KeywordTable<Draft> MiscTable()
    {
        var t = Common(new KeywordTable<Draft>(), connection: false);
        t.On("misc_path", (d, n, c) =>
        {
            if (c.Values.ScriptWithoutUser(n, optional: true) is { } script)
                d.Misc.MiscPath = script;
        });
        t.OnUInt("misc_timeout", 0, uint.MaxValue / 1_000_000L, (d, s) => d.Misc.MiscTimeout = TimeSpan.FromSeconds(s));
        t.On("misc_dynamic", (d, n, c) => d.Misc.MiscDynamic = true);
        t.On("user", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a user name") is not { } u)
                return;
            c.Values.NoMoreThan(n, 2, "a user and an optional group");
            d.Misc.User = u.Text;
            d.Misc.Group = n.Arguments.Length > 1 ? n.Arguments[1].Text : null;
        });
        return t;
    }

    private static KeywordTable<Draft> UdpTable()
    {
        var t = Common(new KeywordTable<Draft>(), connection: true);
        t.On("payload", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a hex payload") is null)
                return;
            d.Udp.Payload = LvsMethodParser.Hex(n.Arguments.Select(a => a.Text), wildcards: false);
            if (d.Udp.Payload is null)
                c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, n.Name, string.Join(' ', n.Arguments.Select(a => a.Text)),
                    "not a hex string (pairs of 0-9 a-f, blanks between bytes allowed)", "; no payload is set"));
        });
        t.On("require_reply", (d, n, c) =>
        {
            d.Udp.RequireReply = true;
            if (n.Arguments.Length == 0)
                return;
            d.Udp.ReplyPattern = LvsMethodParser.Hex(n.Arguments.Select(a => a.Text), wildcards: true);
            if (d.Udp.ReplyPattern is null)
                c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, n.Name, string.Join(' ', n.Arguments.Select(a => a.Text)),
                    "not a hex string (0-9 a-f, x for any nibble)", "; any reply is accepted"));
        });
        t.OnUInt("min_reply_length", 0, ushort.MaxValue, (d, v) => d.Udp.MinReplyLength = (int)v);
        t.OnUInt("max_reply_length", 0, ushort.MaxValue, (d, v) => d.Udp.MaxReplyLength = (int)v);
        return t;
    }

    private static KeywordTable<Draft> FileTable()
    {
        var t = new KeywordTable<Draft>();
        t.On("track_file", (d, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a track_file name") is not { } tok)
                return;
            var file = d.Scope.TrackFiles.FirstOrDefault(f => f.Name == tok.Text);
            if (file is null)
                c.Report(BinderCodes.InvalidValue.At(tok.Span, n.Name, tok.Text, "no track_file of that name is defined above this point", "; ignored"));
            else
                d.File.TrackFile = file;
        });
        t.On("weight", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a weight") is null)
                return;
            if (!c.Values.TryInt(n, 0, -int.MaxValue, int.MaxValue, out var w, "the line is ignored"))
                return;
            bool reverse = false;
            if (n.Arguments.Length > 1)
            {
                var opt = n.Arguments[1];
                if (opt.Text is "reverse" or "noreverse")
                    reverse = opt.Text == "reverse";
                else
                {
                    c.Report(BinderCodes.UnknownOption.At(opt.Span, n.Name, opt.Text, " (reverse or noreverse): the whole line"));
                    return;
                }
            }
            c.Values.NoMoreThan(n, 2, "a weight and optionally reverse or noreverse");
            d.File.FileWeight = (int)w;
            d.File.FileReverse = reverse;
        });
        return t;
    }

    /// <summary>BFD_INAME_MAX (32) including the terminating NUL.</summary>
    private const int BfdNameMax = 31;

    private static KeywordTable<Draft> BfdTable()
    {
        var t = new KeywordTable<Draft>();
        // bfd_name_handler drops the checker on every error; once dropped, the rest of the block is ignored.
        t.On("name", (d, n, c) =>
        {
            if (d.Dropped)
                return;
            var span = n.Arguments.Length > 0 ? n.Arguments[0].Span : n.KeywordToken.Span;
            string? why = null;
            if (n.Arguments.Length != 1)
                why = "needs exactly one BFD instance name";
            else if (d.BfdName is not null)
                why = $"is already given ('{d.BfdName}')";
            else if (n.Arguments[0].Text.Length > BfdNameMax)
                why = $"'{n.Arguments[0].Text}' is longer than {BfdNameMax} characters";
            if (why is not null)
            {
                c.Report(BinderCodes.InvalidValue.At(span, n.Name, string.Join(' ', n.Arguments.Select(a => a.Text)), why, "; the checker is skipped, as keepalived does"));
                d.Dropped = true;
                return;
            }
            d.BfdName = n.Arguments[0].Text;
        });
        t.On("alpha", (d, n, c) =>
        {
            if (!d.Dropped && c.Values.TryOptionalBool(n, out var b))
                d.Alpha = b;
        });
        return t;
    }
}

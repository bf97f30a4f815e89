using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>HTTP_GET / SSL_GET and their <c>url { }</c> blocks (check_http.c).</summary>
public static partial class CheckerBinder
{
    /// <summary>One url block while it is read.</summary>
    public sealed class UrlDraft
    {
        public string? Path;
        public string? Digest;
        /// <summary>Accepted code ranges as written (merged when the url is complete); null = keepalived's 200-299.</summary>
        public List<(int From, int To)>? Codes;
        public bool AnyCode;
        public string? Virtualhost;
        public string? Regex;
        public bool RegexNoMatch;
        /// <summary>Raw settings (allocated with the first one).</summary>
        public List<RawSetting>? Other;
    }

    public static KeywordTable<UrlDraft> UrlTable { get; } = BuildUrlTable();

    private static KeywordTable<Draft> HttpTable()
    {
        var t = Common(new KeywordTable<Draft>(), connection: true);
        t.On("virtualhost", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a host name") is { } v)
                d.Http.Virtualhost = v.Text;
        });
        t.On("http_protocol", (d, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "1.0, 1.0C or 1.1") is not { } v)
                return;
            switch (v.Text)
            {
                case "1.0" or "1.1":
                    d.Http.HttpProtocol = v.Text;
                    break;
                case "1.0C" or "1.0c":
                    d.Http.HttpProtocol = "1.0C";
                    break;
                default:
                    c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, "1.0, 1.0C or 1.1", $"; ignored, the protocol stays {d.Http.HttpProtocol}"));
                    break;
            }
        });
        t.OnBool("enable_sni", (d, b) => d.Http.EnableSni = b);
        t.OnBool("fast_recovery", (d, b) => d.Http.FastRecovery = b);
        t.On("url", (d, n, c) =>
        {
            var u = new UrlDraft();
            UrlTable.Bind(u, n.Children, c, ref u.Other);
            if (CompleteUrl(u, n, d.Kind, c) is { } url)
                (d.Http.Urls ??= new List<HttpUrl>()).Add(url);
        });
        return t;
    }

    private static KeywordTable<UrlDraft> BuildUrlTable()
    {
        var t = new KeywordTable<UrlDraft>();
        t.On("path", (u, n, c) =>
        {
            if (c.Values.Arg(n, 0, "a path") is { } v)
                u.Path = v.Text;
        });
        t.On("digest", (u, n, c) =>
        {
            if (c.Values.Arg(n, 0, "an MD5 digest (32 hex digits)") is not { } v)
                return;
            if (u.Digest is not null)
            {
                c.Report(BinderCodes.Ignored.At(v.Span, n.Name, $"is a duplicate (the url already has digest {u.Digest}): '{v.Text}'"));
                return;
            }
            if (v.Text.Length != 32)
            {
                c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, $"an MD5 digest is 32 hex digits, not {v.Text.Length}", "; ignored"));
                return;
            }
            if (!v.Text.All(char.IsAsciiHexDigit))
            {
                c.Report(BinderCodes.InvalidValue.At(v.Span, n.Name, v.Text, "not hexadecimal", "; ignored"));
                return;
            }
            u.Digest = v.Text.ToLowerInvariant();
        });
        t.On("status_code", (u, n, c) =>
        {
            foreach (var w in n.Arguments)
            {
                if (!LvsMethodParser.TryStatusRange(w.Text, out var from, out var to))
                {
                    c.Report(BinderCodes.InvalidValue.At(w.Span, n.Name, w.Text, "a status code or range CODE-CODE within 100..599", "; this word is ignored"));
                    continue;
                }
                (u.Codes ??= new List<(int, int)>()).Add((from, to));
                u.AnyCode = true;
            }
        });
        t.On("virtualhost", (u, n, c) =>
        {
            if (c.Values.OptionalArg(n, 0, "a host name") is { } v)
                u.Virtualhost = v.Text;
        });
        t.On("regex", (u, n, c) =>
        {
            // regex_handler re-reads the line and wants exactly one (quoted) pattern; it only logs otherwise.
            if (n.Arguments.Length != 1)
            {
                c.Report(BinderCodes.NoEffect.At(n.KeywordToken.Span, n.Name, "needs exactly one pattern (quote it if it has blanks); keepalived logs this and ignores the line"));
                return;
            }
            u.Regex = n.Arguments[0].Text;
        });
        t.On("regex_no_match", (u, n, c) => u.RegexNoMatch = true);
        return t;
    }

    /// <summary>keepalived's default when a url has no status_code: 200-299.</summary>
    private static readonly ValueList<(int From, int To)> DefaultStatusCodes = [(200, 299)];

    /// <summary>url_check: a url without a path is dropped; no status_code means 200-299; regex options without a
    /// regex are cleared.</summary>
    private static HttpUrl? CompleteUrl(UrlDraft u, SyntaxNode n, string kind, BindContext c)
    {
        if (u.Path is null)
        {
            c.Report(BinderCodes.RequiredMissing.At(n.CloseSpan, kind, "url", "path", "the url is ignored, as keepalived does"));
            return null;
        }
        var codes = u.AnyCode && u.Codes is not null ? LvsMethodParser.Ranges(u.Codes) : DefaultStatusCodes;
        var other = u.Other;
        if (u.Regex is null && (u.RegexNoMatch || other is { Count: > 0 }))
        {
            c.Report(BinderCodes.NoEffect.At(n.KeywordToken.Span, n.Name, "regex options are given without 'regex'; keepalived logs this and clears them"));
            other = [];
            u.RegexNoMatch = false;
        }
        return new HttpUrl(u.Path, u.Digest, codes, u.Virtualhost, u.Regex, u.RegexNoMatch, new Origin(n.Span))
        {
            Other = other is null ? ValueList<RawSetting>.Empty : other.ToValueList(),
        };
    }

}

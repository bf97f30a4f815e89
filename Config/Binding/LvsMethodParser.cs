using System.Globalization;
using System.Text;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Small LVS value parsers shared by the virtual_server, real_server and checker binders: schedulers, forwarding
/// methods (check_parser.c svr_forwarding_handler), protocols, hex strings (parser.c read_hex_str) and HTTP status
/// code lists (check_http.c status_code_handler).
/// </summary>
public static class LvsMethodParser
{
    /// <summary>keepalived 2.2.7's lvs_schedulers[].</summary>
    public static readonly IReadOnlyList<string> Schedulers =
        ["rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos"];

    /// <summary>The default forwarding when a tunnel option is wrong and nothing was set before.</summary>
    private static readonly ForwardingConfig Nat = new(ForwardingMethod.Nat);

    /// <summary>
    /// <c>NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]</c>. Returns null when the method is unknown
    /// (keepalived ignores the line). When a tunnel option is wrong keepalived has already stored the method, so the
    /// result is the new method with the previous tunnel settings of <paramref name="previous"/>.
    /// </summary>
    public static ForwardingConfig? Forwarding(SyntaxNode n, BindContext c, ForwardingConfig? previous, string server)
    {
        if (c.Values.Arg(n, 0, "NAT, DR or TUN") is not { } m)
            return null;
        ForwardingMethod method;
        switch (m.Text)
        {
            case "NAT": method = ForwardingMethod.Nat; break;
            case "DR": method = ForwardingMethod.DirectRouting; break;
            case "TUN": method = ForwardingMethod.Tunnel; break;
            default:
                c.Report(BinderCodes.InvalidValue.At(m.Span, n.Name, m.Text, $"unknown routing method for the {server} server: NAT, DR or TUN", "; the line is ignored"));
                return null;
        }
        var prev = previous ?? Nat;
        var keepPrevious = prev with { Method = method };
        var type = TunnelType.IpIp;
        int port = 0;
        var csum = TunnelChecksum.None;
        var args = n.Arguments;
        for (int i = 1; i < args.Length; i++)
        {
            var w = args[i];
            switch (w.Text)
            {
                case "type":
                    if (i + 1 >= args.Length)
                        return Fail(c, n, w, "'type' needs ipip, gue or gre", keepPrevious);
                    var t = args[++i];
                    switch (t.Text)
                    {
                        case "ipip": type = TunnelType.IpIp; break;
                        case "gue": type = TunnelType.Gue; break;
                        case "gre": type = TunnelType.Gre; break;
                        default: return Fail(c, n, t, $"unknown tunnel type '{t.Text}' (ipip, gue or gre)", keepPrevious);
                    }
                    break;
                case "port":
                    if (i + 1 >= args.Length)
                        return Fail(c, n, w, "'port' needs a gue tunnel port", keepPrevious);
                    var p = args[++i];
                    if (!c.Values.TryUInt(n.Name, p, 1, 65535, out var pv, $"the {server} server keeps its previous tunnel settings"))
                        return keepPrevious;
                    port = (int)pv;
                    break;
                case "nocsum": csum = TunnelChecksum.NoCsum; break;
                case "csum": csum = TunnelChecksum.Csum; break;
                case "remcsum": csum = TunnelChecksum.RemCsum; break;
                default:
                    return Fail(c, n, w, $"invalid tunnel option '{w.Text}'", keepPrevious);
            }
        }
        if ((type == TunnelType.Gue) != (port != 0))
            return Fail(c, n, m, "gue tunnels require a port, and other tunnels cannot have one", keepPrevious);
        if (type == TunnelType.IpIp && csum is TunnelChecksum.Csum or TunnelChecksum.RemCsum)
            return Fail(c, n, m, "ipip tunnels do not support a checksum option", keepPrevious);
        if (type == TunnelType.Gre && csum == TunnelChecksum.RemCsum)
            return Fail(c, n, m, "gre tunnels do not support the remote checksum option", keepPrevious);
        return new ForwardingConfig(method, type, port == 0 ? null : port, csum);
    }

    private static ForwardingConfig Fail(BindContext c, SyntaxNode n, Token at, string why, ForwardingConfig keep)
    {
        c.Report(BinderCodes.InvalidValue.At(at.Span, n.Name, string.Join(' ', n.Arguments.Select(a => a.Text)), why,
            $"; keepalived sets the method {Describe(keep.Method)} and keeps the previous tunnel settings"));
        return keep;
    }

    public static string Describe(ForwardingMethod m) => m switch
    {
        ForwardingMethod.Nat => "NAT",
        ForwardingMethod.DirectRouting => "DR",
        _ => "TUN",
    };

    /// <summary>TCP|UDP|SCTP, case-insensitive (strcasecmp).</summary>
    public static LvsProtocol? Protocol(string text) => text.ToUpperInvariant() switch
    {
        "TCP" => LvsProtocol.Tcp,
        "UDP" => LvsProtocol.Udp,
        "SCTP" => LvsProtocol.Sctp,
        _ => null,
    };

    /// <summary>
    /// read_hex_str: the words joined by single spaces; each group of one or two hex digits is one byte (spaces
    /// separate groups). With <paramref name="wildcards"/>, x/X is a wildcard nibble. Returns the bytes as lowercase
    /// hex, two characters per byte ('x' for a wildcard nibble), or null when the string is empty or invalid.
    /// </summary>
    public static string? Hex(IEnumerable<string> words, bool wildcards)
    {
        var s = string.Join(' ', words);
        var sb = new StringBuilder();
        int i = 0;
        while (true)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t'))
                i++;
            if (i >= s.Length)
                break;
            if (Nibble(s[i++], wildcards) is not { } hi)
                return null;
            if (i < s.Length && s[i] != ' ')
            {
                if (Nibble(s[i++], wildcards) is not { } lo)
                    return null;
                sb.Append(hi).Append(lo);
            }
            else
            {
                sb.Append('0').Append(hi);
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    private static char? Nibble(char ch, bool wildcards)
    {
        if (char.IsAsciiHexDigit(ch))
            return char.ToLowerInvariant(ch);
        if (wildcards && ch is 'x' or 'X')
            return 'x';
        return null;
    }

    /// <summary>One status_code word: <c>N</c> or <c>A-B</c> within 100..599 (strtoul base 10 as keepalived).</summary>
    public static bool TryStatusRange(string word, out int from, out int to)
    {
        from = to = 0;
        int dash = word.IndexOf('-');
        var a = dash < 0 ? word : word[..dash];
        var b = dash < 0 ? word : word[(dash + 1)..];
        if (!TryCode(a, out from) || !TryCode(b, out to))
            return false;
        return from <= to;
    }

    private static readonly System.Collections.Immutable.ImmutableArray<(int From, int To)>[] SingleCodes = new System.Collections.Immutable.ImmutableArray<(int From, int To)>[500];

    private static bool TryCode(string text, out int code)
    {
        code = 0;
        // strtoul accepts leading blanks and a sign; keepalived's words have no blanks, and a sign on a status code is
        // not something anyone writes: only plain digits are accepted.
        if (text.Length == 0 || text.Length > 3 || text.AsSpan().ContainsAnyExceptInRange('0', '9'))
            return false;
        code = int.Parse(text, CultureInfo.InvariantCulture);
        return code is >= 100 and <= 599;
    }

    /// <summary>Turns the ranges written into sorted, merged ranges (touching or overlapping ranges become one, as
    /// keepalived's bitmap of codes makes them).</summary>
    public static ValueList<(int From, int To)> Ranges(List<(int From, int To)> ranges)
    {
        // Most urls give one code: share one immutable list per code (thousands of checkers write status_code 200).
        if (ranges.Count == 1 && ranges[0].From == ranges[0].To && ranges[0].From is >= 100 and <= 599)
        {
            // ImmutableArray is one reference: a concurrent load sees either nothing yet or a complete array.
            ref var cached = ref SingleCodes[ranges[0].From - 100];
            if (cached.IsDefault)
                cached = [ranges[0]];
            return new ValueList<(int From, int To)>(cached);
        }
        ranges.Sort();
        var merged = new List<(int From, int To)>(ranges.Count);
        foreach (var r in ranges)
        {
            if (merged.Count > 0 && r.From <= merged[^1].To + 1)
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, r.To));
            else
                merged.Add(r);
        }
        return merged.ToValueList();
    }
}

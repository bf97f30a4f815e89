using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Route and rule lines of static_routes / virtual_routes and static_rules / virtual_rules (keepalived-reference.md
/// §2.3, vrrp_iproute.c / vrrp_iprule.c). The destination, gateway, device, table, metric, scope and protocol are
/// typed; the long tail of ip-route(8) options is kept by name after its syntax is checked.
/// </summary>
public static class RouteRuleBinder
{
    private static readonly HashSet<string> RouteTypes = new(StringComparer.Ordinal)
    {
        "unicast", "local", "broadcast", "multicast", "throw", "unreachable", "prohibit", "blackhole", "nat", "anycast",
    };

    /// <summary>Route options taking one value, kept by name (ip-route(8)).</summary>
    private static readonly HashSet<string> RouteValueOptions = new(StringComparer.Ordinal)
    {
        "tos", "dsfield", "realms", "mtu", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh",
        "initcwnd", "initrwnd", "rto_min", "hoplimit", "features", "quickack", "congctl", "pref", "expires", "vrf",
        "fastopen_no_cookie", "ttl-propagate", "encap",
    };

    private static readonly HashSet<string> RouteFlags = new(StringComparer.Ordinal) { "onlink", "append", "prepend", "lock", "ecn" };

    /// <summary>A route type: a name of /etc/iproute2/rt_types or a number 0..255.</summary>
    private static bool IsRouteType(string word) =>
        RouteTypes.Contains(word) || (word.Length <= 3 && !word.AsSpan().ContainsAnyExceptInRange('0', '9') && int.Parse(word, System.Globalization.CultureInfo.InvariantCulture) <= 255);

    public static RouteEntry? BindRoute(string keyword, ImmutableArray<Token> words, bool isStatic, BindContext context)
    {
        string type = "unicast";
        IPAddress? dest = null, src = null, via = null;
        int destPrefix = 0;
        bool haveDest = false;
        string? dev = null, table = null, scope = null, protocol = null, trackGroup = null;
        long? metric = null;
        bool noTrack = false;
        AddressFamily? family = null;
        var options = new List<KeyValuePair<string, string>>();
        var nextHops = new List<RouteNextHop>();
        var first = words[0];

        for (int i = 0; i < words.Length; i++)
        {
            var w = words[i];
            string? Param()
            {
                if (i + 1 < words.Length)
                    return words[++i].Text;
                context.Report(BinderCodes.MissingParameter.At(w.Span, keyword, $"a value after '{w.Text}'"));
                return null;
            }

            switch (w.Text)
            {
                case "src":
                    if (Param() is { } s && !ParseAddr(keyword, words[i], s, context, out src))
                        return null;
                    break;
                case "via" or "gw":
                    if (w.Text == "gw")
                        context.Report(BinderCodes.DeprecatedUse.At(w.Span, keyword, "'gw' is deprecated; use 'via'"));
                    if (Param() is { } g && !ParseAddr(keyword, words[i], g, context, out via))
                        return null;
                    break;
                case "or":
                    context.Report(BinderCodes.DeprecatedUse.At(w.Span, keyword, "'or' is deprecated; use 'nexthop'"));
                    if (Param() is { } o)
                    {
                        if (!ParseAddr(keyword, words[i], o, context, out var orVia))
                            return null;
                        nextHops.Add(new RouteNextHop(orVia, null, null, false));
                    }
                    break;
                case "dev" or "oif":
                    dev = Param();
                    break;
                case "table":
                    table = Param();
                    break;
                case "metric" or "priority" or "preference":
                    if (Param() is not null && context.Values.TryUInt(keyword, words[i], 0, uint.MaxValue, out var m, "metric ignored"))
                        metric = m;
                    break;
                case "scope":
                    scope = Param();
                    break;
                case "protocol" or "proto":
                    protocol = Param();
                    break;
                case "inet":
                    family = AddressFamily.InterNetwork;
                    break;
                case "inet6":
                    family = AddressFamily.InterNetworkV6;
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                case "track_group" when isStatic:
                    trackGroup = Param();
                    break;
                case "nexthop":
                {
                    IPAddress? nhVia = null;
                    string? nhDev = null;
                    int? weight = null;
                    bool onlink = false;
                    while (i + 1 < words.Length && words[i + 1].Text is "via" or "dev" or "weight" or "onlink")
                    {
                        var opt = words[++i];
                        if (opt.Text == "onlink")
                        {
                            onlink = true;
                            continue;
                        }
                        if (i + 1 >= words.Length)
                        {
                            context.Report(BinderCodes.MissingParameter.At(opt.Span, keyword, $"a value after '{opt.Text}'"));
                            break;
                        }
                        var val = words[++i];
                        if (opt.Text == "via")
                            ParseAddr(keyword, val, val.Text, context, out nhVia);
                        else if (opt.Text == "dev")
                            nhDev = val.Text;
                        else if (context.Values.TryUInt(keyword, val, 1, 256, out var wt, "weight ignored"))
                            weight = (int)wt;
                    }
                    nextHops.Add(new RouteNextHop(nhVia, nhDev, weight, onlink));
                    break;
                }
                default:
                    if (RouteValueOptions.Contains(w.Text))
                    {
                        if (Param() is { } v)
                            options.Add(new(w.Text, v));
                    }
                    else if (RouteFlags.Contains(w.Text))
                    {
                        options.Add(new(w.Text, string.Empty));
                    }
                    else
                    {
                        // vrrp_iproute.c alloc_route: any other word is "[to] [TYPE] DESTINATION". A type (a name or a
                        // number) needs a destination after it (keepalived stops reading when it is missing); a word
                        // that is not a destination drops the route ("unknown route keyword").
                        int k = i;
                        if (words[k].Text == "to")
                            k++;
                        if (k < words.Length && IsRouteType(words[k].Text))
                        {
                            type = words[k].Text;
                            k++;
                        }
                        if (k >= words.Length)
                        {
                            context.Report(BinderCodes.MissingParameter.At(words[k - 1].Span, keyword, $"a destination after '{words[k - 1].Text}'"));
                            return null;
                        }
                        var dw = words[k];
                        i = k;
                        if (dw.Text is "default" or "any" or "all" or "default6")
                        {
                            haveDest = true;
                            dest = null;
                            if (dw.Text == "default6")
                            {
                                context.Report(BinderCodes.DeprecatedUse.At(dw.Span, keyword, "'default6' is deprecated; use 'inet6 default'"));
                                family = AddressFamily.InterNetworkV6;
                            }
                        }
                        else if (ValueReader.TryParsePrefix(dw.Text, out var d, out var dp, out var ok) && ok)
                        {
                            haveDest = true;
                            dest = d;
                            destPrefix = dp;
                        }
                        else
                        {
                            context.Report(BinderCodes.InvalidAddress.At(dw.Span, keyword, dw.Text, "route destination or keyword", "; the route is skipped, as keepalived does"));
                            return null;
                        }
                    }
                    break;
            }
        }
        if (!haveDest)
        {
            context.Report(BinderCodes.MissingParameterIgnored.At(first.Span, keyword, "a destination"));
            return null;
        }
        var families = new[] { dest, src, via }.Where(a => a is not null).Select(a => a!.AddressFamily).Distinct().ToList();
        if (families.Count > 1 || (family is { } f && families.Count == 1 && families[0] != f))
        {
            context.Report(BinderCodes.InvalidValue.At(first.Span, keyword, string.Join(' ', words.Select(t => t.Text)), "addresses of different families", "; the route is skipped"));
            return null;
        }
        if (!noTrack && dev is null && nextHops.All(n => n.Device is null))
            context.Report(BinderCodes.ValueReplaced.At(first.Span, keyword, "a route with no interface cannot be tracked", "no tracking of this route"));
        return new RouteEntry(type, dest, destPrefix, src, via, dev, table, metric, scope, protocol, nextHops.ToValueList(),
            options.ToValueList(), noTrack, trackGroup, new Origin(first.Span))
        {
            Family = family ?? (families.Count == 1 ? families[0] : AddressFamily.InterNetwork),
        };
    }

    private static readonly HashSet<string> RuleValueOptions = new(StringComparer.Ordinal)
    {
        "iif", "oif", "tos", "dsfield", "fwmark", "realms", "goto", "suppress_prefixlength", "suppress_ifgroup",
        "uidrange", "protocol", "ipproto", "sport", "dport", "tunnel-id", "type",
    };

    private static readonly HashSet<string> RuleFlags = new(StringComparer.Ordinal) { "nop", "l3mdev" };

    public static RuleEntry? BindRule(string keyword, ImmutableArray<Token> words, bool isStatic, BindContext context)
    {
        bool not = false, noTrack = false, ipv6 = false, familySet = false;
        IPAddress? from = null, to = null;
        int fromPrefix = 0, toPrefix = 0;
        long? preference = null;
        string? table = null, trackGroup = null;
        var options = new List<KeyValuePair<string, string>>();
        var first = words[0];
        for (int i = 0; i < words.Length; i++)
        {
            var w = words[i];
            string? Param()
            {
                if (i + 1 < words.Length)
                    return words[++i].Text;
                context.Report(BinderCodes.MissingParameter.At(w.Span, keyword, $"a value after '{w.Text}'"));
                return null;
            }

            switch (w.Text)
            {
                case "not":
                    not = true;
                    break;
                case "from" or "to":
                {
                    if (Param() is not { } p)
                        return null;
                    if (p is "all" or "any" or "default")
                        break;
                    if (!ValueReader.TryParsePrefix(p, out var a, out var len, out var ok) || !ok)
                    {
                        context.Report(BinderCodes.InvalidAddress.At(words[i].Span, keyword, p, "address or prefix", "; the rule is skipped"));
                        return null;
                    }
                    if (w.Text == "from") { from = a; fromPrefix = len; }
                    else { to = a; toPrefix = len; }
                    break;
                }
                case "priority" or "preference" or "order" or "pref" or "prio":
                    if (Param() is not null && context.Values.TryUInt(keyword, words[i], 0, uint.MaxValue, out var pr, "preference ignored"))
                        preference = pr;
                    break;
                case "table" or "lookup":
                    table = Param();
                    break;
                case "inet":
                    familySet = true;
                    break;
                case "inet6":
                    ipv6 = true;
                    familySet = true;
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                case "track_group" when isStatic:
                    trackGroup = Param();
                    break;
                default:
                    if (RuleValueOptions.Contains(w.Text))
                    {
                        if (Param() is { } v)
                            options.Add(new(w.Text, v));
                    }
                    else if (RuleFlags.Contains(w.Text))
                        options.Add(new(w.Text, string.Empty));
                    else
                        context.Report(BinderCodes.UnknownOption.At(w.Span, keyword, w.Text, " in rule"));
                    break;
            }
        }
        var fams = new[] { from, to }.Where(a => a is not null).Select(a => a!.AddressFamily).Distinct().ToList();
        if (fams.Count > 1)
        {
            context.Report(BinderCodes.InvalidValue.At(first.Span, keyword, string.Join(' ', words.Select(t => t.Text)), "addresses of different families", "; the rule is skipped"));
            return null;
        }
        if (!familySet && fams.Count == 1)
            ipv6 = fams[0] == AddressFamily.InterNetworkV6;
        bool hasAction = table is not null || options.Any(o => o.Key is "goto" or "nop" or "type");
        if (!hasAction)
        {
            context.Report(BinderCodes.InvalidValue.At(first.Span, keyword, string.Join(' ', words.Select(t => t.Text)),
                "a rule needs an action: table/lookup, goto, nop or type", "; the rule is ignored, as keepalived does"));
            return null;
        }
        if (preference is null)
            context.Report(BinderCodes.DefaultApplied.At(first.Span, keyword + " rule", "preference", "one it assigns itself, which is probably not what you want"));
        return new RuleEntry(not, from, fromPrefix, to, toPrefix, preference, table, ipv6, options.ToValueList(), noTrack, trackGroup, new Origin(first.Span));
    }

    private static bool ParseAddr(string keyword, Token token, string text, BindContext context, out IPAddress? address)
    {
        if (ValueReader.TryParseAddress(text, out var a))
        {
            address = a;
            return true;
        }
        address = null;
        context.Report(BinderCodes.InvalidAddress.At(token.Span, keyword, text, "IP address", "; the line is skipped"));
        return false;
    }
}

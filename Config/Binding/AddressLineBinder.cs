using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// One address line of static_ipaddress / virtual_ipaddress / virtual_ipaddress_excluded:
/// <c>IP[/LEN] [brd IP|+|-] [dev IF] [scope S] [label L] [peer IP] [home] [-nodad] [mngtmpaddr] [noprefixroute]
/// [autojoin] [preferred_lft N|forever] [track_group G] [no_track] [use_vmac]</c> (vrrp_ipaddress.c alloc_ipaddress).
/// A line keepalived drops is dropped with an error saying why; a part it ignores is reported and ignored.
/// </summary>
public static class AddressLineBinder
{
    public const int InterfaceNameMax = 15;

    public static IpAddressEntry? Bind(string keyword, ImmutableArray<Token> words, bool isStatic, BindContext context)
    {
        var first = words[0];
        if (!ValueReader.TryParsePrefix(first.Text, out var address, out var prefix, out var prefixValid))
        {
            context.Report(BinderCodes.InvalidAddress.At(first.Span, keyword, first.Text, "IP address", "; the address is skipped"));
            return null;
        }
        if (!prefixValid)
        {
            int full = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            context.Report(BinderCodes.ValueReplaced.At(first.Span, keyword, $"invalid prefix length in '{first.Text}'", $"/{full}"));
        }

        bool v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        string? device = null, label = null, trackGroup = null;
        var scope = AddressScope.Global;
        var brdMode = BroadcastMode.None;
        IPAddress? broadcast = null, peer = null;
        int peerPrefix = 0;
        bool home = false, nodad = false, mngtmp = false, noprefixroute = false, autojoin = false, noTrack = false, useVmac = false;
        long? preferredLft = null;

        for (int i = 1; i < words.Length; i++)
        {
            var word = words[i];
            bool hasParam = i + 1 < words.Length;
            string Need()
            {
                return words[++i].Text;
            }

            switch (word.Text)
            {
                case "dev" or "scope" or "broadcast" or "brd" or "label" or "peer" or "preferred_lft" or "track_group" when !hasParam:
                    context.Report(BinderCodes.MissingParameter.At(word.Span, keyword, $"a value after '{word.Text}' for {first.Text}"));
                    return null;
                case "dev":
                    if (device is not null)
                    {
                        context.Report(BinderCodes.Ignored.At(word.Span, keyword, $"names a device twice for {first.Text}: the address is skipped, as keepalived does"));
                        return null;
                    }
                    device = Need();
                    break;
                case "scope":
                {
                    var s = Need();
                    if (TryScope(s, out var sc))
                        scope = sc;
                    else
                        context.Report(BinderCodes.InvalidValue.At(words[i].Span, keyword, s, "scope must be global, site, link, host, nowhere or 0..255", "; scope ignored"));
                    break;
                }
                case "broadcast" or "brd":
                {
                    var b = Need();
                    if (v6)
                    {
                        context.Report(BinderCodes.Ignored.At(word.Span, keyword, $"gives a broadcast to the IPv6 address {first.Text}: the address is skipped, as keepalived does"));
                        return null;
                    }
                    if (b == "+")
                        brdMode = BroadcastMode.AllOnes;
                    else if (b == "-")
                        brdMode = BroadcastMode.Network;
                    else if (ValueReader.TryParseAddress(b, out var ba) && ba.AddressFamily == AddressFamily.InterNetwork)
                    {
                        brdMode = BroadcastMode.Explicit;
                        broadcast = ba;
                    }
                    else
                    {
                        context.Report(BinderCodes.InvalidAddress.At(words[i].Span, keyword, b, "broadcast address", "; the address is skipped, as keepalived does"));
                        return null;
                    }
                    break;
                }
                case "label":
                {
                    var l = Need();
                    if (l.Length > InterfaceNameMax)
                    {
                        context.Report(BinderCodes.Ignored.At(words[i].Span, keyword, $"label '{l}' is longer than {InterfaceNameMax} characters: the address is skipped, as keepalived does"));
                        return null;
                    }
                    label = l;
                    break;
                }
                case "peer":
                {
                    var p = Need();
                    if (peer is not null)
                        context.Report(BinderCodes.Ignored.At(words[i].Span, keyword, $"peer {p}: another peer was already given"));
                    else if (!ValueReader.TryParsePrefix(p, out var pa, out var pp, out _))
                        context.Report(BinderCodes.InvalidAddress.At(words[i].Span, keyword, p, "peer address", "; peer ignored"));
                    else if (pa.AddressFamily != address.AddressFamily)
                        context.Report(BinderCodes.InvalidValue.At(words[i].Span, keyword, p, "the peer's family differs from the address's", "; peer ignored"));
                    else
                    {
                        if (prefix != (v6 ? 128 : 32))
                            context.Report(BinderCodes.Ignored.At(first.Span, keyword, "cannot have a prefix length together with a peer address: the prefix is ignored"));
                        peer = pa;
                        peerPrefix = pp;
                        prefix = pp;
                    }
                    break;
                }
                case "home":
                    home = true;
                    break;
                case "-nodad":
                    nodad = true;
                    break;
                case "mngtmpaddr":
                    mngtmp = true;
                    break;
                case "noprefixroute":
                    noprefixroute = true;
                    break;
                case "autojoin":
                    autojoin = true;
                    break;
                case "no_track":
                    noTrack = true;
                    break;
                case "preferred_lft":
                {
                    var v = Need();
                    if (v == "forever")
                        preferredLft = uint.MaxValue;
                    else if (context.Values.TryUInt(keyword, words[i], 0, uint.MaxValue, out var lft, "preferred_lft ignored"))
                        preferredLft = lft;
                    break;
                }
                case "track_group" when isStatic:
                {
                    var g = Need();
                    if (trackGroup is not null)
                        context.Report(BinderCodes.Ignored.At(words[i].Span, keyword, $"track_group {g} is a duplicate"));
                    else
                        trackGroup = g;
                    break;
                }
                case "use_vmac" when !isStatic:
                    useVmac = true;
                    break;
                default:
                    context.Report(BinderCodes.UnknownOption.At(word.Span, keyword, word.Text, $" for ip address {first.Text}"));
                    break;
            }
        }

        if (brdMode != BroadcastMode.None && peer is not null)
        {
            context.Report(BinderCodes.Ignored.At(first.Span, keyword, "cannot have both broadcast and peer addresses: the broadcast is ignored"));
            brdMode = BroadcastMode.None;
            broadcast = null;
        }
        else if (brdMode is BroadcastMode.AllOnes or BroadcastMode.Network && prefix > 30)
        {
            context.Report(BinderCodes.Ignored.At(first.Span, keyword, $"prefix length /{prefix} is too long for a computed broadcast: brd ignored"));
            brdMode = BroadcastMode.None;
        }
        if (v6)
        {
            if (scope != AddressScope.Global)
            {
                context.Report(BinderCodes.Ignored.At(first.Span, keyword, $"cannot give a scope to the IPv6 address {first.Text}: scope ignored"));
                scope = AddressScope.Global;
            }
            if (label is not null)
            {
                context.Report(BinderCodes.Ignored.At(first.Span, keyword, $"cannot give a label to the IPv6 address {first.Text}: label ignored"));
                label = null;
            }
            // keepalived's defaults: a /128 VIP is deprecated (preferred_lft 0) so it is not used as a source.
            preferredLft ??= prefix == 128 ? 0 : uint.MaxValue;
        }
        if (trackGroup is not null && device is null)
        {
            context.Report(BinderCodes.Ignored.At(first.Span, keyword, "track_group needs 'dev': track_group ignored"));
            trackGroup = null;
        }

        return new IpAddressEntry(address, prefix, brdMode, broadcast, device, scope, label, peer, peerPrefix, home, nodad, mngtmp,
            noprefixroute, autojoin, preferredLft, trackGroup, noTrack, useVmac, new Origin(first.Span));
    }

    /// <summary>Scope names of /etc/iproute2/rt_scopes, or a number 0..255.</summary>
    public static bool TryScope(string text, out AddressScope scope)
    {
        scope = AddressScope.Global;
        switch (text)
        {
            case "global":
                scope = AddressScope.Global;
                return true;
            case "site":
                scope = AddressScope.Site;
                return true;
            case "link":
                scope = AddressScope.Link;
                return true;
            case "host":
                scope = AddressScope.Host;
                return true;
            case "nowhere":
                scope = AddressScope.Nowhere;
                return true;
        }
        if (byte.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            scope = (AddressScope)n;
            return true;
        }
        return false;
    }
}

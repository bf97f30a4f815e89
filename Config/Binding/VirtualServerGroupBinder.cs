using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Binds <c>virtual_server_group NAME { … }</c> (check_data.c alloc_vsg_entry). Each line is <c>IP [PORT]</c>,
/// <c>IP-LAST [PORT]</c> (LAST is the last octet, or the last 16-bit group in hex for IPv6, or a whole address),
/// <c>IP/LEN [PORT]</c>, or <c>fwmark N [inet|inet6]</c>. A bad line is skipped; a group left empty is removed.
/// </summary>
public static class VirtualServerGroupBinder
{
    private const string Keyword = "virtual_server_group";

    public static VirtualServerGroupConfig? Bind(SyntaxNode n, BindContext c)
    {
        if (c.BlockName(n) is not { } name)
            return null;
        if (n.Arguments.Length > 1)
            c.Report(BinderCodes.ExtraArguments.At(n.Arguments[1].Span, n.Name, "one name", n.Arguments[1].Text));
        var entries = new List<VirtualServerGroupEntry>();
        foreach (var line in n.Values)
            if (Line(line, c) is { } e)
                entries.Add(e);
        if (entries.Count == 0)
        {
            c.Report(BinderCodes.RequiredMissing.At(n.Arguments[0].Span, Keyword, name, "valid entries", "it is removed, as keepalived does"));
            return null;
        }
        bool v4 = entries.Any(e => e.First?.AddressFamily == AddressFamily.InterNetwork || e.FwmarkIPv6 == false);
        bool v6 = entries.Any(e => e.First?.AddressFamily == AddressFamily.InterNetworkV6 || e.FwmarkIPv6 == true);
        bool markNoFamily = entries.Any(e => e.Fwmark is not null && e.FwmarkIPv6 is null);
        if (v4 && v6 && markNoFamily)
        {
            c.Report(BinderCodes.InvalidValue.At(n.Arguments[0].Span, Keyword, name, "a group cannot have IPv4, IPv6 and a fwmark without family",
                "; the group is removed, as keepalived does"));
            return null;
        }
        return new VirtualServerGroupConfig(name, entries.ToValueList(), new Origin(n.Span));
    }

    private static VirtualServerGroupEntry? Line(ImmutableArray<Token> line, BindContext c)
    {
        var first = line[0];
        var origin = new Origin(first.Span);
        if (first.Text == "fwmark")
        {
            if (line.Length < 2)
            {
                c.Report(BinderCodes.MissingParameter.At(first.Span, Keyword, "a fwmark number after 'fwmark'"));
                return null;
            }
            if (!c.Values.TryUInt(Keyword, line[1], 0, uint.MaxValue, out var mark, "the line is skipped"))
                return null;
            bool? ipv6 = null;
            if (line.Length > 2)
            {
                switch (line[2].Text)
                {
                    case "inet": ipv6 = false; break;
                    case "inet6": ipv6 = true; break;
                    default:
                        c.Report(BinderCodes.InvalidValue.At(line[2].Span, Keyword, line[2].Text, "inet or inet6", "; the line is skipped"));
                        return null;
                }
            }
            Extra(line, 3, "fwmark N [inet|inet6]", c);
            return new VirtualServerGroupEntry(null, null, 0, (uint)mark, ipv6, origin);
        }

        int port = 0;
        if (line.Length > 1 && line[1].Text.AsSpan().ContainsAnyExcept('0'))
        {
            // A port of 0 (any number of zeros) means no port, as keepalived accepts since 2.0.7.
            if (!c.Values.TryUInt(Keyword, line[1], 1, 65535, out var p, "the line is skipped"))
                return null;
            port = (int)p;
        }
        Extra(line, 2, "an address or range and an optional port", c);
        var text = first.Text;
        int cut = text.IndexOfAny(['-', '/']);
        var addrText = cut < 0 ? text : text[..cut];
        if (!ValueReader.TryParseAddress(addrText, out var start) || addrText.Contains('%'))
        {
            c.Report(BinderCodes.InvalidAddress.At(first.Span, Keyword, text, "address, range or prefix", "; the line is skipped"));
            return null;
        }
        bool isV6 = start.AddressFamily == AddressFamily.InterNetworkV6;
        int bits = isV6 ? 128 : 32;
        var startNum = ToNumber(start);

        int slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var maskText = text[(slash + 1)..];
            int mask = maskText.Length is > 0 and <= 3 && !maskText.AsSpan().ContainsAnyExceptInRange('0', '9') ? int.Parse(maskText, CultureInfo.InvariantCulture) : -1;
            if (mask < 1 || mask > bits)
            {
                c.Report(BinderCodes.InvalidValue.At(first.Span, Keyword, text, $"the prefix length must be 1..{bits}", "; the line is skipped"));
                return null;
            }
            var hostMask = (BigInteger.One << (bits - mask)) - 1;
            if ((startNum & hostMask) != 0)
            {
                c.Report(BinderCodes.InvalidValue.At(first.Span, Keyword, text, "the address has bits set after the prefix", "; the line is skipped"));
                return null;
            }
            return new VirtualServerGroupEntry(start, FromNumber(startNum | hostMask, isV6), port, null, null, origin);
        }

        int dash = text.IndexOf('-');
        if (dash < 0)
            return new VirtualServerGroupEntry(start, start, port, null, null, origin);

        var endText = text[(dash + 1)..];
        if (endText.Contains(isV6 ? ':' : '.'))
        {
            // A whole end address (inet_stosockaddr also cuts it at a further '-' or '/').
            int endCut = endText.IndexOfAny(['-', '/']);
            var endAddrText = endCut < 0 ? endText : endText[..endCut];
            if (!ValueReader.TryParseAddress(endAddrText, out var end) || endAddrText.Contains('%'))
            {
                c.Report(BinderCodes.InvalidAddress.At(first.Span, Keyword, text, "range end address", "; the line is skipped"));
                return null;
            }
            if (end.AddressFamily != start.AddressFamily)
            {
                c.Report(BinderCodes.InvalidValue.At(first.Span, Keyword, text, "the range ends are of different address families", "; the line is skipped"));
                return null;
            }
            if (ToNumber(end) < startNum)
            {
                c.Report(BinderCodes.InvalidValue.At(first.Span, Keyword, text, "the range end is below its start", "; the line is skipped"));
                return null;
            }
            return new VirtualServerGroupEntry(start, end, port, null, null, origin);
        }

        // inet_stor: the last octet (decimal) or the last 16-bit group (hex) of the end.
        bool ok = endText.Length > 0 && endText.Length <= 8 && (isV6 ? endText.All(char.IsAsciiHexDigit) : !endText.AsSpan().ContainsAnyExceptInRange('0', '9'));
        long last = 0;
        if (ok)
            last = long.Parse(endText, isV6 ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture);
        if (!ok || last > (isV6 ? 0xffff : 255))
        {
            c.Report(BinderCodes.InvalidNumber.At(first.Span, Keyword, text,
                $" (the range end after '-' must be {(isV6 ? "a hex group 0..ffff" : "an octet 0..255")}); the line is skipped"));
            return null;
        }
        int unit = isV6 ? 16 : 8;
        var unitMask = (BigInteger.One << unit) - 1;
        var startLast = (long)(startNum & unitMask);
        if (startLast >= last)
        {
            c.Report(BinderCodes.InvalidValue.At(first.Span, Keyword, text, "the range end is not above its start", "; the line is skipped"));
            return null;
        }
        var endNum = (startNum & ~unitMask) | last;
        return new VirtualServerGroupEntry(start, FromNumber(endNum, isV6), port, null, null, origin);
    }

    private static void Extra(ImmutableArray<Token> line, int count, string takes, BindContext c)
    {
        if (line.Length > count)
            c.Report(BinderCodes.ExtraArguments.At(line[count].Span, Keyword, takes, line[count].Text));
    }

    private static BigInteger ToNumber(IPAddress a) => new(a.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static IPAddress FromNumber(BigInteger n, bool v6)
    {
        var size = v6 ? 16 : 4;
        var raw = n.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[size];
        Array.Copy(raw, Math.Max(0, raw.Length - size), bytes, Math.Max(0, size - raw.Length), Math.Min(size, raw.Length));
        return new IPAddress(bytes);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Actors.Plane;

/// <summary>A configuration line turned into a kernel spec. <see cref="Spec"/> is null when the line cannot be
/// installed as written (the errors say why and nothing is installed); a spec with errors is installed, and the errors
/// say what of the line is not honoured (tracking).</summary>
/// <typeparam name="T">InterfaceAddress, RouteSpec or RuleSpec.</typeparam>
/// <param name="Spec">What to install, or null.</param>
/// <param name="Errors">What could not be expressed, one sentence each, starting with where the line is.</param>
public sealed record Mapped<T>(T? Spec, IReadOnlyList<string> Errors)
    where T : class;

/// <summary>
/// Maps <c>static_ipaddress</c> / <c>virtual_ipaddress[_excluded]</c>, <c>*_routes</c> and <c>*_rules</c> lines to
/// what the kernel port installs, as keepalived 2.2.7 builds its netlink requests:
/// <list type="bullet">
/// <item>Addresses (vrrp_ipaddress.c <c>netlink_ipaddress</c>, <c>alloc_ipaddress</c>): the device is the line's
/// <c>dev</c>, else the default the caller gives (the instance's interface, or the default interface for static
/// addresses); <c>brd +</c>/<c>brd -</c> are computed from the address (or peer) and prefix; IPv6 gets IFA_F_NODAD
/// unless <c>-nodad</c>, and a preferred lifetime (<c>preferred_lft</c>, defaulting to 0 — deprecated — for a /128
/// and forever otherwise); home, mngtmpaddr, noprefixroute and autojoin are IFA_F_* flags; a line without a prefix
/// is /32 or /128 (the binder's default).</item>
/// <item>Routes (vrrp_iproute.c <c>netlink_route</c>): table main unless given, scope universe unless given,
/// protocol keepalived; <c>default</c> is 0.0.0.0/0 or ::/0 by the route's family; <c>src</c> is the preferred
/// source.</item>
/// <item>Rules (vrrp_iprule.c): from, to, preference, table, fwmark[/mask], iif, oif.</item>
/// </list>
/// Whatever a spec cannot express yet (route types other than unicast, nexthops, metrics such as mtu, rule actions
/// other than a table, <c>not</c>...) makes the line an error, never a silently different kernel object. Pure.
/// </summary>
public static class KernelSpecs
{
    /// <summary>rtnetlink's RTPROT_KEEPALIVED.</summary>
    private const int ProtocolKeepalived = 18;

    /// <summary>An address line on <paramref name="defaultDevice"/> unless it names its own.</summary>
    public static Mapped<InterfaceAddress> Address(IpAddressEntry entry, string? defaultDevice)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var errors = new List<string>();
        var where = Where(entry.Origin, entry.ToString());
        var device = entry.Device ?? defaultDevice;
        if (device is null)
            return Fail<InterfaceAddress>($"{where}: no interface: give 'dev' (or an interface for the instance / default_interface)");
        bool v6 = entry.IsIPv6;
        var flags = AddressFlags.None;
        if (entry.Home)
            flags |= AddressFlags.HomeAddress;
        if (entry.MngTmpAddr)
            flags |= AddressFlags.ManageTempAddress;
        if (entry.NoPrefixRoute)
            flags |= AddressFlags.NoPrefixRoute;
        if (entry.AutoJoin)
            flags |= AddressFlags.MulticastAutoJoin;
        uint preferred = !v6 ? uint.MaxValue
            : entry.PreferredLifetime is { } lft ? (uint)Math.Clamp(lft, 0, uint.MaxValue)
            : entry.PrefixLength == 128 ? 0u : uint.MaxValue;
        if (entry.TrackGroup is { } group)
            errors.Add($"{where}: track_group {group} is not supported yet: the address is installed but no instance tracks it");
        var spec = new InterfaceAddress(device, entry.Address, entry.PrefixLength, Broadcast(entry), (RouteScope)(byte)entry.Scope,
            entry.Label, NoDad: v6 && !entry.NoDad, Peer: entry.Peer, PreferredLifetime: preferred, Flags: flags);
        return new Mapped<InterfaceAddress>(spec, errors);
    }

    /// <summary>A route line. <paramref name="tableNames"/> adds names (from /etc/iproute2/rt_tables) to the built-in
    /// main, local, default and unspec.</summary>
    public static Mapped<RouteSpec> Route(RouteEntry entry, IReadOnlyDictionary<string, uint>? tableNames = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var where = Where(entry.Origin, RouteText(entry));
        var errors = new List<string>();
        if (entry.Type is not ("unicast" or "1"))
            errors.Add($"{where}: route type '{entry.Type}' is not supported yet");
        if (!entry.NextHops.IsEmpty)
            errors.Add($"{where}: multipath routes (nexthop) are not supported yet");
        if (!entry.Options.IsEmpty)
            errors.Add($"{where}: {string.Join(", ", entry.Options.Select(o => o.Key))} {(entry.Options.Count == 1 ? "is" : "are")} not supported yet");
        if (entry.Via is { } via && via.AddressFamily != entry.Family)
            errors.Add($"{where}: a gateway of the other family (RTA_VIA) is not supported yet");
        uint table = 254;
        if (entry.Table is { } t && !TryTable(t, tableNames, out table))
            errors.Add($"{where}: unknown routing table '{t}'");
        RouteScope scope = RouteScope.Global;
        if (entry.Scope is { } s && !TryScope(s, out scope))
            errors.Add($"{where}: unknown scope '{s}'");
        // keepalived forces protocol keepalived on a tracked route (it watches its own routes by protocol); an
        // untracked route keeps the configured one, which a RouteSpec cannot carry yet.
        if (entry.NoTrack && entry.Protocol is { } protocol && !IsKeepalivedProtocol(protocol))
            errors.Add($"{where}: protocol '{protocol}' is not supported yet (routes are installed with protocol keepalived)");
        if (errors.Count > 0)
            return new Mapped<RouteSpec>(null, errors);
        if (entry.TrackGroup is { } group)
            errors.Add($"{where}: track_group {group} is not supported yet: the route is installed but no instance tracks it");
        var destination = entry.Destination ?? (entry.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
        var metric = entry.Metric is { } m ? (uint?)(uint)Math.Clamp(m, 0, uint.MaxValue) : null;
        var spec = new RouteSpec(destination, entry.Destination is null ? 0 : entry.DestinationPrefix, entry.Via, entry.Device, metric, table,
            entry.Source, scope);
        return new Mapped<RouteSpec>(spec, errors);
    }

    /// <summary>A rule line; table names as for <see cref="Route"/>.</summary>
    public static Mapped<RuleSpec> Rule(RuleEntry entry, IReadOnlyDictionary<string, uint>? tableNames = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var where = Where(entry.Origin, RuleText(entry));
        var errors = new List<string>();
        if (entry.Not)
            errors.Add($"{where}: 'not' is not supported yet");
        uint table = 0;
        if (entry.Table is not { } t)
            errors.Add($"{where}: rule actions other than a table (goto, nop, type) are not supported yet");
        else if (!TryTable(t, tableNames, out table))
            errors.Add($"{where}: unknown routing table '{t}'");
        uint? mark = null, mask = null;
        string? iif = null, oif = null;
        foreach (var (key, value) in entry.Options)
        {
            switch (key)
            {
                case "fwmark" when TryMark(value, out var mk, out var mm):
                    (mark, mask) = (mk, mm);
                    break;
                case "fwmark":
                    errors.Add($"{where}: invalid fwmark '{value}'");
                    break;
                case "iif":
                    iif = value;
                    break;
                case "oif":
                    oif = value;
                    break;
                case "goto" or "nop" or "type":
                    break;                                    // reported with the missing table
                default:
                    errors.Add($"{where}: {key} is not supported yet");
                    break;
            }
        }
        if (errors.Count > 0)
            return new Mapped<RuleSpec>(null, errors);
        if (entry.TrackGroup is { } group)
            errors.Add($"{where}: track_group {group} is not supported yet: the rule is installed but no instance tracks it");
        var family = entry.IPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var priority = entry.Preference is { } p ? (uint?)(uint)Math.Clamp(p, 0, uint.MaxValue) : null;
        var spec = new RuleSpec(family, priority, table, entry.From, entry.From is null ? 0 : entry.FromPrefix, entry.To,
            entry.To is null ? 0 : entry.ToPrefix, mark, iif, oif, mask);
        return new Mapped<RuleSpec>(spec, errors);
    }

    /// <summary>The specs of <paramref name="mapped"/>, with every error added to <paramref name="errors"/>.</summary>
    public static List<T> Collect<T>(IEnumerable<Mapped<T>> mapped, List<string> errors)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(mapped);
        ArgumentNullException.ThrowIfNull(errors);
        var specs = new List<T>();
        foreach (var m in mapped)
        {
            errors.AddRange(m.Errors);
            if (m.Spec is { } spec)
                specs.Add(spec);
        }
        return specs;
    }

    /// <summary>A routing table: a number, main (254), local (255), default (253), unspec (0) or a name of
    /// <paramref name="names"/>.</summary>
    public static bool TryTable(string text, IReadOnlyDictionary<string, uint>? names, out uint table)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text)
        {
            case "main":
                table = 254;
                return true;
            case "local":
                table = 255;
                return true;
            case "default":
                table = 253;
                return true;
            case "unspec":
                table = 0;
                return true;
        }
        if (names is not null && names.TryGetValue(text, out table))
            return true;
        return TryNumber(text, out table);
    }

    /// <summary>A route scope: global/universe, site, link, host, nowhere or 0..255 (ip-route(8), rt_scopes).</summary>
    public static bool TryScope(string text, out RouteScope scope)
    {
        ArgumentNullException.ThrowIfNull(text);
        scope = text switch
        {
            "global" or "universe" => RouteScope.Global,
            "site" => RouteScope.Site,
            "link" => RouteScope.Link,
            "host" => RouteScope.Host,
            "nowhere" => RouteScope.Nowhere,
            _ => RouteScope.Global,
        };
        if (text is "global" or "universe" or "site" or "link" or "host" or "nowhere")
            return true;
        if (byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            scope = (RouteScope)n;
            return true;
        }
        return false;
    }

    /// <summary>The broadcast keepalived sets: the given one, or all host bits set (+) or clear (-) of the address
    /// (the peer's when there is one) for prefixes up to /30.</summary>
    private static IPAddress? Broadcast(IpAddressEntry entry)
    {
        switch (entry.BroadcastMode)
        {
            case BroadcastMode.Explicit:
                return entry.Broadcast;
            case BroadcastMode.AllOnes or BroadcastMode.Network when !entry.IsIPv6 && entry.PrefixLength <= 30:
            {
                var basis = (entry.Peer ?? entry.Address).GetAddressBytes();
                uint value = (uint)basis[0] << 24 | (uint)basis[1] << 16 | (uint)basis[2] << 8 | basis[3];
                uint hostMask = entry.PrefixLength == 0 ? uint.MaxValue : uint.MaxValue >> entry.PrefixLength;
                value = entry.BroadcastMode == BroadcastMode.AllOnes ? value | hostMask : value & ~hostMask;
                return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
            }
            default:
                return null;
        }
    }

    private static bool IsKeepalivedProtocol(string protocol) =>
        protocol == "keepalived" || (TryNumber(protocol, out var n) && n == ProtocolKeepalived);

    /// <summary>strtoul base 0: decimal, 0x hexadecimal or 0 octal.</summary>
    private static bool TryNumber(string text, out uint value)
    {
        value = 0;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (text.Length > 1 && text[0] == '0')
        {
            try
            {
                value = Convert.ToUInt32(text, 8);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryMark(string text, out uint mark, out uint? mask)
    {
        mask = null;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
            return TryNumber(text, out mark);
        if (!TryNumber(text[..slash], out mark) || !TryNumber(text[(slash + 1)..], out var m))
            return false;
        mask = m;
        return true;
    }

    private static string RouteText(RouteEntry e) =>
        $"route {(e.Destination is null ? "default" : $"{e.Destination}/{e.DestinationPrefix}")}{(e.Via is null ? "" : $" via {e.Via}")}{(e.Device is null ? "" : $" dev {e.Device}")}";

    private static string RuleText(RuleEntry e) =>
        $"rule from {(e.From is null ? "all" : $"{e.From}/{e.FromPrefix}")}{(e.To is null ? "" : $" to {e.To}/{e.ToPrefix}")}{(e.Table is null ? "" : $" table {e.Table}")}";

    private static string Where(Origin origin, string what) => origin.Span.HasPosition ? $"{origin}: {what}" : what;

    private static Mapped<T> Fail<T>(string error)
        where T : class => new(null, [error]);
}

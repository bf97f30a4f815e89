using System.Net;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Model;

/// <summary>A script keepalived runs (notify_*, quorum_*, notify_up/down, misc_path, vrrp_script, startup/shutdown and
/// FIFO scripts) and an optional user and group to run it as.</summary>
/// <param name="Command">keepalived's command string: word 1 of the keyword line split with quotes and escapes
/// (<see cref="QuotedEscapedWords"/>), so <c>notify "/x 'a b'" u</c> and <c>notify '/x "a b"' u</c> both give
/// <c>/x 'a b'</c> / <c>/x "a b"</c>. keepalived splits it once more, with the same rules, into argv when it runs it
/// (<see cref="Argv"/>).</param>
/// <param name="User">Word 2 of the line: the user to run as, if given.</param>
/// <param name="Group">Word 3 of the line: the group to run as, if given.</param>
/// <param name="Origin">Where the keyword was written.</param>
public sealed record NotifyScript(string Command, string? User, string? Group, Origin Origin)
{
    /// <summary>The argument vector keepalived runs (<see cref="Command"/> split again, set_script_params_array);
    /// empty when it cannot be split (keepalived ignores such a script).</summary>
    public IReadOnlyList<string> Argv => QuotedEscapedWords.Split(Command).Words;

    /// <summary>The executable: argv[0], or the command's first blank-separated word when it cannot be split.</summary>
    public string Executable
    {
        get
        {
            var argv = Argv;
            if (argv.Count > 0)
                return argv[0];
            var cmd = Command.TrimStart();
            int end = cmd.IndexOfAny([' ', '\t']);
            return end < 0 ? cmd : cmd[..end];
        }
    }
}

/// <summary>A keyword that is recognised and kept but whose behaviour this product does not have yet (tier R), or
/// that only matters to keepalived's own process model. Kept so <c>--dump-json</c> and the reload diff see it.</summary>
public sealed record RawSetting(string Keyword, ValueList<string> Arguments, ValueList<RawSetting> Children, Origin Origin);

/// <summary>Whether a tracked object's weight is applied while it is up (normal) or while it is down (reverse).</summary>
public sealed record TrackedObject(string Name, int? Weight, bool Reverse, Origin Origin);

/// <summary><c>brd</c> of an address line: an explicit address, <c>+</c> (all host bits set) or <c>-</c> (none).</summary>
public enum BroadcastMode
{
    None,
    Explicit,
    AllOnes,
    Network,
}

/// <summary>Address scope (ip-address(8) / rtnetlink RT_SCOPE_*).</summary>
public enum AddressScope
{
    Global = 0,
    Site = 200,
    Link = 253,
    Host = 254,
    Nowhere = 255,
}

/// <summary>One line of static_ipaddress / virtual_ipaddress / virtual_ipaddress_excluded (keepalived 2.2.7
/// vrrp_ipaddress.c syntax).</summary>
public sealed record IpAddressEntry(
    IPAddress Address,
    int PrefixLength,
    BroadcastMode BroadcastMode,
    IPAddress? Broadcast,
    string? Device,
    AddressScope Scope,
    string? Label,
    IPAddress? Peer,
    int PeerPrefixLength,
    bool Home,
    bool NoDad,
    bool MngTmpAddr,
    bool NoPrefixRoute,
    bool AutoJoin,
    long? PreferredLifetime,
    string? TrackGroup,
    bool NoTrack,
    bool UseVmac,
    Origin Origin)
{
    public bool IsIPv6 => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    public override string ToString() => $"{Address}/{PrefixLength}{(Device is null ? "" : " dev " + Device)}";
}

/// <summary>One line of static_routes / virtual_routes: the typed core, and every other option kept by name.</summary>
public sealed record RouteEntry(
    string Type,
    IPAddress? Destination,
    int DestinationPrefix,
    IPAddress? Source,
    IPAddress? Via,
    string? Device,
    string? Table,
    long? Metric,
    string? Scope,
    string? Protocol,
    ValueList<RouteNextHop> NextHops,
    ValueList<KeyValuePair<string, string>> Options,
    bool NoTrack,
    string? TrackGroup,
    Origin Origin)
{
    /// <summary>The route's family: from <c>inet</c>/<c>inet6</c>/<c>default6</c> or its addresses; IPv4 when nothing
    /// says (keepalived's default for <c>default</c>).</summary>
    public System.Net.Sockets.AddressFamily Family { get; init; } = System.Net.Sockets.AddressFamily.InterNetwork;
}

/// <summary>A <c>nexthop</c> of a multipath route.</summary>
public sealed record RouteNextHop(IPAddress? Via, string? Device, int? Weight, bool OnLink);

/// <summary>One line of static_rules / virtual_rules: selectors and action kept by option name.</summary>
public sealed record RuleEntry(
    bool Not,
    IPAddress? From,
    int FromPrefix,
    IPAddress? To,
    int ToPrefix,
    long? Preference,
    string? Table,
    bool IPv6,
    ValueList<KeyValuePair<string, string>> Options,
    bool NoTrack,
    string? TrackGroup,
    Origin Origin);

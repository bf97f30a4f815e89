using KeepAlive.Config;
using KeepAlive.Config.Host;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Plane;

/// <summary>Configuration lines through the real loader (binder and completer), so the mapper sees what it will see
/// in production.</summary>
internal static class PlaneConfig
{
    private const string Path = "/etc/keepalived/keepalived.conf";

    private static readonly StaticHostFacts Host = StaticHostFacts.WithInterfaces("lo", "eth0", "eth1");

    public static KeepAliveConfig Load(string text) =>
        ConfigLoader.Load(Path, new InMemoryConfigSource().Add(Path, text), new ConfigLoadOptions(new ReaderOptions(RandomSeed: 1), Host)).Config;

    public static IpAddressEntry Address(string line) => Assert.Single(Load($"static_ipaddress {{\n{line}\n}}\n").StaticIpAddresses);

    public static RouteEntry Route(string line) => Assert.Single(Load($"static_routes {{\n{line}\n}}\n").StaticRoutes);

    public static RuleEntry Rule(string line) => Assert.Single(Load($"static_rules {{\n{line}\n}}\n").StaticRules);

    public static VrrpInstanceConfig Instance(string body) =>
        Assert.Single(Load($"vrrp_instance VI_1 {{\nvirtual_router_id 51\n{body}\n}}\n").VrrpInstances);

    /// <summary>Every field of an address, in one comparable line.</summary>
    public static string Describe(InterfaceAddress a) =>
        $"{a.Address}/{a.PrefixLength} dev {a.Interface} brd {a.Broadcast?.ToString() ?? "-"} scope {(int)a.Scope} label {a.Label ?? "-"}"
        + $" nodad {a.NoDad} peer {a.Peer?.ToString() ?? "-"} lft {(a.PreferredLifetime == uint.MaxValue ? "forever" : a.PreferredLifetime.ToString(System.Globalization.CultureInfo.InvariantCulture))} flags {a.Flags}";

    /// <summary>Every field of a route, in one comparable line.</summary>
    public static string Describe(RouteSpec r) =>
        $"{r.Destination}/{r.PrefixLength} via {r.Gateway?.ToString() ?? "-"} dev {r.Interface ?? "-"} metric {r.Metric?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"
        + $" table {r.Table} src {r.PreferredSource?.ToString() ?? "-"} scope {(r.Scope is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}";

    /// <summary>Every field of a rule, in one comparable line.</summary>
    public static string Describe(RuleSpec r) =>
        $"{(r.Family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "v6" : "v4")} pref {r.Priority?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} table {r.Table}"
        + $" from {(r.From is null ? "-" : $"{r.From}/{r.FromPrefixLength}")} to {(r.To is null ? "-" : $"{r.To}/{r.ToPrefixLength}")}"
        + $" fwmark {r.Fwmark?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}/{r.FwmarkMask?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} iif {r.InputInterface ?? "-"} oif {r.OutputInterface ?? "-"}";
}

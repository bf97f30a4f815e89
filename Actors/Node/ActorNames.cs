using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Node;

/// <summary>Deterministic, valid actor names from configuration keys (names are escaped, so any interface or
/// script name is safe). Pure.</summary>
public static class ActorNames
{
    public const string Effector = "effector";
    public const string Notifier = "notify";
    public const string Static = "static";

    public static string Instance(VrrpInstanceKey key)
    {
        var name = $"vrrp-{Escape(key.Interface)}-{Family(key.Family)}-{key.Vrid}";
        if (key.Unicast)
            name += "-unicast";
        // The standard VRRP groups are left out; another group or a unicast source is part of the identity.
        if (key.Address is not null && (key.Unicast || !(key.Address.Equals(VrrpConstants.MulticastGroupV4) || key.Address.Equals(VrrpConstants.MulticastGroupV6))))
            name += "-" + Escape(key.Address.ToString());
        if (key.Vmac)
            name += "-vmac";
        return name;
    }

    /// <summary>The I/O actor of an interface, family and mode; <paramref name="ah"/> for the IPsec AH socket.</summary>
    public static string Io(string interfaceName, AddressFamily family, bool multicast, bool ah = false) =>
        $"io-{Escape(interfaceName)}-{Family(family)}-{(multicast ? "multicast" : "unicast")}{(ah ? "-ah" : "")}";

    public static string Tracker(TrackerKind kind, string name) => $"track-{kind.ToString().ToLowerInvariant()}-{Escape(name)}";

    public static string Group(string name) => "sync-" + Escape(name);

    /// <summary><c>vs-10.0.0.10-80-tcp</c>, <c>vs-fwmark-7</c> (<c>-v6</c> for an IPv6 mark), <c>vs-group-NAME-tcp</c>.</summary>
    public static string VirtualServer(VirtualServerKey key) => key switch
    {
        VirtualServerKey.Address a => $"vs-{Escape(a.Ip.ToString())}-{a.Port}-{a.Protocol.ToString().ToLowerInvariant()}",
        VirtualServerKey.Fwmark f => $"vs-fwmark-{f.Mark}{(f.IPv6 ? "-v6" : "")}",
        VirtualServerKey.Group g => $"vs-group-{Escape(g.Name)}-{g.Protocol.ToString().ToLowerInvariant()}",
        _ => "vs-" + Escape(key.ToString()),
    };

    /// <summary><c>rs-10.0.0.21-8080</c>.</summary>
    public static string RealServer(RealServerKey key) => $"rs-{Escape(key.Address.ToString())}-{key.Port}";

    private static string Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "v6" : "v4";

    /// <summary>Percent-encodes everything but letters, digits and <c>-._~</c> (all valid in an actor name).</summary>
    public static string Escape(string text) => Uri.EscapeDataString(text);
}

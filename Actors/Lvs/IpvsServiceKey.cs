using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Lvs;

/// <summary>What identifies an IPVS service in the kernel: family with protocol, address and port, or family with a
/// firewall mark.</summary>
public readonly record struct IpvsServiceKey(AddressFamily Family, IpvsProtocol Protocol, IPAddress? Address, ushort Port, uint FirewallMark)
{
    /// <summary>The key of a service (a firewall-mark service keys on family and mark only).</summary>
    public static IpvsServiceKey Of(IpvsService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.IsFirewallMark
            ? new IpvsServiceKey(service.Family, IpvsProtocol.None, null, 0, service.FirewallMark)
            : new IpvsServiceKey(service.Family, service.Protocol, service.Address, service.Port, 0);
    }

    public override string ToString() => FirewallMark != 0
        ? $"FWM {FirewallMark} ({(Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")})"
        : Family == AddressFamily.InterNetworkV6
            ? $"[{Address}]:{Protocol.ToString().ToUpperInvariant()}:{Port}"
            : $"{Address}:{Protocol.ToString().ToUpperInvariant()}:{Port}";
}

/// <summary>What identifies a destination within a service: address and port.</summary>
public readonly record struct IpvsDestinationKey(IPAddress Address, ushort Port)
{
    public static IpvsDestinationKey Of(IpvsDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return new IpvsDestinationKey(destination.Address, destination.Port);
    }

    public override string ToString() => Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}

/// <summary>A service with its destinations: one entry of a desired table or of a kernel dump.</summary>
public sealed record IpvsServiceState(IpvsService Service, IReadOnlyList<IpvsDestination> Destinations)
{
    public IpvsServiceKey Key => IpvsServiceKey.Of(Service);
}

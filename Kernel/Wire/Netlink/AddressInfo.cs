using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>An interface address (what RTM_NEWADDR/RTM_DELADDR carry). <see cref="Peer"/> is IFA_ADDRESS when it
/// differs from the local address (point-to-point); null means "same as <see cref="Address"/>".</summary>
public sealed record AddressInfo(int InterfaceIndex, IPAddress Address, byte PrefixLength)
{
    /// <summary>ifa_scope.</summary>
    public RouteScope Scope { get; init; } = RouteScope.Global;

    /// <summary>IFA_F_* flags (u8 header field plus IFA_FLAGS).</summary>
    public AddressFlags Flags { get; init; }

    /// <summary>IFA_BROADCAST (IPv4 only).</summary>
    public IPAddress? Broadcast { get; init; }

    /// <summary>IFA_LABEL, e.g. "eth0:vip" (IPv4 only).</summary>
    public string? Label { get; init; }

    /// <summary>IFA_ADDRESS when it differs from IFA_LOCAL.</summary>
    public IPAddress? Peer { get; init; }

    /// <summary>The preferred lifetime in seconds, sent as IFA_CACHEINFO (valid lifetime forever) when adding; null or
    /// <see cref="uint.MaxValue"/> means forever and sends nothing. 0 makes an IPv6 address deprecated.</summary>
    public uint? PreferredLifetime { get; init; }

    /// <summary>The address family of <see cref="Address"/>.</summary>
    public AddressFamily Family => Address.AddressFamily;
}

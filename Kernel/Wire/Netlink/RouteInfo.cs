using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>A route (RTM_NEWROUTE/RTM_DELROUTE). <see cref="Destination"/> with <see cref="PrefixLength"/> 0 is a
/// default route.</summary>
public sealed record RouteInfo(IPAddress Destination, byte PrefixLength)
{
    /// <summary>RTA_GATEWAY.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>RTA_OIF.</summary>
    public int? OutputInterface { get; init; }

    /// <summary>RTA_PRIORITY (the metric).</summary>
    public uint? Metric { get; init; }

    /// <summary>The routing table (RTA_TABLE; 254 = main).</summary>
    public uint Table { get; init; } = 254;

    /// <summary>RTA_PREFSRC.</summary>
    public IPAddress? PreferredSource { get; init; }

    /// <summary>rtm_scope.</summary>
    public RouteScope Scope { get; init; } = RouteScope.Global;

    /// <summary>rtm_protocol.</summary>
    public RouteProtocol Protocol { get; init; } = RouteProtocol.Keepalived;

    /// <summary>The address family of <see cref="Destination"/>.</summary>
    public AddressFamily Family => Destination.AddressFamily;
}

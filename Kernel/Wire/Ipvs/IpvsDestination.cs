using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>A real server of a virtual service.</summary>
public sealed record IpvsDestination(IPAddress Address, ushort Port)
{
    /// <summary>The family of <see cref="Address"/> (may differ from the service's for tunnelled servers).</summary>
    public AddressFamily Family => Address.AddressFamily;

    /// <summary>Forwarding method.</summary>
    public IpvsForwarding Forwarding { get; init; } = IpvsForwarding.Masquerade;

    /// <summary>Weight (0 = quiesced).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Tunnel encapsulation (tunnel forwarding only).</summary>
    public IpvsTunnelType TunnelType { get; init; }

    /// <summary>Tunnel UDP port (GUE).</summary>
    public ushort TunnelPort { get; init; }

    /// <summary>Tunnel checksum mode.</summary>
    public IpvsTunnelChecksum TunnelChecksum { get; init; }

    /// <summary>Upper connection threshold (0 = none).</summary>
    public uint UpperThreshold { get; init; }

    /// <summary>Lower connection threshold (0 = none).</summary>
    public uint LowerThreshold { get; init; }
}

/// <summary>One destination of a GET_DEST dump with its connection counts and counters.</summary>
public sealed record IpvsDestinationEntry(IpvsDestination Destination, uint ActiveConnections, uint InactiveConnections, uint PersistentConnections, IpvsStats Stats);

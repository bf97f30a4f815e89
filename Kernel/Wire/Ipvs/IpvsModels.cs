using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>A virtual service: either protocol + address + port, or a firewall mark (<see cref="FirewallMark"/> not 0,
/// <see cref="Protocol"/> None, <see cref="Address"/> null).</summary>
public sealed record IpvsService
{
    /// <summary>IPv4 or IPv6.</summary>
    public required AddressFamily Family { get; init; }

    /// <summary>TCP, UDP or SCTP; None for a firewall-mark service.</summary>
    public IpvsProtocol Protocol { get; init; }

    /// <summary>The virtual address; null for a firewall-mark service.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>The virtual port (host order here, network order on the wire).</summary>
    public ushort Port { get; init; }

    /// <summary>The firewall mark; 0 for an address service.</summary>
    public uint FirewallMark { get; init; }

    /// <summary>Scheduler name ("rr", "wlc", "sh", ...).</summary>
    public string Scheduler { get; init; } = "wlc";

    /// <summary>Scheduler flags.</summary>
    public IpvsSchedulerFlags SchedulerFlags { get; init; }

    /// <summary>Persistence timeout in seconds; null when the service is not persistent.</summary>
    public uint? PersistenceTimeout { get; init; }

    /// <summary>Persistence granularity as a prefix length; null for the full length (/32 or /128).</summary>
    public byte? NetmaskPrefixLength { get; init; }

    /// <summary>One-packet scheduling (UDP).</summary>
    public bool OnePacket { get; init; }

    /// <summary>Persistence engine name (e.g. "sip"), or null.</summary>
    public string? PersistenceEngine { get; init; }

    /// <summary>True for a firewall-mark service.</summary>
    public bool IsFirewallMark => FirewallMark != 0;
}

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

/// <summary>IPVS version and connection table size (GET_INFO).</summary>
public sealed record IpvsInfo(uint Version, uint ConnectionTableSize)
{
    /// <summary>The version as "major.minor.patch", e.g. "1.2.1".</summary>
    public string VersionText => $"{(Version >> 16) & 0xff}.{(Version >> 8) & 0xff}.{Version & 0xff}";
}

/// <summary>Protocol timeouts in seconds (0 in a request means "unchanged").</summary>
public sealed record IpvsTimeouts(uint Tcp, uint TcpFin, uint Udp);

/// <summary>A connection-sync daemon. The optional fields are sent only when set and are always reported by the kernel.</summary>
public sealed record IpvsDaemon(IpvsSyncState State, string Interface, uint SyncId)
{
    /// <summary>Maximum sync message payload (bytes).</summary>
    public ushort? MaxLength { get; init; }

    /// <summary>Multicast group (IPv4 or IPv6).</summary>
    public IPAddress? Group { get; init; }

    /// <summary>Multicast port.</summary>
    public ushort? Port { get; init; }

    /// <summary>Multicast TTL.</summary>
    public byte? Ttl { get; init; }
}

/// <summary>Traffic counters and rates of a service or destination.</summary>
public readonly record struct IpvsStats(
    ulong Connections,
    ulong InPackets,
    ulong OutPackets,
    ulong InBytes,
    ulong OutBytes,
    ulong ConnectionRate,
    ulong InPacketRate,
    ulong OutPacketRate,
    ulong InByteRate,
    ulong OutByteRate);

/// <summary>One service of a GET_SERVICE dump with its counters.</summary>
public sealed record IpvsServiceEntry(IpvsService Service, IpvsStats Stats);

/// <summary>One destination of a GET_DEST dump with its connection counts and counters.</summary>
public sealed record IpvsDestinationEntry(IpvsDestination Destination, uint ActiveConnections, uint InactiveConnections, uint PersistentConnections, IpvsStats Stats);

/// <summary>A kernel answer to an IPVS request that carried no data: an ACK (<see cref="Errno"/> 0) or an error with
/// the ipvsadm wording (e.g. "Service already exists") when the operation is known.</summary>
public sealed record IpvsError(int Errno, IpvsOperation Operation, string Message)
{
    /// <summary>True for an ACK.</summary>
    public bool IsAck => Errno == 0;
}

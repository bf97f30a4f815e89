using System.Net;

namespace KeepAlive.Kernel.Wire.Ipvs;

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

/// <summary>A kernel answer to an IPVS request that carried no data: an ACK (<see cref="Errno"/> 0) or an error with
/// the ipvsadm wording (e.g. "Service already exists") when the operation is known.</summary>
public sealed record IpvsError(int Errno, IpvsOperation Operation, string Message)
{
    /// <summary>True for an ACK.</summary>
    public bool IsAck => Errno == 0;
}

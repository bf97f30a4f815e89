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

/// <summary>One service of a GET_SERVICE dump with its counters.</summary>
public sealed record IpvsServiceEntry(IpvsService Service, IpvsStats Stats);

using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>A policy routing rule "lookup <see cref="Table"/>" (RTM_NEWRULE/RTM_DELRULE).</summary>
public sealed record RuleInfo(AddressFamily Family, uint Table)
{
    /// <summary>FRA_SRC and its prefix length.</summary>
    public IPAddress? Source { get; init; }

    /// <summary>Prefix length of <see cref="Source"/>.</summary>
    public byte SourcePrefixLength { get; init; }

    /// <summary>FRA_DST.</summary>
    public IPAddress? Destination { get; init; }

    /// <summary>Prefix length of <see cref="Destination"/>.</summary>
    public byte DestinationPrefixLength { get; init; }

    /// <summary>FRA_PRIORITY (the "preference").</summary>
    public uint? Priority { get; init; }

    /// <summary>FRA_FWMARK.</summary>
    public uint? FirewallMark { get; init; }

    /// <summary>FRA_FWMASK.</summary>
    public uint? FirewallMask { get; init; }

    /// <summary>FRA_IIFNAME.</summary>
    public string? InputInterface { get; init; }

    /// <summary>FRA_OIFNAME.</summary>
    public string? OutputInterface { get; init; }
}

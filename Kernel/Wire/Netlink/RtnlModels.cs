using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Route and address scope (rtm_scope / ifa_scope).</summary>
public enum RouteScope : byte
{
    /// <summary>RT_SCOPE_UNIVERSE.</summary>
    Global = 0,

    /// <summary>RT_SCOPE_SITE.</summary>
    Site = 200,

    /// <summary>RT_SCOPE_LINK.</summary>
    Link = 253,

    /// <summary>RT_SCOPE_HOST.</summary>
    Host = 254,

    /// <summary>RT_SCOPE_NOWHERE.</summary>
    Nowhere = 255,
}

/// <summary>Who installed a route (rtm_protocol).</summary>
public enum RouteProtocol : byte
{
    /// <summary>RTPROT_UNSPEC.</summary>
    Unspecified = 0,

    /// <summary>RTPROT_KERNEL.</summary>
    Kernel = 2,

    /// <summary>RTPROT_BOOT.</summary>
    Boot = 3,

    /// <summary>RTPROT_STATIC.</summary>
    Static = 4,

    /// <summary>RTPROT_KEEPALIVED.</summary>
    Keepalived = 18,
}

/// <summary>Address flags (IFA_F_*); the values are the kernel's.</summary>
[Flags]
public enum AddressFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>IFA_F_SECONDARY.</summary>
    Secondary = 0x01,

    /// <summary>IFA_F_NODAD: skip duplicate address detection (IPv6 VIPs).</summary>
    NoDad = 0x02,

    /// <summary>IFA_F_OPTIMISTIC.</summary>
    Optimistic = 0x04,

    /// <summary>IFA_F_DADFAILED.</summary>
    DadFailed = 0x08,

    /// <summary>IFA_F_DEPRECATED.</summary>
    Deprecated = 0x20,

    /// <summary>IFA_F_TENTATIVE.</summary>
    Tentative = 0x40,

    /// <summary>IFA_F_PERMANENT.</summary>
    Permanent = 0x80,

    /// <summary>IFA_F_NOPREFIXROUTE.</summary>
    NoPrefixRoute = 0x200,
}

/// <summary>RFC 2863 operational state (IFLA_OPERSTATE).</summary>
public enum OperState : byte
{
    /// <summary>IF_OPER_UNKNOWN.</summary>
    Unknown = 0,

    /// <summary>IF_OPER_NOTPRESENT.</summary>
    NotPresent = 1,

    /// <summary>IF_OPER_DOWN.</summary>
    Down = 2,

    /// <summary>IF_OPER_LOWERLAYERDOWN.</summary>
    LowerLayerDown = 3,

    /// <summary>IF_OPER_TESTING.</summary>
    Testing = 4,

    /// <summary>IF_OPER_DORMANT.</summary>
    Dormant = 5,

    /// <summary>IF_OPER_UP.</summary>
    Up = 6,
}

/// <summary>macvlan mode (IFLA_MACVLAN_MODE).</summary>
public enum MacvlanMode : uint
{
    /// <summary>MACVLAN_MODE_PRIVATE: no traffic between macvlans of the same parent.</summary>
    Private = 1,

    /// <summary>MACVLAN_MODE_VEPA.</summary>
    Vepa = 2,

    /// <summary>MACVLAN_MODE_BRIDGE: macvlans of the same parent talk directly.</summary>
    Bridge = 4,

    /// <summary>MACVLAN_MODE_PASSTHRU.</summary>
    Passthru = 8,
}

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

    /// <summary>The address family of <see cref="Address"/>.</summary>
    public AddressFamily Family => Address.AddressFamily;
}

/// <summary>A network interface as RTM_NEWLINK/RTM_DELLINK report it.</summary>
public sealed record LinkInfo(int Index, string Name)
{
    /// <summary>ifi_flags (IFF_*).</summary>
    public uint RawFlags { get; init; }

    /// <summary>IFF_UP: administratively up.</summary>
    public bool IsUp => (RawFlags & RtnlConstants.IffUp) != 0;

    /// <summary>IFF_RUNNING: RFC 2863 OPER_UP.</summary>
    public bool IsRunning => (RawFlags & RtnlConstants.IffRunning) != 0;

    /// <summary>IFF_LOWER_UP: carrier.</summary>
    public bool IsLowerUp => (RawFlags & RtnlConstants.IffLowerUp) != 0;

    /// <summary>IFLA_OPERSTATE.</summary>
    public OperState OperState { get; init; }

    /// <summary>IFLA_MTU, when reported.</summary>
    public uint? Mtu { get; init; }

    /// <summary>IFLA_ADDRESS (the MAC), when reported.</summary>
    public byte[]? HardwareAddress { get; init; }

    /// <summary>IFLA_LINK: the parent interface of a macvlan/vlan.</summary>
    public int? ParentIndex { get; init; }

    /// <summary>IFLA_INFO_KIND, e.g. "macvlan".</summary>
    public string? Kind { get; init; }

    /// <summary>IFLA_MACVLAN_MODE for a macvlan.</summary>
    public MacvlanMode? MacvlanMode { get; init; }
}

/// <summary>A macvlan to create on <see cref="ParentIndex"/> (keepalived's use_vmac).</summary>
public sealed record MacvlanSpec(string Name, int ParentIndex, MacvlanMode Mode)
{
    /// <summary>The MAC to give it (6 bytes, e.g. 00:00:5e:00:01:VRID), or null to let the kernel choose.</summary>
    public byte[]? HardwareAddress { get; init; }
}

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

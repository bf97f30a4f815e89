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

    /// <summary>IFA_F_HOMEADDRESS (Mobile IPv6 home address; keepalived's <c>home</c>).</summary>
    HomeAddress = 0x10,

    /// <summary>IFA_F_DEPRECATED.</summary>
    Deprecated = 0x20,

    /// <summary>IFA_F_TENTATIVE.</summary>
    Tentative = 0x40,

    /// <summary>IFA_F_PERMANENT.</summary>
    Permanent = 0x80,

    /// <summary>IFA_F_MANAGETEMPADDR (keepalived's <c>mngtmpaddr</c>).</summary>
    ManageTempAddress = 0x100,

    /// <summary>IFA_F_NOPREFIXROUTE.</summary>
    NoPrefixRoute = 0x200,

    /// <summary>IFA_F_MCAUTOJOIN (keepalived's <c>autojoin</c>).</summary>
    MulticastAutoJoin = 0x400,
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

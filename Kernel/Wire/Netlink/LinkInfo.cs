namespace KeepAlive.Kernel.Wire.Netlink;

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

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>The transport protocol of a virtual service (IANA protocol numbers).</summary>
public enum IpvsProtocol : ushort
{
    /// <summary>No protocol: a firewall-mark service.</summary>
    None = 0,

    /// <summary>TCP.</summary>
    Tcp = 6,

    /// <summary>UDP.</summary>
    Udp = 17,

    /// <summary>SCTP.</summary>
    Sctp = 132,
}

/// <summary>How packets reach a real server (keepalived lb_kind).</summary>
public enum IpvsForwarding
{
    /// <summary>NAT (IP_VS_CONN_F_MASQ).</summary>
    Masquerade = 0,

    /// <summary>Local node (IP_VS_CONN_F_LOCALNODE).</summary>
    Local = 1,

    /// <summary>IP tunnelling (IP_VS_CONN_F_TUNNEL).</summary>
    Tunnel = 2,

    /// <summary>Direct routing (IP_VS_CONN_F_DROUTE).</summary>
    DirectRoute = 3,
}

/// <summary>Tunnel encapsulation of a <see cref="IpvsForwarding.Tunnel"/> destination.</summary>
public enum IpvsTunnelType
{
    /// <summary>IP-in-IP.</summary>
    Ipip = 0,

    /// <summary>Generic UDP encapsulation (needs a tunnel port).</summary>
    Gue = 1,

    /// <summary>GRE.</summary>
    Gre = 2,
}

/// <summary>Tunnel checksum mode.</summary>
public enum IpvsTunnelChecksum
{
    /// <summary>No checksum.</summary>
    NoChecksum = 0,

    /// <summary>Checksum.</summary>
    Checksum = 1,

    /// <summary>Remote checksum offload.</summary>
    RemoteChecksum = 2,
}

/// <summary>Scheduler flags (ipvsadm -b; keepalived "sh-fallback", "sh-port", "flag-3").</summary>
[Flags]
public enum IpvsSchedulerFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Scheduler flag 1: sh-fallback (mh-fallback).</summary>
    ShFallback = 1,

    /// <summary>Scheduler flag 2: sh-port (mh-port).</summary>
    ShPort = 2,

    /// <summary>Scheduler flag 3.</summary>
    Flag3 = 4,
}

/// <summary>Sync daemon role.</summary>
public enum IpvsSyncState
{
    /// <summary>Stopped (only seen in replies).</summary>
    None = 0,

    /// <summary>Sends connection state.</summary>
    Master = 1,

    /// <summary>Receives connection state.</summary>
    Backup = 2,
}

/// <summary>The IPVS operation a request performs (used to word kernel errors the way ipvsadm does).</summary>
public enum IpvsOperation
{
    /// <summary>Not an IPVS request, or unknown.</summary>
    Unknown = 0,

    /// <summary>Add a virtual service.</summary>
    AddService,

    /// <summary>Edit a virtual service.</summary>
    EditService,

    /// <summary>Delete a virtual service.</summary>
    DeleteService,

    /// <summary>Read one or all virtual services.</summary>
    GetService,

    /// <summary>Add a real server.</summary>
    AddDestination,

    /// <summary>Edit a real server.</summary>
    EditDestination,

    /// <summary>Delete a real server.</summary>
    DeleteDestination,

    /// <summary>Read the real servers of a service.</summary>
    GetDestination,

    /// <summary>Start a sync daemon.</summary>
    StartDaemon,

    /// <summary>Stop a sync daemon.</summary>
    StopDaemon,

    /// <summary>Read the sync daemons.</summary>
    GetDaemon,

    /// <summary>Set the timeouts.</summary>
    SetConfig,

    /// <summary>Read the timeouts.</summary>
    GetConfig,

    /// <summary>Read version and table size.</summary>
    GetInfo,

    /// <summary>Zero counters.</summary>
    Zero,

    /// <summary>Remove every service.</summary>
    Flush,
}

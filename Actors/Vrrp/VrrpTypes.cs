namespace KeepAlive.Actors.Vrrp;

/// <summary>The states of one instance (RFC 5798 Initialize / Backup / Active, plus keepalived's FAULT and the
/// stopped state after shutdown).</summary>
public enum VrrpState
{
    Initialize,
    Backup,
    Master,
    Fault,
    Stopped,
}

/// <summary>The timers an instance runs, one of each at most.</summary>
public enum VrrpTimer
{
    /// <summary>MASTER: send the next advert.</summary>
    Advert,

    /// <summary>BACKUP: the master is presumed down when it fires.</summary>
    MasterDown,

    /// <summary>MASTER: the second gratuitous burst, garp_master_delay after becoming master.</summary>
    GarpDelay,

    /// <summary>MASTER: periodic gratuitous refresh (garp_master_refresh).</summary>
    GarpRefresh,
}

/// <summary>Why a transition happened (logged with every transition, counted, shown by the status endpoint).</summary>
public enum VrrpReason
{
    Startup,
    OwnerStartup,
    MasterDown,
    PriorityZeroReceived,
    HigherPriorityAdvert,
    EqualPriorityHigherAddress,
    FaultRaised,
    FaultCleared,
    Shutdown,
    SyncGroup,

    /// <summary>Someone removed one of the addresses a MASTER holds.</summary>
    AddressDeleted,
}

/// <summary>What the VRRP profile does where RFC 5798, RFC 9568 and keepalived differ.</summary>
public enum VrrpProfile
{
    /// <summary>keepalived 2.2.7: a MASTER answers a lower-priority advert with an advert unless lower_prio_no_advert.</summary>
    Keepalived,

    /// <summary>RFC 5798: a lower-priority advert is discarded (V3-S12).</summary>
    Rfc5798,

    /// <summary>RFC 9568: discard and reassert with an advert at once (V3-S12).</summary>
    Rfc9568,
}

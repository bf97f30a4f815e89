namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// The configuration one instance's machine needs (from the bound vrrp_instance): version, VRID, configured
/// priority and interval, whether it wants MASTER, preemption, the gratuitous timings, and its own primary address
/// for the equal-priority tie-break (network order, compared unsigned).
/// </summary>
public sealed record VrrpSettings
{
    public required int Version { get; init; }

    public required byte Vrid { get; init; }

    /// <summary>Configured priority (1..255; 255 = address owner).</summary>
    public required int Priority { get; init; }

    /// <summary>advert_int in microseconds (v2: whole seconds; v3: centiseconds).</summary>
    public required long AdvertIntervalMicros { get; init; }

    /// <summary>Our primary address (4 or 16 bytes, network order): the equal-priority tie-break (V3-S11).</summary>
    public required byte[] PrimaryAddress { get; init; }

    /// <summary><c>state MASTER</c> or priority 255.</summary>
    public bool WantsMaster { get; init; }

    /// <summary>False with <c>nopreempt</c>.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary><c>preempt_delay</c> in microseconds (0: none).</summary>
    public long PreemptDelayMicros { get; init; }

    /// <summary><c>down_timer_adverts</c> (3).</summary>
    public int DownTimerAdverts { get; init; } = 3;

    /// <summary><c>lower_prio_no_advert</c>.</summary>
    public bool LowerPriorityNoAdvert { get; init; }

    /// <summary>Lower-priority handling profile (V3-S12).</summary>
    public VrrpProfile Profile { get; init; } = VrrpProfile.Keepalived;

    /// <summary>Member of a vrrp_sync_group: becoming MASTER is the group's decision.</summary>
    public bool InSyncGroup { get; init; }

    /// <summary><c>garp_master_delay</c> in microseconds (keepalived default 5 s; 0: no second burst).</summary>
    public long GarpMasterDelayMicros { get; init; } = 5 * VrrpTimers.MicrosPerSecond;

    /// <summary><c>garp_master_repeat</c>: gratuitous messages per burst (default 5).</summary>
    public int GarpMasterRepeat { get; init; } = 5;

    /// <summary><c>garp_master_refresh</c> in microseconds (0: off).</summary>
    public long GarpRefreshMicros { get; init; }

    /// <summary><c>garp_master_refresh_repeat</c> (default 1).</summary>
    public int GarpRefreshRepeat { get; init; } = 1;

    /// <summary>True for the address owner.</summary>
    public bool IsOwner => Priority == 255;
}

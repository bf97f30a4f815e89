namespace KeepAlive.Actors.Vrrp;

/// <summary>What the actor must do, in order, after a step.</summary>
public abstract record VrrpEffect
{
    /// <summary>Send one advert with this priority (0 when leaving).</summary>
    public sealed record SendAdvert(int Priority) : VrrpEffect
    {
        /// <summary>Preempting a live master: send once the addresses acquired just before are in place (or after a
        /// short bound), so the old master lets go only when we hold them — no moment with the VIPs on neither node.</summary>
        public bool AfterAcquisition { get; init; }
    }

    /// <summary>Start (or restart) a timer; its firing must come back with this generation.</summary>
    public sealed record StartTimer(VrrpTimer Timer, long Generation, long DelayMicros) : VrrpEffect;

    public sealed record CancelTimer(VrrpTimer Timer) : VrrpEffect;

    /// <summary>Add the VIPs, eVIPs, virtual routes and rules (through the effector).</summary>
    public sealed record AcquireAddresses : VrrpEffect;

    /// <summary>Remove them.</summary>
    public sealed record ReleaseAddresses : VrrpEffect;

    /// <summary>Send <paramref name="Count"/> gratuitous ARPs / unsolicited NAs per VIP (after the addresses are in place).</summary>
    public sealed record Announce(int Count) : VrrpEffect;

    /// <summary>The state changed (log, count, notify).</summary>
    public sealed record Transition(VrrpState From, VrrpState To, VrrpReason Reason) : VrrpEffect;

    /// <summary>A sync-group member wants MASTER: the group decides (and answers with ForceState).</summary>
    public sealed record WantMaster : VrrpEffect;

    /// <summary>A sync-group member in BACKUP accepted a master's advert: it no longer wants MASTER.</summary>
    public sealed record MasterSeen : VrrpEffect;

    /// <summary>A MASTER saw a lower-priority advert (notify_master_rx_lower_pri).</summary>
    public sealed record LowerPriorityAdvertSeen(int Priority) : VrrpEffect;

    /// <summary>Two address owners on one VRID: a configuration error, logged; we yield to 254.</summary>
    public sealed record OwnerConflict : VrrpEffect;
}

namespace KeepAlive.Actors.Vrrp;

/// <summary>What happens to an instance. Every input carries the monotonic time in microseconds: the machine reads
/// no clock.</summary>
public abstract record VrrpInput(long Now)
{
    /// <summary>The instance starts; <paramref name="Faulted"/> when a fault source is already failing.</summary>
    public sealed record Start(long Now, bool Faulted = false) : VrrpInput(Now);

    /// <summary>A valid advert for our VRID (already checked by the codec and VrrpInstanceCheck).</summary>
    public sealed record AdvertReceived(long Now, int Priority, int IntervalCentiseconds, byte[] SourceAddress) : VrrpInput(Now);

    /// <summary>A timer fired; stale generations are ignored.</summary>
    public sealed record TimerFired(long Now, VrrpTimer Timer, long Generation) : VrrpInput(Now);

    /// <summary>Tracking changed the effective priority (already clamped by <see cref="EffectivePriority"/>).</summary>
    public sealed record PriorityChanged(long Now, int EffectivePriority) : VrrpInput(Now);

    /// <summary>A fault source failed (true) or every one recovered (false).</summary>
    public sealed record FaultChanged(long Now, bool Faulted) : VrrpInput(Now);

    /// <summary>The sync group decides this member's state.</summary>
    public sealed record ForceState(long Now, VrrpState State) : VrrpInput(Now);

    /// <summary>An address a MASTER holds was removed by someone else (<paramref name="Sibling"/>: another member of
    /// its sync group lost one): send priority 0, release everything and wait as BACKUP for Skew_Time only, so that
    /// it takes over again at once unless another router does (keepalived_netlink.c <c>set_vrrp_backup</c>).</summary>
    public sealed record AddressLost(long Now, bool Sibling = false) : VrrpInput(Now);

    /// <summary>SIGTERM: leave (a MASTER sends priority 0 and releases its addresses).</summary>
    public sealed record Shutdown(long Now) : VrrpInput(Now);

    /// <summary>The node is stopping and <see cref="Shutdown"/> follows: a MASTER sends its priority-0 advert now and
    /// keeps its addresses until then; every instance stops its timers and takes no further input but the Shutdown.
    /// So every instance's priority 0 leaves before any instance's addresses are released and before the node's other
    /// stop work (keepalived sends them all in one loop), and a backup that hears them takes over after Skew_Time
    /// counted from them, not from the last of a stop spread over the dispatcher.</summary>
    public sealed record Resign(long Now) : VrrpInput(Now);

    /// <summary>A reload gave the instance new settings (the step's settings) in place of <paramref name="Previous"/>,
    /// and <paramref name="EffectivePriority"/> computed from the new configured priority and tracking weights: the
    /// state is kept (keepalived <c>restore_vrrp_state</c>); only the timers whose length changed are re-armed.</summary>
    public sealed record Reconfigured(long Now, int EffectivePriority, VrrpSettings Previous) : VrrpInput(Now);
}

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// keepalived 2.2.7's own log lines for state changes, word for word, so that operators' log watchers keep working
/// (vrrp.c <c>vrrp_state_leave_master</c> / <c>vrrp_state_leave_fault</c> / <c>vrrp_state_goto_master</c>,
/// vrrp_scheduler.c <c>vrrp_init_state</c>, vrrp_sync.c <c>vrrp_sync_*</c>). Pure.
/// </summary>
public static class KeepalivedLogText
{
    /// <summary>The line for an instance's transition, or null when keepalived logs none (no change, or leaving for
    /// the stopped state, which keepalived reports with its shutdown lines).</summary>
    public static string? Entering(string instance, VrrpState from, VrrpState to)
    {
        if (from == to)
            return null;
        string? state = to switch
        {
            VrrpState.Master => "MASTER",
            VrrpState.Backup => "BACKUP",
            VrrpState.Fault => "FAULT",
            _ => null,
        };
        if (state is null)
            return null;
        // vrrp_init_state: the first state of a starting instance carries "(init)"; MASTER never does (an owner goes
        // through vrrp_state_goto_master).
        string suffix = from == VrrpState.Initialize && to != VrrpState.Master ? " (init)" : "";
        return $"({instance}) Entering {state} STATE{suffix}";
    }

    /// <summary>vrrp_sync.c: "VRRP_Group(NAME) Syncing instances to MASTER state" (BACKUP, FAULT), or null for a state
    /// keepalived never syncs to.</summary>
    public static string? Syncing(string group, VrrpState to) => to switch
    {
        VrrpState.Master => $"VRRP_Group({group}) Syncing instances to MASTER state",
        VrrpState.Backup => $"VRRP_Group({group}) Syncing instances to BACKUP state",
        VrrpState.Fault => $"VRRP_Group({group}) Syncing instances to FAULT state",
        _ => null,
    };
}

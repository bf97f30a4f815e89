namespace KeepAlive.Actors.Scripts;

/// <summary>The states and events keepalived reports to notify scripts and the FIFO (vrrp/vrrp_notify.c).</summary>
public enum NotifyState
{
    Master,
    Backup,
    Fault,
    Stop,

    /// <summary>Instance removed by a reload with <c>notify_deleted</c> set (otherwise reported as FAULT).</summary>
    Deleted,

    /// <summary>FIFO only: a MASTER heard a lower-priority advert (<c>send_event_notify</c>).</summary>
    MasterRxLowerPriority,

    /// <summary>FIFO only: effective priority changed while MASTER (<c>send_instance_priority_notifies</c>).</summary>
    MasterPriority,

    /// <summary>FIFO only: effective priority changed while not MASTER.</summary>
    BackupPriority,
}

/// <summary>Whether a notification is about a VRRP instance or a sync group.</summary>
public enum NotifyTarget
{
    Instance,
    Group,

    /// <summary>A virtual server's notify_up/notify_down/quorum_up/quorum_down (its own script queue).</summary>
    VirtualServer,
}

/// <summary>
/// The argument vectors keepalived 2.2.7 runs notify scripts with (vrrp/vrrp_notify.c). The state scripts
/// (<c>notify_master</c>, <c>notify_backup</c>, <c>notify_fault</c>, <c>notify_stop</c>, <c>notify_deleted CMD</c>,
/// <c>notify_master_rx_lower_pri</c>) run with exactly their configured words (<c>notify_exec(script)</c>). The generic
/// <c>notify</c> script gets four words appended (<c>notify_script_exec</c>): <c>INSTANCE</c>|<c>GROUP</c>, the name,
/// <c>MASTER</c>|<c>BACKUP</c>|<c>FAULT</c>|<c>STOP</c>|<c>DELETED</c>, and the priority — the instance's effective
/// priority, always 0 for a group. Pure.
/// </summary>
public static class NotifyArguments
{
    /// <summary>The word keepalived uses for a state, in scripts and on the FIFO.</summary>
    public static string Word(NotifyState state) => state switch
    {
        NotifyState.Master => "MASTER",
        NotifyState.Backup => "BACKUP",
        NotifyState.Fault => "FAULT",
        NotifyState.Stop => "STOP",
        NotifyState.Deleted => "DELETED",
        NotifyState.MasterRxLowerPriority => "MASTER_RX_LOWER_PRI",
        NotifyState.MasterPriority => "MASTER_PRIORITY",
        NotifyState.BackupPriority => "BACKUP_PRIORITY",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>A state-specific script runs with its configured words only.</summary>
    public static IReadOnlyList<string> ForStateScript(ScriptSpec script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return script.Argv.ToArray();
    }

    /// <summary>The generic <c>notify</c> script: configured words + TYPE NAME STATE PRIORITY. Only the
    /// transition states exist here; the FIFO-only events never run the generic script. A group's priority is 0.</summary>
    public static IReadOnlyList<string> ForGenericScript(ScriptSpec script, NotifyTarget target, string name, NotifyState state, int priority)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(name);
        if (state is not (NotifyState.Master or NotifyState.Backup or NotifyState.Fault or NotifyState.Stop or NotifyState.Deleted))
            throw new ArgumentOutOfRangeException(nameof(state), state, "the generic notify script is run only on state transitions");
        if (target == NotifyTarget.Group && state == NotifyState.Deleted)
            throw new ArgumentOutOfRangeException(nameof(state), state, "sync groups have no DELETED state in keepalived 2.2.7");
        if (priority is < 0 or > 255)
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "a VRRP priority is 0..255");
        var args = new List<string>(script.Argv.Count + 4);
        args.AddRange(script.Argv);
        args.Add(target == NotifyTarget.Instance ? "INSTANCE" : "GROUP");
        args.Add(name);
        args.Add(Word(state));
        args.Add((target == NotifyTarget.Group ? 0 : priority).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return args;
    }

    /// <summary>
    /// The state an instance reports (<c>send_instance_notifies</c>): a deleted instance reports FAULT unless
    /// <c>notify_deleted</c> is configured. Returns null when nothing is sent: a sync-group member that has already
    /// notified and whose group is already in that state sends no duplicate notifies.
    /// </summary>
    public static NotifyState? InstanceReportedState(NotifyState state, bool notifyDeleted, bool notifiesAlreadySent, NotifyState? syncGroupState)
    {
        if (notifiesAlreadySent && syncGroupState is { } g && g == state)
            return null;
        return state == NotifyState.Deleted && !notifyDeleted ? NotifyState.Fault : state;
    }

    /// <summary><c>notify_stop</c> (and the generic script for STOP) is waited for, then its process group killed,
    /// after this long (system_call_script with TIMER_HZ and child_killed_thread); other notify scripts are not waited for.</summary>
    public static readonly TimeSpan StopScriptWait = TimeSpan.FromSeconds(1);
}

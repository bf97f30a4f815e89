using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>The scripts an instance or a sync group runs when it enters a state (keepalived's <c>script_master</c>,
/// <c>script_backup</c>, <c>script_fault</c>, <c>script_stop</c>) and the generic <c>notify</c> script run at every
/// transition with TYPE NAME STATE PRIORITY appended.</summary>
/// <param name="Master">notify_master.</param>
/// <param name="Backup">notify_backup.</param>
/// <param name="Fault">notify_fault.</param>
/// <param name="Stop">notify_stop.</param>
/// <param name="Generic">notify.</param>
public sealed record StateScripts(
    ScriptSpec? Master = null,
    ScriptSpec? Backup = null,
    ScriptSpec? Fault = null,
    ScriptSpec? Stop = null,
    ScriptSpec? Generic = null)
{
    public static StateScripts None { get; } = new();

    /// <summary>The state script for <paramref name="state"/> (keepalived's get_iscript / get_gscript).</summary>
    public ScriptSpec? For(NotifyState state) => state switch
    {
        NotifyState.Master => Master,
        NotifyState.Backup => Backup,
        NotifyState.Fault => Fault,
        NotifyState.Stop => Stop,
        _ => null,
    };
}

/// <summary>What one vrrp_instance notifies.</summary>
/// <param name="Name">The instance's name.</param>
/// <param name="SyncGroup">The sync group it belongs to (the first group that lists it, as keepalived).</param>
/// <param name="Scripts">Its state and generic scripts.</param>
/// <param name="MasterRxLowerPri">notify_master_rx_lower_pri: run when, as MASTER, it hears a lower priority.</param>
/// <param name="SmtpAlert">Mail on transitions (instance smtp_alert, else global smtp_alert_vrrp, else smtp_alert).</param>
/// <param name="NotifyPriorityChanges">FIFO lines on effective priority changes (instance, else its group, else
/// vrrp_notify_priority_changes).</param>
/// <param name="NotifyDeleted"><c>notify_deleted</c> is set: a reload that removes the instance reports DELETED (else
/// FAULT, and nothing when it was in FAULT).</param>
/// <param name="Deleted">The <c>notify_deleted</c> script, if it names one.</param>
public sealed record InstanceNotifyPlan(
    string Name,
    string? SyncGroup,
    StateScripts Scripts,
    ScriptSpec? MasterRxLowerPri = null,
    bool SmtpAlert = false,
    bool NotifyPriorityChanges = false,
    bool NotifyDeleted = false,
    ScriptSpec? Deleted = null)
{
    /// <summary>An instance the configuration does not name: FIFO lines only.</summary>
    public static InstanceNotifyPlan Unknown(string name) => new(name, null, StateScripts.None);
}

/// <summary>What one vrrp_sync_group notifies.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Scripts">Its state and generic scripts.</param>
/// <param name="SmtpAlert">Mail on transitions (group smtp_alert, else global smtp_alert_vrrp, else smtp_alert).</param>
public sealed record GroupNotifyPlan(string Name, StateScripts Scripts, bool SmtpAlert = false)
{
    /// <summary>A group the configuration does not name: FIFO lines only.</summary>
    public static GroupNotifyPlan Unknown(string name) => new(name, StateScripts.None);
}

/// <summary>Where and from whom alert mail goes; present only when keepalived would send mail at all
/// (notification_email not empty and smtp_server set).</summary>
/// <param name="Server">smtp_server, smtp_helo_name, smtp_connect_timeout.</param>
/// <param name="From">notification_email_from (default: user@host).</param>
/// <param name="To">notification_email.</param>
/// <param name="NoEmailFaults">no_email_faults: no mail on entering FAULT.</param>
public sealed record MailPlan(MailServer Server, string From, IReadOnlyList<string> To, bool NoEmailFaults);

/// <summary>Who scripts without their own <c>USER [GROUP]</c> run as: global script_user (and its group), else
/// <c>keepalived_script</c> if it exists, else us — except that with enable_script_security a missing
/// keepalived_script drops them (lib/notify.c get_default_script_user).</summary>
/// <param name="User">script_user.</param>
/// <param name="Group">script_user's group.</param>
/// <param name="ScriptSecurity">enable_script_security.</param>
public sealed record ScriptUserDefaults(string? User, string? Group, bool ScriptSecurity);

/// <summary>Everything the node's notifier does, derived from the configuration by <see cref="NotifyPlanner"/>.</summary>
public sealed class NotifyPlan
{
    private readonly Dictionary<string, InstanceNotifyPlan> _instances;
    private readonly Dictionary<string, GroupNotifyPlan> _groups;

    /// <param name="routerId">router_id (default: the host's name), the subject's prefix.</param>
    /// <param name="instances">Per instance, in configuration order.</param>
    /// <param name="groups">Per sync group, in configuration order.</param>
    /// <param name="fifoPaths">notify_fifo then vrrp_notify_fifo (one when both name the same file).</param>
    /// <param name="mail">Null: no mail is ever sent.</param>
    /// <param name="scriptUsers">Who scripts run as by default.</param>
    public NotifyPlan(string routerId, IReadOnlyList<InstanceNotifyPlan> instances, IReadOnlyList<GroupNotifyPlan> groups,
        IReadOnlyList<string> fifoPaths, MailPlan? mail, ScriptUserDefaults scriptUsers)
    {
        RouterId = routerId;
        Instances = instances;
        Groups = groups;
        FifoPaths = fifoPaths;
        Mail = mail;
        ScriptUsers = scriptUsers;
        _instances = instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        _groups = groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
    }

    public string RouterId { get; }

    public IReadOnlyList<InstanceNotifyPlan> Instances { get; }

    public IReadOnlyList<GroupNotifyPlan> Groups { get; }

    public IReadOnlyList<string> FifoPaths { get; }

    public MailPlan? Mail { get; }

    public ScriptUserDefaults ScriptUsers { get; }

    /// <summary>The plan of an instance; an unknown name gets FIFO lines only.</summary>
    public InstanceNotifyPlan Instance(string name) => _instances.TryGetValue(name, out var p) ? p : InstanceNotifyPlan.Unknown(name);

    /// <summary>The plan of a sync group; an unknown name gets FIFO lines only.</summary>
    public GroupNotifyPlan Group(string name) => _groups.TryGetValue(name, out var p) ? p : GroupNotifyPlan.Unknown(name);

    /// <summary>Every script of the plan (for resolving their users once, as keepalived does at load).</summary>
    public IEnumerable<ScriptSpec> AllScripts()
    {
        foreach (var i in Instances)
        {
            foreach (var s in Each(i.Scripts).Append(i.MasterRxLowerPri).Append(i.Deleted))
            {
                if (s is not null)
                    yield return s;
            }
        }
        foreach (var g in Groups)
        {
            foreach (var s in Each(g.Scripts))
            {
                if (s is not null)
                    yield return s;
            }
        }
    }

    private static IEnumerable<ScriptSpec?> Each(StateScripts s) => [s.Master, s.Backup, s.Fault, s.Stop, s.Generic];
}

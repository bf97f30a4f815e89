using System.Collections.Immutable;
using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>Whose scripts these are: each owner's scripts run one after another, different owners' in parallel.</summary>
public readonly record struct NotifyOwner(NotifyTarget Target, string Name)
{
    public override string ToString() => $"{Target switch { NotifyTarget.Instance => "INSTANCE", NotifyTarget.Group => "GROUP", _ => "VS" }} {Name}";
}

/// <summary>What the notifier is told.</summary>
public abstract record NotifyEvent
{
    /// <summary>An instance entered a state (send_instance_notifies).</summary>
    /// <param name="Instance">Its name.</param>
    /// <param name="State">MASTER, BACKUP, FAULT, STOP, or DELETED (removed by a reload: reported as FAULT unless
    /// notify_deleted).</param>
    /// <param name="Priority">Its effective priority.</param>
    /// <param name="ForcedByGroup">Its sync group ordered the transition.</param>
    public sealed record InstanceEntered(string Instance, NotifyState State, int Priority, bool ForcedByGroup) : NotifyEvent;

    /// <summary>A sync group entered a state (send_group_notifies).</summary>
    public sealed record GroupEntered(string Group, NotifyState State) : NotifyEvent;

    /// <summary>A MASTER heard a lower priority advert (send_event_notify).</summary>
    public sealed record MasterRxLowerPriority(string Instance, int Priority) : NotifyEvent;

    /// <summary>An instance's effective priority changed (send_instance_priority_notifies).</summary>
    public sealed record PriorityChanged(string Instance, bool Master, int Priority) : NotifyEvent;

    /// <summary>The node stops: every sync group enters STOP after the instances did (notify_shutdown).</summary>
    public sealed record Shutdown : NotifyEvent
    {
        public static Shutdown Instance { get; } = new();
    }
}

/// <summary>One script to run for an owner.</summary>
/// <param name="Owner">The instance or group whose queue it joins.</param>
/// <param name="Script">The configured script (its user and group).</param>
/// <param name="Argv">The argument vector keepalived runs it with.</param>
/// <param name="IsStop">A STOP notification: run with keepalived's one-second limit, then SIGKILLed (system_call_script
/// with TIMER_HZ and child_killed_thread for an instance's scripts and a group's generic one; keepalived forks a group's
/// own notify_stop without a limit, and it dies with keepalived moments later — the same limit is used here).</param>
public sealed record ScriptJob(NotifyOwner Owner, ScriptSpec Script, IReadOnlyList<string> Argv, bool IsStop);

/// <summary>What to do for one event: FIFO lines to write, scripts to queue (in order), mail to send.</summary>
public sealed record NotifyDecision(IReadOnlyList<string> FifoLines, IReadOnlyList<ScriptJob> Scripts, IReadOnlyList<AlertMail> Mails)
{
    public static NotifyDecision None { get; } = new([], [], []);

    public bool IsEmpty => FifoLines.Count == 0 && Scripts.Count == 0 && Mails.Count == 0;

    public NotifyDecision Then(NotifyDecision next) =>
        new([.. FifoLines, .. next.FifoLines], [.. Scripts, .. next.Scripts], [.. Mails, .. next.Mails]);
}

/// <summary>What keepalived remembers per instance for notifications: whether it has notified yet
/// (<c>notifies_sent</c>) and the state it last mailed about (<c>last_email_state</c>).</summary>
/// <remarks>A class, not a struct: the immutable dictionary over it then runs the framework's shared, precompiled code
/// for reference types instead of ~45 methods JIT-compiled on the way to the first advert.</remarks>
public sealed record InstanceNotifyMemo(bool NotifiesSent, NotifyState? LastEmailed)
{
    /// <summary>An instance not notified yet.</summary>
    public static InstanceNotifyMemo None { get; } = new(false, null);
}

/// <summary>A group's last notified state and the state it last mailed about (a class: see
/// <see cref="InstanceNotifyMemo"/>).</summary>
public sealed record GroupNotifyMemo(NotifyState? State, NotifyState? LastEmailed)
{
    /// <summary>A group not notified yet.</summary>
    public static GroupNotifyMemo None { get; } = new(null, null);
}

/// <summary>The policy's memory of every instance and group.</summary>
public sealed record NotifyPolicyState(ImmutableDictionary<string, InstanceNotifyMemo> Instances, ImmutableDictionary<string, GroupNotifyMemo> Groups)
{
    public static NotifyPolicyState Empty { get; } = new(
        ImmutableDictionary.Create<string, InstanceNotifyMemo>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, GroupNotifyMemo>(StringComparer.Ordinal));
}

/// <summary>
/// keepalived 2.2.7's notification decisions (vrrp/vrrp_notify.c). Pure.
/// <list type="bullet">
/// <item>An instance transition (send_instance_notifies) runs its state script, then its generic script with
/// <c>INSTANCE NAME STATE PRIORITY</c>, writes <c>INSTANCE "NAME" STATE PRIORITY</c> to the FIFOs, and mails when
/// smtp_alert is on, the state differs from the last one mailed, and it is not FAULT under no_email_faults.</item>
/// <item>A sync-group member that has notified before sends nothing at all when it enters the state its group is
/// already in. keepalived orders a group's other members <em>before</em> it records the group's new state
/// (vrrp_sync.c), and at shutdown stops every instance before any group (notify_shutdown), so a transition forced
/// by the group and a STOP are never suppressed here, although our group reports its state before its orders arrive.</item>
/// <item>A group transition (send_group_notifies) runs the group's state script, then its generic script with
/// <c>GROUP NAME STATE 0</c>, writes <c>GROUP "NAME" STATE 0</c> and mails likewise.</item>
/// <item>A MASTER hearing a lower priority (send_event_notify) runs notify_master_rx_lower_pri and writes
/// <c>MASTER_RX_LOWER_PRI</c>; a priority change writes <c>MASTER_PRIORITY</c> or <c>BACKUP_PRIORITY</c> when
/// notify_priority_changes is on. Neither runs the generic script or mails.</item>
/// </list>
/// </summary>
public static class NotifyPolicy
{
    public static (NotifyPolicyState State, NotifyDecision Decision) Step(NotifyPlan plan, NotifyPolicyState state, NotifyEvent e)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(state);
        return e switch
        {
            NotifyEvent.InstanceEntered i => OnInstance(plan, state, i),
            NotifyEvent.GroupEntered g => OnGroup(plan, state, g.Group, g.State),
            NotifyEvent.MasterRxLowerPriority m => (state, OnLowerPriority(plan, m)),
            NotifyEvent.PriorityChanged p => (state, plan.Instance(p.Instance).NotifyPriorityChanges
                ? new NotifyDecision([NotifyFifoLine.Instance(p.Instance, p.Master ? NotifyState.MasterPriority : NotifyState.BackupPriority, p.Priority)], [], [])
                : NotifyDecision.None),
            NotifyEvent.Shutdown => OnShutdown(plan, state),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e, null),
        };
    }

    private static (NotifyPolicyState, NotifyDecision) OnInstance(NotifyPlan plan, NotifyPolicyState state, NotifyEvent.InstanceEntered e)
    {
        var p = plan.Instance(e.Instance);
        var memo = state.Instances.GetValueOrDefault(e.Instance) ?? InstanceNotifyMemo.None;
        NotifyState? groupState = p.SyncGroup is { } g && !e.ForcedByGroup && e.State != NotifyState.Stop
            ? (state.Groups.GetValueOrDefault(g) ?? GroupNotifyMemo.None).State
            : null;
        if (NotifyArguments.InstanceReportedState(e.State, p.NotifyDeleted, memo.NotifiesSent, groupState) is not { } reported)
            return (state, NotifyDecision.None);

        var owner = new NotifyOwner(NotifyTarget.Instance, e.Instance);
        var scripts = new List<ScriptJob>(2);
        if ((reported == NotifyState.Deleted ? p.Deleted : p.Scripts.For(reported)) is { } script)
            scripts.Add(new ScriptJob(owner, script, NotifyArguments.ForStateScript(script), reported == NotifyState.Stop));
        if (p.Scripts.Generic is { } generic)
            scripts.Add(new ScriptJob(owner, generic, NotifyArguments.ForGenericScript(generic, NotifyTarget.Instance, e.Instance, reported, e.Priority), reported == NotifyState.Stop));
        var fifo = NotifyFifoLine.Instance(e.Instance, reported, e.Priority);

        var mails = new List<AlertMail>(1);
        var lastEmailed = memo.LastEmailed;
        if (p.SmtpAlert && Mail(plan, reported, lastEmailed, SmtpAlertText.ForInstance(plan.RouterId, e.Instance, reported)) is { } mail)
        {
            mails.Add(mail);
            lastEmailed = reported;
        }
        state = state with { Instances = state.Instances.SetItem(e.Instance, new InstanceNotifyMemo(true, lastEmailed)) };
        return (state, new NotifyDecision([fifo], scripts, mails));
    }

    private static (NotifyPolicyState, NotifyDecision) OnGroup(NotifyPlan plan, NotifyPolicyState state, string name, NotifyState entered)
    {
        if (entered is not (NotifyState.Master or NotifyState.Backup or NotifyState.Fault or NotifyState.Stop))
            throw new ArgumentOutOfRangeException(nameof(entered), entered, "a sync group enters MASTER, BACKUP, FAULT or STOP");
        var p = plan.Group(name);
        var memo = state.Groups.GetValueOrDefault(name) ?? GroupNotifyMemo.None;
        var owner = new NotifyOwner(NotifyTarget.Group, name);
        var scripts = new List<ScriptJob>(2);
        if (p.Scripts.For(entered) is { } script)
            scripts.Add(new ScriptJob(owner, script, NotifyArguments.ForStateScript(script), entered == NotifyState.Stop));
        if (p.Scripts.Generic is { } generic)
            scripts.Add(new ScriptJob(owner, generic, NotifyArguments.ForGenericScript(generic, NotifyTarget.Group, name, entered, 0), entered == NotifyState.Stop));

        var mails = new List<AlertMail>(1);
        var lastEmailed = memo.LastEmailed;
        if (p.SmtpAlert && Mail(plan, entered, lastEmailed, SmtpAlertText.ForGroup(plan.RouterId, name, entered)) is { } mail)
        {
            mails.Add(mail);
            lastEmailed = entered;
        }
        state = state with { Groups = state.Groups.SetItem(name, new GroupNotifyMemo(entered, lastEmailed)) };
        return (state, new NotifyDecision([NotifyFifoLine.Group(name, entered)], scripts, mails));
    }

    private static NotifyDecision OnLowerPriority(NotifyPlan plan, NotifyEvent.MasterRxLowerPriority e)
    {
        var p = plan.Instance(e.Instance);
        var owner = new NotifyOwner(NotifyTarget.Instance, e.Instance);
        IReadOnlyList<ScriptJob> scripts = p.MasterRxLowerPri is { } s ? [new ScriptJob(owner, s, NotifyArguments.ForStateScript(s), false)] : [];
        return new NotifyDecision([NotifyFifoLine.Instance(e.Instance, NotifyState.MasterRxLowerPriority, e.Priority)], scripts, []);
    }

    /// <summary>notify_shutdown's second loop: every group (of the plan, in order, and any other we have heard of)
    /// enters STOP, unless it already has.</summary>
    private static (NotifyPolicyState, NotifyDecision) OnShutdown(NotifyPlan plan, NotifyPolicyState state)
    {
        var decision = NotifyDecision.None;
        var names = plan.Groups.Select(g => g.Name).Concat(state.Groups.Keys.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            if (state.Groups.GetValueOrDefault(name)?.State == NotifyState.Stop)
                continue;
            (state, var d) = OnGroup(plan, state, name, NotifyState.Stop);
            decision = decision.Then(d);
        }
        return (state, decision);
    }

    /// <summary>vrrp_smtp_notifier: mail when a mail plan exists, the state is not a FAULT under no_email_faults and
    /// differs from the last one mailed.</summary>
    private static AlertMail? Mail(NotifyPlan plan, NotifyState entered, NotifyState? lastEmailed, AlertText? text)
    {
        if (plan.Mail is not { } mail || text is not { } t)
            return null;
        if (mail.NoEmailFaults && entered == NotifyState.Fault)
            return null;
        if (lastEmailed == entered)
            return null;
        return new AlertMail(mail.From, mail.To, t.Subject, t.Body);
    }
}

using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>Sent by a MASTER instance that heard a lower-priority advert (keepalived's send_event_notify): runs
/// notify_master_rx_lower_pri and writes <c>INSTANCE "NAME" MASTER_RX_LOWER_PRI PRIO</c>.</summary>
/// <param name="Instance">The instance's name.</param>
/// <param name="Priority">Its effective priority.</param>
public sealed record MasterReceivedLowerPriority(string Instance, int Priority);

/// <summary>Sent by an instance whose effective priority changed (send_instance_priority_notifies): a
/// <c>MASTER_PRIORITY</c> or <c>BACKUP_PRIORITY</c> FIFO line when notify_priority_changes is on.</summary>
/// <param name="Instance">The instance's name.</param>
/// <param name="Master">It is MASTER.</param>
/// <param name="Priority">The new effective priority.</param>
public sealed record InstancePriorityChanged(string Instance, bool Master, int Priority);

/// <summary>
/// The node stops: send this after every instance has reported STOP. Every sync group then enters STOP (keepalived's
/// notify_shutdown), and the notifier answers <see cref="NotifierStopped"/> once every queued script has finished and
/// every mail has been handed over — or when <paramref name="Wait"/> has passed: then what still runs is killed
/// (scripts) or cancelled (mail) and counted as abandoned. The notifier keeps working afterwards.
/// </summary>
/// <param name="Wait">Null: <see cref="NotifierSettings.StopWait"/>.</param>
public sealed record StopNotifier(TimeSpan? Wait = null);

/// <summary>The answer to <see cref="StopNotifier"/>.</summary>
/// <param name="AbandonedScripts">Scripts killed or never started because the wait ran out.</param>
/// <param name="AbandonedMails">Mails cancelled because the wait ran out.</param>
public sealed record NotifierStopped(int AbandonedScripts, int AbandonedMails);

/// <summary>Asks the notifier for <see cref="NotifierStatus"/>.</summary>
public sealed record GetNotifierStatus
{
    public static GetNotifierStatus Instance { get; } = new();
}

/// <summary>The notifier's counters.</summary>
/// <param name="Running">Scripts running now (one per owner at most).</param>
/// <param name="Queued">Scripts waiting for their owner's previous one.</param>
/// <param name="MailsInFlight">Mails being sent.</param>
/// <param name="ScriptsFinished">Scripts that ended (any way) since start.</param>
/// <param name="ScriptsTimedOut">Of those, killed at their timeout, or given up on when the runner did not answer.</param>
/// <param name="ScriptsNotStarted">Scripts that could not start, or whose user could not be resolved.</param>
/// <param name="MailsSent">Mails the server accepted.</param>
/// <param name="MailsFailed">Mails that failed.</param>
/// <param name="FifoLinesDropped">FIFO lines dropped (FIFO full or failing).</param>
public sealed record NotifierStatus(
    int Running,
    int Queued,
    int MailsInFlight,
    long ScriptsFinished,
    long ScriptsTimedOut,
    long ScriptsNotStarted,
    long MailsSent,
    long MailsFailed,
    long FifoLinesDropped);

/// <summary>How long notify scripts may run.</summary>
public sealed record NotifierSettings
{
    /// <summary>
    /// A notify script that is not a STOP notification is killed (its process group: SIGTERM, SIGKILL after
    /// <see cref="KillGrace"/>) after this long. keepalived sets no limit (notify_exec forks and forgets); because our
    /// scripts of one owner run one after another, a script that hangs would hold back every later notification of
    /// its instance, so a bound is needed. 30 s leaves room for scripts that call slow APIs (cloud address moves) and
    /// matches keepalived's other default waits (smtp_connect_timeout).
    /// </summary>
    public TimeSpan ScriptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>STOP notifications: keepalived waits one second (system_call_script with TIMER_HZ), then SIGKILLs the
    /// process group (child_killed_thread).</summary>
    public TimeSpan StopScriptTimeout { get; init; } = NotifyArguments.StopScriptWait;

    /// <summary>Between SIGTERM and SIGKILL for timed-out non-STOP scripts (as keepalived's vrrp_script children).</summary>
    public TimeSpan KillGrace { get; init; } = ScriptRunRequest.DefaultKillGrace;

    /// <summary>If the runner has not answered this long after timeout + kill grace, the script is given up on
    /// (cancelled) and its owner's queue moves on.</summary>
    public TimeSpan RunnerGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The default wait of <see cref="StopNotifier"/>.</summary>
    public TimeSpan StopWait { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>The notifier's ports.</summary>
/// <param name="Runner">Runs the scripts.</param>
/// <param name="Fifos">The opened FIFOs of <see cref="NotifyPlan.FifoPaths"/>, each line goes to all.</param>
/// <param name="Mail">Sends smtp_alert mail.</param>
/// <param name="Users">Resolves script users.</param>
public sealed record NotifierPorts(IScriptRunner Runner, IReadOnlyList<INotifyFifo> Fifos, IMailSender Mail, IScriptUsers Users)
{
    /// <summary>notify_fifo then lvs_notify_fifo (one when both name the same file): where the LVS lines go.</summary>
    public IReadOnlyList<INotifyFifo> LvsFifos { get; init; } = [];
}

/// <summary>An LVS notification (keepalived 2.2.7 check/ipwrapper.c do_vs_notifies, do_rs_notifies): the script
/// (notify_up, notify_down, quorum_up, quorum_down; as configured, no arguments added) joins the virtual server's queue
/// — with keepalived's one-second limit when <paramref name="Stopping"/> — and <paramref name="FifoLine"/> goes to
/// notify_fifo and lvs_notify_fifo.</summary>
/// <param name="VirtualServer">The virtual server's actor name (its script queue).</param>
/// <param name="Script">The script to run, if one is configured.</param>
/// <param name="Stopping">Sent while the node stops (omega).</param>
/// <param name="FifoLine">The <c>VS ...</c> or <c>RS ...</c> line.</param>
public sealed record LvsNotification(string VirtualServer, ScriptSpec? Script, bool Stopping, string FifoLine);

/// <summary>A reload: notify with <paramref name="Plan"/> from now on (the notifier, its queues and running scripts
/// stay).</summary>
public sealed record UpdateNotifyPlan(NotifyPlan Plan);

/// <summary>A reload removed the instance (told by the instance as it leaves, before the notifier gets the new plan):
/// keepalived <c>clear_diff_vrrp</c> notifies DELETED with <c>notify_deleted</c>, else FAULT unless it was in FAULT.</summary>
/// <param name="Instance">Its name.</param>
/// <param name="WasFault">It was in FAULT.</param>
/// <param name="Priority">Its effective priority.</param>
public sealed record InstanceDeleted(string Instance, bool WasFault, int Priority);

using KeepAlive.Actors.Scripts;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>What keepalived learns from the host for its notification defaults (core/global_data.c
/// init_global_data): the canonical host name (<c>get_local_name</c>: uname's node name through getaddrinfo
/// AI_CANONNAME) and the name of the user we run as (getpwuid(getuid())).</summary>
/// <param name="LocalName">Null or empty when it could not be found: keepalived then uses <c>[unknown]</c>.</param>
/// <param name="UserName">Null when unknown.</param>
public sealed record NotifyHost(string? LocalName, string? UserName);

/// <summary>
/// The configuration → <see cref="NotifyPlan"/> mapping, as keepalived 2.2.7 sets it up. Pure.
/// <list type="bullet">
/// <item>Scripts: each command string is split again into argv (lib/notify.c notify_script_init); one that does not
/// split is dropped with a problem ("Unable to parse script … - ignoring"). The generic <c>notify</c> and the state
/// scripts keep their optional <c>USER [GROUP]</c>.</item>
/// <item>Sync groups (vrrp_sync.c vrrp_sync_set_group): an instance belongs to the first group that lists it; a group
/// with no existing member is removed.</item>
/// <item><c>smtp_alert</c> (vrrp.c vrrp_complete_instance / vrrp_complete_init): the instance's or group's own value,
/// else global <c>smtp_alert_vrrp</c>, else global <c>smtp_alert</c>, else off.</item>
/// <item><c>notify_priority_changes</c>: the instance's, else its sync group's, else global
/// <c>vrrp_notify_priority_changes</c>.</item>
/// <item>Mail (core/smtp.c smtp_alert, global_data.c): only with at least one notification_email and an smtp_server.
/// router_id defaults to the local name; notification_email_from to <c>user@localname</c> and smtp_helo_name to the
/// local name, when the local name is known; otherwise HELO says <c>localhost</c>, and with no sender no mail can be
/// sent (a problem).</item>
/// <item>FIFOs: notify_fifo, then vrrp_notify_fifo; keepalived ignores the VRRP one when both name the same file.</item>
/// </list>
/// </summary>
public static class NotifyPlanner
{
    /// <summary>keepalived's local name when the host's could not be found.</summary>
    public const string UnknownName = "[unknown]";

    /// <summary>Builds the plan; <paramref name="problems"/> lists what keepalived would log and ignore.</summary>
    public static NotifyPlan From(KeepAliveConfig config, NotifyHost host, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var issues = new List<string>();
        var g = config.Globals;
        bool localKnown = !string.IsNullOrEmpty(host.LocalName);
        string localName = localKnown ? host.LocalName! : UnknownName;

        var instanceNames = new HashSet<string>(config.VrrpInstances.Select(i => i.Name), StringComparer.Ordinal);
        var groupOf = new Dictionary<string, SyncGroupConfig>(StringComparer.Ordinal);
        var groups = new List<GroupNotifyPlan>();
        foreach (var sg in config.SyncGroups)
        {
            var members = sg.Members.Where(m => instanceNames.Contains(m) && groupOf.TryAdd(m, sg)).ToList();
            if (members.Count == 0)
                continue;
            groups.Add(new GroupNotifyPlan(sg.Name, Scripts(sg.Name, sg.NotifyMaster, sg.NotifyBackup, sg.NotifyFault, sg.NotifyStop, sg.Notify, issues),
                sg.SmtpAlert ?? g.SmtpAlertVrrp ?? g.SmtpAlert ?? false));
        }

        var instances = new List<InstanceNotifyPlan>();
        foreach (var vi in config.VrrpInstances)
        {
            groupOf.TryGetValue(vi.Name, out var sg);
            instances.Add(new InstanceNotifyPlan(
                vi.Name,
                sg?.Name,
                Scripts(vi.Name, vi.NotifyMaster, vi.NotifyBackup, vi.NotifyFault, vi.NotifyStop, vi.Notify, issues),
                Script(vi.Name, "notify_master_rx_lower_pri", vi.NotifyMasterRxLowerPri, issues),
                vi.SmtpAlert ?? g.SmtpAlertVrrp ?? g.SmtpAlert ?? false,
                vi.NotifyPriorityChanges ?? sg?.NotifyPriorityChanges ?? g.VrrpNotifyPriorityChanges,
                vi.NotifyDeletedSet,
                Script(vi.Name, "notify_deleted", vi.NotifyDeleted, issues)));
        }

        var fifos = new List<string>();
        if (g.NotifyFifo is { } nf)
            fifos.Add(nf.Path);
        if (g.VrrpNotifyFifo is { } vf)
        {
            if (fifos.Contains(vf.Path, StringComparer.Ordinal))
                issues.Add($"notify FIFO {vf.Path} has been specified for global and vrrp FIFO - ignoring vrrp FIFO");
            else
                fifos.Add(vf.Path);
        }

        problems = issues;
        return new NotifyPlan(g.RouterId ?? localName, instances, groups, fifos, Mail(g, localKnown, localName, host.UserName, issues),
            new ScriptUserDefaults(g.ScriptUser, g.ScriptGroup, g.EnableScriptSecurity));
    }

    private static MailPlan? Mail(GlobalDefs g, bool localKnown, string localName, string? userName, List<string> issues)
    {
        if (g.NotificationEmails.IsEmpty || g.SmtpServer is not { } server)
            return null;
        var from = g.NotificationEmailFrom ?? (localKnown && !string.IsNullOrEmpty(userName) ? $"{userName}@{localName}" : null);
        if (from is null)
        {
            issues.Add("no notification_email_from and no host name to make one from: smtp_alert mail cannot be sent");
            return null;
        }
        var helo = g.SmtpHeloName ?? (localKnown ? localName : "localhost");
        return new MailPlan(new MailServer(server.Host, server.Port, helo, g.SmtpConnectTimeout), from, g.NotificationEmails.ToList(), g.NoEmailFaults);
    }

    private static StateScripts Scripts(string owner, NotifyScript? master, NotifyScript? backup, NotifyScript? fault, NotifyScript? stop,
        NotifyScript? generic, List<string> issues) =>
        new(Script(owner, "notify_master", master, issues),
            Script(owner, "notify_backup", backup, issues),
            Script(owner, "notify_fault", fault, issues),
            Script(owner, "notify_stop", stop, issues),
            Script(owner, "notify", generic, issues));

    /// <summary>A configured script as argv (the command string split again, as notify_script_init does).</summary>
    public static ScriptSpec? Script(string owner, string keyword, NotifyScript? script, List<string> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (script is null)
            return null;
        var words = ScriptCommandLine.Split(script.Command);
        if (!words.Ok)
        {
            issues.Add($"({owner}) {keyword}: unable to parse script '{script.Command}' ({words.Error}) - ignoring");
            return null;
        }
        return new ScriptSpec(words.Words, script.User, script.Group);
    }
}

using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>vrrp/vrrp_notify.c send_instance_notifies, send_group_notifies, send_event_notify,
/// send_instance_priority_notifies and notify_shutdown, as decisions.</summary>
public class NotifyPolicyTests
{
    private static ScriptSpec S(params string[] argv) => new(argv, null, null);

    private static readonly StateScripts InstanceScripts = new(S("/m", "x y"), S("/b"), S("/f"), S("/s"), S("/gen", "a"));
    private static readonly StateScripts GroupScripts = new(S("/gm"), S("/gb"), S("/gf"), S("/gs"), S("/ggen"));

    private static readonly MailPlan Mail = new(new MailServer("127.0.0.1", 25, "host", TimeSpan.FromSeconds(30)), "ka@host", ["ops@x", "noc@x"], false);

    private static NotifyPlan Plan(MailPlan? mail = null, bool smtp = true, bool priorityChanges = true) => new(
        "lb1",
        [
            new InstanceNotifyPlan("VI_1", null, InstanceScripts, S("/lower"), smtp, priorityChanges),
            new InstanceNotifyPlan("VI_2", "G1", StateScripts.None, null, smtp),
            new InstanceNotifyPlan("VI_3", "G1", new StateScripts(Generic: S("/gen3"))),
        ],
        [new GroupNotifyPlan("G1", GroupScripts, smtp), new GroupNotifyPlan("G2", StateScripts.None)],
        ["/run/a.fifo"],
        mail,
        new ScriptUserDefaults(null, null, false));

    private static NotifyDecision Step(NotifyPlan plan, ref NotifyPolicyState state, NotifyEvent e)
    {
        (state, var d) = NotifyPolicy.Step(plan, state, e);
        return d;
    }

    private static List<string> Argvs(NotifyDecision d) => d.Scripts.Select(j => string.Join('|', j.Argv)).ToList();

    [Theory]
    [InlineData(NotifyState.Master, "/m|x y", "/gen|a|INSTANCE|VI_1|MASTER|110", "INSTANCE \"VI_1\" MASTER 110\n")]
    [InlineData(NotifyState.Backup, "/b", "/gen|a|INSTANCE|VI_1|BACKUP|110", "INSTANCE \"VI_1\" BACKUP 110\n")]
    [InlineData(NotifyState.Fault, "/f", "/gen|a|INSTANCE|VI_1|FAULT|110", "INSTANCE \"VI_1\" FAULT 110\n")]
    [InlineData(NotifyState.Stop, "/s", "/gen|a|INSTANCE|VI_1|STOP|110", "INSTANCE \"VI_1\" STOP 110\n")]
    public void An_instance_runs_its_state_script_then_the_generic_one_and_writes_one_fifo_line(NotifyState state, string first, string second, string line)
    {
        var s = NotifyPolicyState.Empty;
        var d = Step(Plan(), ref s, new NotifyEvent.InstanceEntered("VI_1", state, 110, false));
        Assert.Equal([first, second], Argvs(d));
        Assert.All(d.Scripts, j => Assert.Equal(new NotifyOwner(NotifyTarget.Instance, "VI_1"), j.Owner));
        Assert.All(d.Scripts, j => Assert.Equal(state == NotifyState.Stop, j.IsStop));
        Assert.Equal([line], d.FifoLines);
        Assert.True(s.Instances["VI_1"].NotifiesSent);
    }

    [Fact]
    public void An_instance_without_scripts_still_writes_the_fifo_and_an_unknown_one_too()
    {
        var s = NotifyPolicyState.Empty;
        var d = Step(Plan(), ref s, new NotifyEvent.InstanceEntered("VI_2", NotifyState.Master, 100, false));
        Assert.Empty(d.Scripts);
        Assert.Equal(["INSTANCE \"VI_2\" MASTER 100\n"], d.FifoLines);
        d = Step(Plan(), ref s, new NotifyEvent.InstanceEntered("other", NotifyState.Backup, 90, false));
        Assert.Equal(["INSTANCE \"other\" BACKUP 90\n"], d.FifoLines);
        Assert.Empty(d.Scripts);
        Assert.Empty(d.Mails);
    }

    /// <summary>keepalived: <c>if (vrrp-&gt;notifies_sent &amp;&amp; vrrp-&gt;sync &amp;&amp; vrrp-&gt;state == vrrp-&gt;sync-&gt;state) return;</c>
    /// — except that members ordered by their group and STOPs are notified before the group's state changes.</summary>
    [Theory]
    [InlineData(true, NotifyState.Backup, NotifyState.Backup, false, true)]
    [InlineData(true, NotifyState.Fault, NotifyState.Fault, false, true)]
    [InlineData(false, NotifyState.Backup, NotifyState.Backup, false, false)] // first notify always goes out
    [InlineData(true, NotifyState.Master, NotifyState.Backup, false, false)]  // group elsewhere
    [InlineData(true, null, NotifyState.Backup, false, false)]                // group never notified
    [InlineData(true, NotifyState.Master, NotifyState.Master, true, false)]   // ordered by the group
    [InlineData(true, NotifyState.Stop, NotifyState.Stop, false, false)]      // shutdown: instances before groups
    public void A_sync_group_member_is_silent_when_it_enters_the_state_its_group_is_in(bool sent, NotifyState? group, NotifyState entered, bool forced, bool silent)
    {
        var s = NotifyPolicyState.Empty;
        if (sent)
            Step(Plan(), ref s, new NotifyEvent.InstanceEntered("VI_3", NotifyState.Fault == entered ? NotifyState.Backup : NotifyState.Fault, 100, false));
        if (group is { } g)
            Step(Plan(), ref s, new NotifyEvent.GroupEntered("G1", g));
        var d = Step(Plan(), ref s, new NotifyEvent.InstanceEntered("VI_3", entered, 100, forced));
        Assert.Equal(silent, d.IsEmpty);
        if (!silent)
            Assert.Equal([$"/gen3|INSTANCE|VI_3|{NotifyArguments.Word(entered)}|100"], Argvs(d));
    }

    [Fact]
    public void A_standalone_instance_is_never_silent()
    {
        var s = NotifyPolicyState.Empty;
        Step(Plan(), ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Backup, 100, false));
        Step(Plan(), ref s, new NotifyEvent.GroupEntered("G1", NotifyState.Backup));
        Assert.False(Step(Plan(), ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Backup, 100, false)).IsEmpty);
    }

    [Theory]
    [InlineData(NotifyState.Master, "/gm", "/ggen|GROUP|G1|MASTER|0", "GROUP \"G1\" MASTER 0\n")]
    [InlineData(NotifyState.Backup, "/gb", "/ggen|GROUP|G1|BACKUP|0", "GROUP \"G1\" BACKUP 0\n")]
    [InlineData(NotifyState.Fault, "/gf", "/ggen|GROUP|G1|FAULT|0", "GROUP \"G1\" FAULT 0\n")]
    [InlineData(NotifyState.Stop, "/gs", "/ggen|GROUP|G1|STOP|0", "GROUP \"G1\" STOP 0\n")]
    public void A_group_runs_its_state_script_then_the_generic_one_with_priority_0(NotifyState state, string first, string second, string line)
    {
        var s = NotifyPolicyState.Empty;
        var d = Step(Plan(), ref s, new NotifyEvent.GroupEntered("G1", state));
        Assert.Equal([first, second], Argvs(d));
        Assert.All(d.Scripts, j => Assert.Equal(new NotifyOwner(NotifyTarget.Group, "G1"), j.Owner));
        Assert.Equal([line], d.FifoLines);
        Assert.Equal(state, s.Groups["G1"].State);
    }

    [Fact]
    public void A_group_has_no_deleted_state() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NotifyPolicy.Step(Plan(), NotifyPolicyState.Empty, new NotifyEvent.GroupEntered("G1", NotifyState.Deleted)));

    [Fact]
    public void A_master_hearing_a_lower_priority_runs_notify_master_rx_lower_pri_alone()
    {
        var s = NotifyPolicyState.Empty;
        var d = Step(Plan(Mail), ref s, new NotifyEvent.MasterRxLowerPriority("VI_1", 110));
        Assert.Equal(["/lower"], Argvs(d));
        Assert.False(d.Scripts[0].IsStop);
        Assert.Equal(["INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 110\n"], d.FifoLines);
        Assert.Empty(d.Mails);
        Assert.Equal(NotifyPolicyState.Empty, s);
        d = Step(Plan(Mail), ref s, new NotifyEvent.MasterRxLowerPriority("VI_2", 100));
        Assert.Empty(d.Scripts);
        Assert.Equal(["INSTANCE \"VI_2\" MASTER_RX_LOWER_PRI 100\n"], d.FifoLines);
    }

    [Theory]
    [InlineData(true, true, "INSTANCE \"VI_1\" MASTER_PRIORITY 90\n")]
    [InlineData(true, false, "INSTANCE \"VI_1\" BACKUP_PRIORITY 90\n")]
    [InlineData(false, true, null)]
    public void Priority_changes_are_fifo_lines_only_when_asked_for(bool notify, bool master, string? line)
    {
        var s = NotifyPolicyState.Empty;
        var d = Step(Plan(priorityChanges: notify), ref s, new NotifyEvent.PriorityChanged("VI_1", master, 90));
        Assert.Equal(line is null ? [] : [line], d.FifoLines);
        Assert.Empty(d.Scripts);
    }

    [Fact]
    public void Mail_goes_out_on_transitions_with_keepalived_subjects()
    {
        var s = NotifyPolicyState.Empty;
        var d = Step(Plan(Mail), ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Master, 110, false));
        var mail = Assert.Single(d.Mails);
        Assert.Equal("ka@host", mail.From);
        Assert.Equal(["ops@x", "noc@x"], mail.To);
        Assert.Equal("[lb1] VRRP Instance VI_1 - Entering MASTER state", mail.Subject);
        Assert.Equal("=> VRRP Instance is now owning VRRP VIPs <=", mail.Body);
        d = Step(Plan(Mail), ref s, new NotifyEvent.GroupEntered("G1", NotifyState.Backup));
        Assert.Equal("[lb1] VRRP Group G1 - Entering BACKUP state", Assert.Single(d.Mails).Subject);
    }

    [Fact]
    public void No_mail_without_smtp_alert_or_without_a_mail_plan()
    {
        var s = NotifyPolicyState.Empty;
        Assert.Empty(Step(Plan(Mail, smtp: false), ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Master, 110, false)).Mails);
        s = NotifyPolicyState.Empty;
        Assert.Empty(Step(Plan(null), ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Master, 110, false)).Mails);
        Assert.Empty(Step(Plan(Mail), ref s, new NotifyEvent.GroupEntered("G2", NotifyState.Master)).Mails); // G2 has no smtp_alert
    }

    /// <summary>last_email_state is only updated when a mail goes out: with no_email_faults, MASTER → FAULT → MASTER
    /// mails once (keepalived's quirk, kept).</summary>
    [Fact]
    public void No_email_faults_skips_fault_mail_and_a_return_to_the_last_mailed_state_is_not_mailed()
    {
        var plan = Plan(Mail with { NoEmailFaults = true });
        var s = NotifyPolicyState.Empty;
        Assert.Single(Step(plan, ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Master, 110, false)).Mails);
        Assert.Empty(Step(plan, ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Fault, 110, false)).Mails);
        Assert.Empty(Step(plan, ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Master, 110, false)).Mails);
        Assert.Single(Step(plan, ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Backup, 110, false)).Mails);
        Assert.Equal(NotifyState.Backup, s.Instances["VI_1"].LastEmailed);
    }

    [Fact]
    public void Fault_is_mailed_without_no_email_faults()
    {
        var s = NotifyPolicyState.Empty;
        Assert.Equal("[lb1] VRRP Instance VI_1 - Entering FAULT state",
            Assert.Single(Step(Plan(Mail), ref s, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Fault, 110, false)).Mails).Subject);
    }

    [Fact]
    public void A_silenced_member_sends_no_mail_either()
    {
        var plan = Plan(Mail);
        var s = NotifyPolicyState.Empty;
        Step(plan, ref s, new NotifyEvent.InstanceEntered("VI_2", NotifyState.Master, 100, false));
        Step(plan, ref s, new NotifyEvent.GroupEntered("G1", NotifyState.Backup));
        Assert.True(Step(plan, ref s, new NotifyEvent.InstanceEntered("VI_2", NotifyState.Backup, 100, false)).IsEmpty);
        Assert.Equal(NotifyState.Master, s.Instances["VI_2"].LastEmailed);
    }

    [Fact]
    public void Shutdown_stops_every_group_in_plan_order_once()
    {
        var s = NotifyPolicyState.Empty;
        Step(Plan(), ref s, new NotifyEvent.GroupEntered("G9", NotifyState.Master)); // heard of, not configured
        var d = Step(Plan(), ref s, NotifyEvent.Shutdown.Instance);
        Assert.Equal(["GROUP \"G1\" STOP 0\n", "GROUP \"G2\" STOP 0\n", "GROUP \"G9\" STOP 0\n"], d.FifoLines);
        Assert.Equal(["/gs", "/ggen|GROUP|G1|STOP|0"], Argvs(d));
        Assert.All(d.Scripts, j => Assert.True(j.IsStop));
        Assert.True(Step(Plan(), ref s, NotifyEvent.Shutdown.Instance).IsEmpty);
    }

    [Fact]
    public void Policy_state_is_immutable_between_steps()
    {
        var before = NotifyPolicyState.Empty;
        var (after, _) = NotifyPolicy.Step(Plan(), before, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Master, 1, false));
        Assert.Empty(before.Instances);
        Assert.Equal(new InstanceNotifyMemo(true, null), Assert.Single(after.Instances).Value);
    }
}

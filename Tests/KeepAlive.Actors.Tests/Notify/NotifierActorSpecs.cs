using System.Diagnostics;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>The notifier with a fake runner, FIFOs and mail, in real time (short timeouts): per-owner order, parallel
/// owners, timeouts, a runner that never answers, a crash mid-queue, mail beside the queues, and the stop flush.</summary>
public sealed class NotifierActorSpecs : TestKit
{
    private static ScriptSpec S(params string[] argv) => new(argv, null, null);

    private static readonly MailPlan Mail = new(new MailServer("192.0.2.25", 25, "lb1", TimeSpan.FromSeconds(30)), "ka@lb1", ["ops@x"], false);

    private static readonly NotifyPlan Plan = new(
        "lb1",
        [
            new InstanceNotifyPlan("VI_1", null, new StateScripts(S("/m", "x y"), S("/b"), S("/f"), S("/s"), S("/gen")), S("/lower"), SmtpAlert: true, NotifyPriorityChanges: true),
            new InstanceNotifyPlan("VI_2", "G1", new StateScripts(Generic: S("/gen2"))),
            new InstanceNotifyPlan("VI_3", null, new StateScripts(Master: new ScriptSpec(["/ghost"], "ghost", null), Backup: new ScriptSpec(["/nobody"], "nobody", null), Generic: S("/gen3"))),
        ],
        [new GroupNotifyPlan("G1", new StateScripts(Master: S("/gm"), Generic: S("/ggen")))],
        ["/a.fifo", "/b.fifo"],
        Mail,
        new ScriptUserDefaults(null, null, false));

    private static readonly ScriptIdentity Us = new(0, 0);

    private readonly RecordingFifo _a = new("/a.fifo");
    private readonly RecordingFifo _b = new("/b.fifo");

    private IActorRef Start(FakeScriptRunner runner, IMailSender? mail = null, NotifierSettings? settings = null) =>
        Sys.ActorOf(NotifierActor.Props(Plan, new NotifierPorts(runner, [_a, _b], mail ?? new RecordingMailSender(),
            new FakeScriptUsers(new() { ["nobody"] = (65534, 65534) }, [], Us)), settings));

    private static InstanceStateChanged Changed(string instance, VrrpState from, VrrpState to, int priority = 100, VrrpReason reason = VrrpReason.MasterDown) =>
        new(instance, 1, AddressFamily.InterNetwork, from, to, reason, priority);

    private static Task<NotifierStatus> Status(IActorRef notifier) => notifier.Ask<NotifierStatus>(GetNotifierStatus.Instance, TimeSpan.FromSeconds(5));

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Every_event_writes_keepalived_lines_to_every_fifo_in_order()
    {
        var notifier = Start(new FakeScriptRunner { AutoExit = ["/m", "/b", "/gen", "/gen2", "/gm", "/ggen", "/lower"] });
        notifier.Tell(Changed("VI_1", VrrpState.Initialize, VrrpState.Backup, 110, VrrpReason.Startup));
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        notifier.Tell(new SyncGroupStateChanged("G1", VrrpState.Backup, VrrpState.Master));
        notifier.Tell(Changed("VI_2", VrrpState.Backup, VrrpState.Master, 100, VrrpReason.SyncGroup));
        notifier.Tell(new MasterReceivedLowerPriority("VI_1", 110));
        notifier.Tell(new InstancePriorityChanged("VI_1", true, 90));
        notifier.Tell(new InstancePriorityChanged("VI_2", true, 90)); // VI_2 does not notify priority changes
        notifier.Tell(Changed("VI_2", VrrpState.Master, VrrpState.Initialize)); // INIT is never notified
        await Status(notifier);
        string[] expected =
        [
            "INSTANCE \"VI_1\" BACKUP 110\n",
            "INSTANCE \"VI_1\" MASTER 110\n",
            "GROUP \"G1\" MASTER 0\n",
            "INSTANCE \"VI_2\" MASTER 100\n",
            "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 110\n",
            "INSTANCE \"VI_1\" MASTER_PRIORITY 90\n",
        ];
        Assert.Equal(expected, _a.Lines);
        Assert.Equal(expected, _b.Lines);
    }

    [Fact]
    public void An_owners_scripts_run_one_after_another_state_script_first()
    {
        var runner = new FakeScriptRunner();
        var notifier = Start(runner, settings: new NotifierSettings { ScriptTimeout = TimeSpan.FromSeconds(20), KillGrace = TimeSpan.FromSeconds(3) });
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        notifier.Tell(Changed("VI_1", VrrpState.Master, VrrpState.Backup, 105, VrrpReason.HigherPriorityAdvert));
        string[] expected = ["/m|x y", "/gen|INSTANCE|VI_1|MASTER|110", "/b", "/gen|INSTANCE|VI_1|BACKUP|105"];
        for (var i = 0; i < expected.Length; i++)
        {
            var run = runner.Next();
            Assert.Equal(expected[i], run.Line);
            Assert.Equal(TimeSpan.FromSeconds(20), run.Request.Timeout);
            Assert.Equal(TimeSpan.FromSeconds(3), run.Request.KillGrace);
            Assert.Equal(Us, run.Request.Identity);
            runner.ExpectNoStart(Quiet); // the next one waits for this one
            run.Exit(i == 1 ? 1 : 0);     // a failing script does not stop the queue
        }
        runner.ExpectNoStart(Quiet);
    }

    [Fact]
    public void Different_owners_run_in_parallel()
    {
        var runner = new FakeScriptRunner();
        var notifier = Start(runner);
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        notifier.Tell(new SyncGroupStateChanged("G1", VrrpState.Backup, VrrpState.Master));
        notifier.Tell(Changed("VI_2", VrrpState.Backup, VrrpState.Master, 100, VrrpReason.SyncGroup));
        var started = new[] { runner.Next(), runner.Next(), runner.Next() };
        Assert.Equal(["/gen2|INSTANCE|VI_2|MASTER|100", "/gm", "/m|x y"], started.Select(r => r.Line).Order(StringComparer.Ordinal));
        runner.ExpectNoStart(Quiet);
        foreach (var run in started.Where(r => r.Line == "/gm"))
            run.Exit();
        Assert.Equal("/ggen|GROUP|G1|MASTER|0", runner.Next().Line);
    }

    [Fact]
    public async Task A_hung_script_is_killed_at_its_timeout_and_the_queue_moves_on()
    {
        var runner = new FakeScriptRunner { HonourTimeout = true };
        var notifier = Start(runner, settings: new NotifierSettings { ScriptTimeout = TimeSpan.FromMilliseconds(400) });
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        var clock = Stopwatch.StartNew();
        var hung = runner.Next();
        Assert.Equal("/m|x y", hung.Line);
        var next = runner.Next();
        Assert.Equal("/gen|INSTANCE|VI_1|MASTER|110", next.Line);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(4));
        next.Exit();
        await AwaitAssertAsync(async () => Assert.Equal((0, 2L, 1L), await Status(notifier) is var s ? (s.Running, s.ScriptsFinished, s.ScriptsTimedOut) : default));
    }

    [Fact]
    public async Task A_runner_that_never_answers_is_given_up_on_and_the_queue_moves_on()
    {
        var runner = new FakeScriptRunner { IgnoreCancel = true };
        var notifier = Start(runner, settings: new NotifierSettings
        {
            ScriptTimeout = TimeSpan.FromMilliseconds(200), KillGrace = TimeSpan.Zero, RunnerGrace = TimeSpan.FromMilliseconds(200),
        });
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        var silent = runner.Next();
        var next = runner.Next();
        Assert.Equal("/gen|INSTANCE|VI_1|MASTER|110", next.Line);
        Assert.True(silent.Token.IsCancellationRequested);
        silent.Exit(); // a late answer is ignored
        next.Exit();
        await AwaitAssertAsync(async () => Assert.Equal((0, 0, 1L), await Status(notifier) is var s ? (s.Running, s.Queued, s.ScriptsTimedOut) : default));
    }

    [Fact]
    public void A_crash_mid_queue_keeps_the_queue_and_the_notifier_works_afterwards()
    {
        var runner = new FakeScriptRunner();
        var notifier = Start(runner);
        _a.ThrowOn = line => line.Contains("FAULT", StringComparison.Ordinal);
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        var first = runner.Next();
        EventFilter.Exception<InvalidOperationException>().ExpectOne(() =>
            notifier.Tell(Changed("VI_1", VrrpState.Master, VrrpState.Fault, 110, VrrpReason.FaultRaised)));
        notifier.Tell(Changed("VI_1", VrrpState.Fault, VrrpState.Backup, 110, VrrpReason.FaultCleared));
        string[] rest = ["/gen|INSTANCE|VI_1|MASTER|110", "/f", "/gen|INSTANCE|VI_1|FAULT|110", "/b", "/gen|INSTANCE|VI_1|BACKUP|110"];
        first.Exit();
        foreach (var line in rest)
        {
            var run = runner.Next();
            Assert.Equal(line, run.Line);
            run.Exit();
        }
        runner.ExpectNoStart(Quiet);
        Assert.Equal(["INSTANCE \"VI_1\" MASTER 110\n", "INSTANCE \"VI_1\" BACKUP 110\n"], _a.Lines);
    }

    [Fact]
    public void Mail_goes_beside_the_queues_and_a_hanging_server_blocks_no_script()
    {
        var runner = new FakeScriptRunner();
        var mail = new RecordingMailSender { Hang = true };
        var notifier = Start(runner, mail);
        notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110));
        var sent = mail.Next();
        Assert.Equal(Mail.Server, sent.Server);
        Assert.Equal(("ka@lb1", "[lb1] VRRP Instance VI_1 - Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <="),
            (sent.Mail.From, sent.Mail.Subject, sent.Mail.Body));
        Assert.Equal(["ops@x"], sent.Mail.To);
        var run = runner.Next();
        run.Exit();
        Assert.Equal("/gen|INSTANCE|VI_1|MASTER|110", runner.Next().Line);
    }

    [Fact]
    public async Task A_script_whose_user_does_not_exist_is_skipped_and_others_run_as_their_user()
    {
        var runner = new FakeScriptRunner();
        var notifier = Start(runner);
        notifier.Tell(Changed("VI_3", VrrpState.Backup, VrrpState.Master));
        var generic = runner.Next();
        Assert.Equal("/gen3|INSTANCE|VI_3|MASTER|100", generic.Line);
        generic.Exit();
        notifier.Tell(Changed("VI_3", VrrpState.Master, VrrpState.Backup));
        var nobody = runner.Next();
        Assert.Equal("/nobody", nobody.Line);
        Assert.Equal(new ScriptIdentity(65534, 65534), nobody.Request.Identity);
        nobody.Exit();
        runner.Next().Exit();
        Assert.Equal(1L, (await Status(notifier)).ScriptsNotStarted);
    }

    [Fact]
    public void Stop_waits_for_the_stop_scripts_of_instances_and_groups_then_answers()
    {
        var runner = new FakeScriptRunner();
        var notifier = Start(runner);
        notifier.Tell(new SyncGroupStateChanged("G1", VrrpState.Backup, VrrpState.Master));
        runner.Next().Exit();
        runner.Next().Exit();
        notifier.Tell(Changed("VI_1", VrrpState.Master, VrrpState.Stopped, 110, VrrpReason.Shutdown));
        notifier.Tell(new StopNotifier());
        var first = new[] { runner.Next(), runner.Next() }.OrderBy(r => r.Line, StringComparer.Ordinal).ToList();
        Assert.Equal(["/ggen|GROUP|G1|STOP|0", "/s"], first.Select(r => r.Line));
        // keepalived: STOP notifications are waited for one second, then SIGKILLed.
        Assert.All(first, r => Assert.Equal((NotifyArguments.StopScriptWait, TimeSpan.Zero), (r.Request.Timeout, r.Request.KillGrace!.Value)));
        ExpectNoMsg(Quiet);
        foreach (var run in first)
            run.Exit();
        var last = runner.Next();
        Assert.Equal("/gen|INSTANCE|VI_1|STOP|110", last.Line);
        ExpectNoMsg(Quiet);
        last.Exit();
        ExpectMsg(new NotifierStopped(0, 0));
        Assert.Equal("GROUP \"G1\" STOP 0\n", _a.Lines[^1]);
        notifier.Tell(new StopNotifier()); // groups already stopped, nothing runs: answered at once
        ExpectMsg(new NotifierStopped(0, 0));
    }

    [Fact]
    public void Stop_gives_up_after_its_wait_killing_what_runs_and_cancelling_mail()
    {
        var runner = new FakeScriptRunner();
        var mail = new RecordingMailSender { Hang = true };
        var notifier = Start(runner, mail);
        notifier.Tell(Changed("VI_1", VrrpState.Master, VrrpState.Stopped, 110, VrrpReason.Shutdown));
        var stopMail = mail.Next();
        notifier.Tell(new StopNotifier(TimeSpan.FromMilliseconds(400)));
        var running = new[] { runner.Next(), runner.Next() };
        ExpectMsg(new NotifierStopped(3, 1), TimeSpan.FromSeconds(5)); // VI_1's two STOP scripts and G1's generic
        Assert.All(running, r => Assert.True(r.Token.IsCancellationRequested));
        Assert.True(stopMail.Token.IsCancellationRequested);
        runner.ExpectNoStart(Quiet);
        notifier.Tell(Changed("VI_1", VrrpState.Stopped, VrrpState.Backup, 110, VrrpReason.Startup)); // still working
        Assert.Equal("/b", runner.Next().Line);
    }
}

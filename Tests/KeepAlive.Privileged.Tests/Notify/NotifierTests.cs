using System.Globalization;
using System.Net.Sockets;
using Akka.Actor;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Mail;
using KeepAlive.Kernel.Ports;
using KeepAlive.Privileged.Tests.Mail;
using KeepAlive.Privileged.Tests.Scripts;

namespace KeepAlive.Privileged.Tests.Notify;

/// <summary>
/// The notifier on the real ports: a keepalived.conf (the oracle test's shape) through the config pipeline and
/// <see cref="NotifyPlanner"/>, real scripts through <see cref="ProcessScriptRunner"/> recording their argument lists,
/// a real FIFO read by a thread, and smtp_alert mail into an in-process SMTP server. The instance and group
/// transitions are the ones the VRRP actors send. Scripts and lines must be exactly what keepalived 2.2.7 produces
/// (KeepalivedNotifyOracleTests shows them from the real daemon), each owner's in transition order, and nothing the
/// scripts started may be left running.
/// </summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NotifierTests : IDisposable
{
    private readonly ScriptSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static InstanceStateChanged Changed(string name, VrrpState from, VrrpState to, int priority, VrrpReason reason) =>
        new(name, 71, AddressFamily.InterNetwork, from, to, reason, priority);

    [SkippableFact]
    public async Task Transitions_run_keepalived_argument_lists_write_fifo_lines_and_mail_then_stop_waits_for_them()
    {
        Privilege.Require();
        await using var smtp = await SmtpSink.StartAsync();
        var pids = _box.PathOf("pids");
        // One write per line: a state script and the generic script may run at once and append to the same record.
        string Recorder(string name) =>
            _box.Script(name, $"echo $$ >> {pids}\nline=$(printf '%s|' \"$0\" \"$@\")\nprintf '%s\\n' \"$line\" >> {_box.PathOf(name + ".record")}");
        var vi1 = Recorder("vi1.sh");
        var g1 = Recorder("g1.sh");
        // notify_fault hangs with a child of its own: the timeout must kill both.
        var hang = _box.Script("hang.sh", $"echo $$ >> {pids}\nsleep 60 &\necho $! >> {pids}\nwait");
        var fifo = _box.PathOf("notify.fifo");
        var config = $$"""
            global_defs {
                router_id ka-notify
                notification_email {
                    ops@example.com
                    noc@example.com
                }
                notification_email_from keepalived@example.com
                smtp_server 127.0.0.1 {{smtp.Port}}
                smtp_helo_name ka-helo.example.com
                smtp_connect_timeout 5
                smtp_alert
                vrrp_notify_fifo {{fifo}}
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 71
                priority 100
                virtual_ipaddress {
                    10.98.0.100/32
                }
                notify_master "{{vi1}} 'x y' z"
                notify_backup "{{vi1}} backup"
                notify_fault {{hang}}
                notify_stop "{{vi1}} stop"
                notify "{{vi1}} gen"
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 72
                priority 100
                virtual_ipaddress {
                    10.98.0.101/32
                }
            }
            vrrp_sync_group G1 {
                group {
                    VI_2
                }
                notify_master "{{g1}} gmaster"
                notify_stop "{{g1}} gstop"
                notify "{{g1}} ggen"
            }
            """;
        const string path = "/etc/keepalived/keepalived.conf";
        var loaded = ConfigLoader.Load(path, new InMemoryConfigSource().Add(path, config), new ConfigLoadOptions(new ReaderOptions()));
        var plan = NotifyPlanner.From(loaded.Config, new NotifyHost("ka-host", "root"), out var problems);
        Assert.Empty(problems);
        Assert.Equal([fifo], plan.FifoPaths);

        using var writer = NotifyFifoWriter.Open(fifo, out var opened);
        Assert.Equal(FifoWriteOutcome.Written, opened.Outcome);
        var lines = new List<string>();
        var reader = new Thread(() =>
        {
            using var stream = new StreamReader(new FileStream(fifo, FileMode.Open, FileAccess.Read));
            while (stream.ReadLine() is { } line)
            {
                lock (lines)
                    lines.Add(line);
            }
        }) { IsBackground = true };
        reader.Start();

        var system = ActorSystem.Create("notify-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var ports = new NotifierPorts(new ProcessScriptRunner(), [writer], new MailKitMailSender(), new LinuxScriptUsers());
            var settings = new NotifierSettings { ScriptTimeout = TimeSpan.FromSeconds(1), KillGrace = TimeSpan.FromMilliseconds(300) };
            var notifier = system.ActorOf(NotifierActor.Props(plan, ports, settings), "notifier");
            notifier.Tell(Changed("VI_1", VrrpState.Initialize, VrrpState.Backup, 110, VrrpReason.Startup));
            notifier.Tell(Changed("VI_1", VrrpState.Backup, VrrpState.Master, 110, VrrpReason.MasterDown));
            notifier.Tell(new SyncGroupStateChanged("G1", VrrpState.Backup, VrrpState.Master));
            notifier.Tell(Changed("VI_2", VrrpState.Backup, VrrpState.Master, 100, VrrpReason.SyncGroup));
            notifier.Tell(Changed("VI_1", VrrpState.Master, VrrpState.Fault, 110, VrrpReason.FaultRaised));
            notifier.Tell(Changed("VI_1", VrrpState.Fault, VrrpState.Stopped, 110, VrrpReason.Shutdown));
            notifier.Tell(Changed("VI_2", VrrpState.Master, VrrpState.Stopped, 100, VrrpReason.Shutdown));
            var stopped = await notifier.Ask<NotifierStopped>(new StopNotifier(TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(40));
            Assert.Equal(new NotifierStopped(0, 0), stopped);
            var status = await notifier.Ask<NotifierStatus>(GetNotifierStatus.Instance, TimeSpan.FromSeconds(5));
            Assert.Equal((12L, 1L, 0L, 8L, 0L), (status.ScriptsFinished, status.ScriptsTimedOut, status.ScriptsNotStarted, status.MailsSent, status.MailsFailed));
        }
        finally
        {
            await system.Terminate();
        }

        // Each owner's scripts, in transition order, with keepalived's argument lists.
        Assert.Equal(
        [
            $"{vi1}|backup|",
            $"{vi1}|gen|INSTANCE|VI_1|BACKUP|110|",
            $"{vi1}|x y|z|",
            $"{vi1}|gen|INSTANCE|VI_1|MASTER|110|",
            $"{vi1}|gen|INSTANCE|VI_1|FAULT|110|", // after notify_fault was killed at its timeout
            $"{vi1}|stop|",
            $"{vi1}|gen|INSTANCE|VI_1|STOP|110|",
        ], File.ReadAllLines(_box.PathOf("vi1.sh.record")));
        Assert.Equal(
        [
            $"{g1}|gmaster|",
            $"{g1}|ggen|GROUP|G1|MASTER|0|",
            $"{g1}|gstop|",
            $"{g1}|ggen|GROUP|G1|STOP|0|",
        ], File.ReadAllLines(_box.PathOf("g1.sh.record")));

        // keepalived's FIFO lines, in event order.
        string[] expectedLines =
        [
            "INSTANCE \"VI_1\" BACKUP 110",
            "INSTANCE \"VI_1\" MASTER 110",
            "GROUP \"G1\" MASTER 0",
            "INSTANCE \"VI_2\" MASTER 100",
            "INSTANCE \"VI_1\" FAULT 110",
            "INSTANCE \"VI_1\" STOP 110",
            "INSTANCE \"VI_2\" STOP 100",
            "GROUP \"G1\" STOP 0",
        ];
        Assert.True(ScriptSandbox.Eventually(() => { lock (lines) return lines.Count >= expectedLines.Length; }, TimeSpan.FromSeconds(5)));
        lock (lines)
            Assert.Equal(expectedLines, lines);
        writer.Dispose(); // the reader sees end of file
        Assert.True(reader.Join(TimeSpan.FromSeconds(5)));

        // One mail per transition (smtp_alert in global_defs), as keepalived words them.
        var mails = smtp.Take(8, TimeSpan.FromSeconds(10));
        Assert.Equal(
        [
            "[ka-notify] VRRP Group G1 - Entering MASTER state",
            "[ka-notify] VRRP Group G1 - Stopping",
            "[ka-notify] VRRP Instance VI_1 - Entering BACKUP state",
            "[ka-notify] VRRP Instance VI_1 - Entering FAULT state",
            "[ka-notify] VRRP Instance VI_1 - Entering MASTER state",
            "[ka-notify] VRRP Instance VI_1 - Stopping",
            "[ka-notify] VRRP Instance VI_2 - Entering MASTER state",
            "[ka-notify] VRRP Instance VI_2 - Stopping",
        ], mails.Select(m => m.Message.Subject).Order(StringComparer.Ordinal));
        var master = mails.Single(m => m.Message.Subject == "[ka-notify] VRRP Instance VI_1 - Entering MASTER state");
        Assert.Equal(("ka-helo.example.com", "keepalived@example.com"), (master.Greeting, master.MailFrom));
        Assert.Equal(["ops@example.com", "noc@example.com"], master.RcptTo);
        Assert.Equal("keepalived@example.com", master.Message.Headers["From"]?.Trim());
        Assert.Equal("ops@example.com, noc@example.com", master.Message.Headers["To"]?.Trim());
        Assert.Equal("Keepalived", master.Message.Headers["X-Mailer"]);
        Assert.Equal("=> VRRP Instance is now owning VRRP VIPs <=", master.Message.TextBody?.TrimEnd());
        Assert.Equal("=> All VRRP group instances are now stopping <=",
            mails.Single(m => (m.Message.Subject ?? "").EndsWith("Group G1 - Stopping", StringComparison.Ordinal)).Message.TextBody?.TrimEnd());

        // Nothing left behind: every script, and the child the hung one started, is gone and reaped.
        var started = File.ReadAllLines(pids).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(13, started.Count); // 11 recorder runs, hang.sh and its sleep
        Assert.True(ScriptSandbox.Eventually(() => started.All(p => !ScriptSandbox.Alive(p)), TimeSpan.FromSeconds(5)),
            "still running: " + string.Join(' ', started.Where(ScriptSandbox.Alive)));
        // Every child is a zombie for a moment between its exit and its reaping (other tests of this assembly run
        // processes in parallel): what must not exist is one that stays unreaped.
        Assert.True(ScriptSandbox.Eventually(() => ZombieChildren().Count == 0, TimeSpan.FromSeconds(5)),
            "unreaped children: " + string.Join(' ', ZombieChildren()));
    }

    /// <summary>Our own children that died and were not reaped.</summary>
    private static List<int> ZombieChildren()
    {
        var me = Environment.ProcessId;
        var zombies = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z" && int.Parse(fields[1], CultureInfo.InvariantCulture) == me)
                    zombies.Add(pid);
            }
            catch (IOException)
            {
            }
        }
        return zombies;
    }
}

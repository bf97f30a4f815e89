using KeepAlive.Privileged.Tests.Interop;

namespace KeepAlive.Privileged.Tests.Scripts;

/// <summary>
/// The notify argument lists and FIFO lines that Actors/Scripts (NotifyArguments, NotifyFifoLine, ScriptCommandLine)
/// reproduce, observed from the real keepalived 2.2.7: a standalone instance tracking a weighted vrrp_script (so its
/// effective priority is 100 + 10), a one-member sync group, state scripts with quoted arguments, generic notify
/// scripts, and a vrrp_notify_fifo read by a thread.
/// </summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeepalivedNotifyOracleTests : IDisposable
{
    private readonly ScriptSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [SkippableFact]
    public void Keepalived_runs_notify_scripts_and_writes_fifo_lines_as_the_pure_code_says()
    {
        Privilege.Require("keepalived", "ip");
        using var ns = new NetworkNamespace("scr", "kso0");
        Assert.Equal(0, ns.Exec("ip", ["addr", "add", "10.98.0.1/24", "dev", "kso0"], TimeSpan.FromSeconds(5)).Code);
        var record = _box.PathOf("record");
        // One write per line: keepalived runs the scripts concurrently, and two appends per line interleaved once in CI.
        var recorder = _box.Script("rec.sh", $"line=$(printf '%s|' \"$0\" \"$@\")\nprintf '%s\\n' \"$line\" >> {record}");
        var checkRecord = _box.PathOf("check");
        var check = _box.Script("chk.sh", $"printf '%s|' \"$@\" > {checkRecord}\nexit 0");
        var fifo = _box.PathOf("notify.fifo");
        var config = $$"""
            global_defs {
                router_id ka-scripts
                vrrp_notify_fifo {{fifo}}
            }
            vrrp_script chk {
                script "{{check}} 'a b' c"
                interval 1
                weight 10
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface kso0
                virtual_router_id 71
                priority 100
                advert_int 1
                virtual_ipaddress {
                    10.98.0.100/32
                }
                track_script {
                    chk
                }
                notify_master "{{recorder}} 'x y' z"
                notify "{{recorder}} gen"
            }
            vrrp_instance VI_2 {
                state BACKUP
                interface kso0
                virtual_router_id 72
                priority 100
                advert_int 1
                virtual_ipaddress {
                    10.98.0.101/32
                }
            }
            vrrp_sync_group G1 {
                group {
                    VI_2
                }
                notify_master "{{recorder}} gmaster"
                notify "{{recorder}} ggen"
            }
            """;
        var rec = _box.PathOf("rec.sh");
        string[] masterLines =
        [
            $"{rec}|x y|z|",                              // notify_master: its own words only
            $"{rec}|gen|INSTANCE|VI_1|MASTER|110|",        // generic: + INSTANCE name STATE prio
            $"{rec}|gmaster|",                            // group notify_master
            $"{rec}|ggen|GROUP|G1|MASTER|0|",              // group generic: priority 0
        ];
        var lines = new List<string>();
        Thread? reader = null;
        using (var keepalived = new KeepalivedProcess(ns.Name, config))
        {
            Assert.True(ScriptSandbox.Eventually(() => File.Exists(fifo), TimeSpan.FromSeconds(10)), keepalived.ToString());
            reader = new Thread(() =>
            {
                using var stream = new StreamReader(new FileStream(fifo, FileMode.Open, FileAccess.Read));
                while (stream.ReadLine() is { } line)
                {
                    lock (lines)
                        lines.Add(line);
                }
            }) { IsBackground = true };
            reader.Start();
            bool Seen(string line)
            {
                lock (lines)
                    return lines.Contains(line);
            }
            Assert.True(ScriptSandbox.Eventually(() => Seen("INSTANCE \"VI_1\" MASTER 110") && Seen("GROUP \"G1\" MASTER 0"), TimeSpan.FromSeconds(20)),
                string.Join('\n', lines) + "\n" + keepalived);
            // Each notify script is its own process, and one still running when keepalived stops may never write its
            // line: wait until every MASTER script has recorded before stopping keepalived (once in CI, gmaster had not).
            Assert.True(ScriptSandbox.Eventually(
                    () => File.Exists(record) && File.ReadAllText(record) is var text
                          && masterLines.All(line => text.Contains(line + "\n", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(10)),
                (File.Exists(record) ? File.ReadAllText(record) : "no record file") + "\n" + keepalived);
        }
        reader.Join(TimeSpan.FromSeconds(10));
        // keepalived spawns each notify script as its own process, so the order in which they append to the record is
        // not the order of the transitions: wait for both STOP lines, not only the last one spawned.
        Assert.True(ScriptSandbox.Eventually(
                () => File.Exists(record)
                      && File.ReadAllText(record) is var text
                      && text.Contains("ggen|GROUP|G1|STOP|0|") && text.Contains("gen|INSTANCE|VI_1|STOP|"),
                TimeSpan.FromSeconds(10)),
            File.Exists(record) ? File.ReadAllText(record) : "no record file");
        var recorded = File.ReadAllLines(record);
        Assert.Equal("a b|c|", File.ReadAllText(checkRecord));                   // script "CMD 'a b' c": split twice
        foreach (var line in masterLines)
            Assert.Contains(line, recorded);
        Assert.Contains($"{rec}|gen|INSTANCE|VI_1|STOP|110|", recorded);
        Assert.Contains($"{rec}|ggen|GROUP|G1|STOP|0|", recorded);
        lock (lines)
        {
            Assert.Contains("INSTANCE \"VI_1\" STOP 110", lines);
            Assert.Contains("GROUP \"G1\" STOP 0", lines);
            Assert.Contains("INSTANCE \"VI_2\" MASTER 100", lines);
        }
    }
}

using KeepAlive.Actors.Notify;
using KeepAlive.Config;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;
using KeepAlive.Privileged.Tests.Interop;

namespace KeepAlive.Privileged.Tests.Scripts;

/// <summary>
/// How keepalived 2.2.7 quotes and escapes script lines, observed end to end: every script slot that runs in a short
/// VRRP life (startup and shutdown scripts, three tracked vrrp_scripts, an instance's and a sync group's
/// notify_backup/master/stop and generic notify) gets a tricky line whose recorder writes its argv NUL-separated, and
/// the argv keepalived ran is compared with the argv our config binder and <see cref="NotifyPlanner.Script"/> give
/// for the same file. Two notify_fault lines keepalived cannot parse check that both sides drop them.
/// </summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeepalivedScriptQuotingOracleTests : IDisposable
{
    private readonly ScriptSandbox _box = new();

    public void Dispose() => _box.Dispose();

    /// <summary>One slot: where the line goes, the line after the keyword ({R} is its recorder), keepalived's argv
    /// without argv[0] and without the generic notify's four extra parameters.</summary>
    private sealed record Slot(string Id, string Keyword, string Written, string[] Arguments);

    private static readonly Slot[] Slots =
    [
        new("startup", "startup_script", """
            "{R} \x41\101 \cA x\\y"
            """, ["AA", "\u0001", "xy"]),
        new("shutdown", "shutdown_script", """
            {R}\ a
            """, ["a"]),
        new("chk1", "script", "\"{R} a\\\\tb\\tc 'p\tq'\"", ["a\tb", "c", "p\tq"]),
        new("chk2", "script", """
            '{R} a' b c
            """, ["a"]),
        new("chk3", "script", """
            "{R} \#x y#z"
            """, ["#x", "y#z"]),
        new("vi_backup", "notify_backup", """
            '{R} "a b" c'
            """, ["a b", "c"]),
        new("vi_master", "notify_master", """
            "{R} \"a b\" c"
            """, ["a b", "c"]),
        new("vi_stop", "notify_stop", """
            "{R} a\\\\b c\\ d"
            """, [@"a\b", "c d"]),
        new("vi_notify", "notify", """
            "{R} '' x \"\""
            """, ["", "x", ""]),
        new("g_backup", "notify_backup", """
            "{R} a"'b c'
            """, ["ab", "c"]),
        new("g_master", "notify_master", """
            '{R} "a b" c' root
            """, ["a b", "c"]),
        new("g_stop", "notify_stop", "{R} root root", []),
        new("g_notify", "notify", """
            "{R} \\\"q\\\""
            """, ["\"q\""]),
    ];

    [SkippableFact]
    public void Keepalived_and_our_config_give_every_tricky_script_line_the_same_argv()
    {
        Privilege.Require("keepalived", "ip");
        using var ns = new NetworkNamespace("quo", "kqo0");
        Assert.Equal(0, ns.Exec("ip", ["addr", "add", "10.97.0.1/24", "dev", "kqo0"], TimeSpan.FromSeconds(5)).Code);
        var lines = new Dictionary<string, string>();
        foreach (var slot in Slots)
        {
            var record = _box.PathOf("rec_" + slot.Id);
            // Written aside and renamed, so a reader never sees half of it (the vrrp_scripts run every second).
            var recorder = _box.Script($"r_{slot.Id}.sh", $"printf '%s\\0' \"$0\" \"$@\" > {record}.$$ && mv {record}.$$ {record}");
            lines[slot.Id] = $"{slot.Keyword} {slot.Written.Replace("{R}", recorder, StringComparison.Ordinal)}";
        }
        var unparsable = _box.Script("r_bad.sh", $"touch {_box.PathOf("rec_bad")}");
        var config = $$"""
            global_defs {
                router_id ka-quote
                {{lines["startup"]}}
                {{lines["shutdown"]}}
            }
            vrrp_script chk1 {
                {{lines["chk1"]}}
                interval 1
            }
            vrrp_script chk2 {
                {{lines["chk2"]}}
                interval 1
            }
            vrrp_script chk3 {
                {{lines["chk3"]}}
                interval 1
            }
            vrrp_instance VI_1 {
                state BACKUP
                interface kqo0
                virtual_router_id 81
                priority 100
                advert_int 1
                virtual_ipaddress {
                    10.97.0.100/32
                }
                track_script {
                    chk1
                    chk2
                    chk3
                }
                {{lines["vi_backup"]}}
                {{lines["vi_master"]}}
                {{lines["vi_stop"]}}
                {{lines["vi_notify"]}}
                notify_fault '{{unparsable}} #x'
            }
            vrrp_instance VI_2 {
                state BACKUP
                interface kqo0
                virtual_router_id 82
                priority 100
                advert_int 1
                virtual_ipaddress {
                    10.97.0.101/32
                }
            }
            vrrp_sync_group G1 {
                group {
                    VI_2
                }
                {{lines["g_backup"]}}
                {{lines["g_master"]}}
                {{lines["g_stop"]}}
                {{lines["g_notify"]}}
                notify_fault "{{unparsable}} 'open"
            }
            """;

        // Ours: the same file through the config pipeline and the notify planner.
        const string path = "/etc/keepalived/keepalived.conf";
        var loaded = ConfigLoader.Load(path, new InMemoryConfigSource().Add(path, config), new ConfigLoadOptions(new ReaderOptions()));
        Assert.Equal(2, loaded.Diagnostics.Count(d => d.Code == "KA2023"));
        var c = loaded.Config;
        var vi = c.VrrpInstances.Single(i => i.Name == "VI_1");
        var g = c.SyncGroups.Single();
        Assert.Null(vi.NotifyFault);
        Assert.Null(g.NotifyFault);
        var ours = new Dictionary<string, NotifyScript?>
        {
            ["startup"] = c.Globals.StartupScript,
            ["shutdown"] = c.Globals.ShutdownScript,
            ["chk1"] = c.VrrpScripts.Single(s => s.Name == "chk1").Script,
            ["chk2"] = c.VrrpScripts.Single(s => s.Name == "chk2").Script,
            ["chk3"] = c.VrrpScripts.Single(s => s.Name == "chk3").Script,
            ["vi_backup"] = vi.NotifyBackup,
            ["vi_master"] = vi.NotifyMaster,
            ["vi_stop"] = vi.NotifyStop,
            ["vi_notify"] = vi.Notify,
            ["g_backup"] = g.NotifyBackup,
            ["g_master"] = g.NotifyMaster,
            ["g_stop"] = g.NotifyStop,
            ["g_notify"] = g.Notify,
        };

        // keepalived's: run it until VI_1 and G1 are MASTER, then stop it (STOP and shutdown scripts).
        using (var keepalived = new KeepalivedProcess(ns.Name, config))
        {
            Assert.True(ScriptSandbox.Eventually(() => Recorded("vi_master") is not null && Recorded("g_master") is not null
                    && Recorded("chk1") is not null && Recorded("chk2") is not null && Recorded("chk3") is not null,
                TimeSpan.FromSeconds(30)), keepalived.ToString());
            Assert.Contains(keepalived.Log, l => l.Contains("missing terminating '", StringComparison.Ordinal));
        }
        Assert.True(ScriptSandbox.Eventually(() => Slots.All(s => Recorded(s.Id) is not null)
                && Recorded("vi_notify")!.Contains("STOP") && Recorded("g_notify")!.Contains("STOP"), TimeSpan.FromSeconds(15)),
            "not recorded: " + string.Join(", ", Slots.Where(s => Recorded(s.Id) is null).Select(s => s.Id)));
        Assert.False(File.Exists(_box.PathOf("rec_bad")));

        foreach (var slot in Slots)
        {
            var recorded = Recorded(slot.Id)!;
            var problems = new List<string>();
            var spec = NotifyPlanner.Script(slot.Id, slot.Keyword, ours[slot.Id], problems);
            Assert.True(spec is not null, $"{slot.Id}: {string.Join("; ", problems)}");
            var expected = new[] { _box.PathOf($"r_{slot.Id}.sh") }.Concat(slot.Arguments).ToList();
            Assert.Equal(expected, recorded.Take(expected.Count));                     // keepalived, as documented
            Assert.Equal(recorded.Take(spec.Argv.Count), spec.Argv);                   // ours, as keepalived
            var extra = recorded.Skip(spec.Argv.Count).ToList();
            Assert.Equal(slot.Id switch
            {
                "vi_notify" => ["INSTANCE", "VI_1", "STOP", "100"],
                "g_notify" => ["GROUP", "G1", "STOP", "0"],
                _ => [],
            }, extra);
        }
        Assert.Equal(("root", "root"), (ours["g_stop"]!.User, ours["g_stop"]!.Group));
        Assert.Equal("root", ours["g_master"]!.User);
        Assert.Null(ours["chk2"]!.User);
    }

    /// <summary>The argv a recorder wrote (argv[0] first), or null before it ran.</summary>
    private List<string>? Recorded(string id)
    {
        var file = _box.PathOf("rec_" + id);
        if (!File.Exists(file))
            return null;
        var text = File.ReadAllText(file);
        return text.EndsWith('\0') ? text[..^1].Split('\0').ToList() : null;
    }
}

using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>A node built from keepalived.conf with <see cref="TrackerPropsFactory"/>: its vrrp_script, track_file and
/// vrrp_track_process trackers (over the fakes) move its instance's priority and state.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeTrackerSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    private const string Trackers = """
        vrrp_script chk {
            script "/etc/keepalived/chk.sh --quick"
            interval 1
            weight 0
        }
        track_file tf {
            file /run/ka/weight
            weight 10
        }
        vrrp_track_process web {
            process nginx
            weight -30
        }

        """;

    private const string Tracking = """
        track_script {
            chk
        }
        track_file {
            tf
        }
        track_process {
            web
        }
        """;

    [Fact]
    public void The_nodes_trackers_move_its_instance()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        files.Write("/run/ka/weight", "2");
        var processes = new InMemoryProcessTable();
        var runner = new ScriptedScriptRunner();
        var problems = new List<string>();
        var users = new KeepAlive.Actors.Tests.Notify.FakeScriptUsers(new() { ["root"] = (0, 0) }, [], new(0, 0));
        Lab.Customise = s => s with { TrackerProps = TrackerPropsFactory.For(s.Config.Globals, new TrackerPorts(runner, users, files, processes), problem: problems.Add) };
        var a = Lab.Start("a", 1, Trackers + Conf(Instance("VI_1", 51, 100, "10.0.0.100/32", Tracking)));

        Lab.RunUntil(() => Lab.Instance(a, "VI_1").EffectivePriority == 100 + 20 - 30, 2, "file 2 × 10, nginx not running −30");
        Lab.RunUntil(() => runner.Runs.Count == 1, 1, "the first check starts with the tracker");
        Assert.Equal(["/etc/keepalived/chk.sh", "--quick"], runner.Runs[0].Request.Argv);
        processes.Start("/usr/sbin/nginx");
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").EffectivePriority == 120, 2, "nginx running");
        files.Write("/run/ka/weight", "5");
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").EffectivePriority == 150, 2, "file 5 × 10");

        Assert.Single(runner.Runs);                                      // still running: later intervals skip it
        runner.Runs[0].Exit(0);
        Lab.RunUntil(() => runner.Runs.Count == 2, 2, "the next interval runs the check again");
        Assert.NotEqual(VrrpState.Fault, Lab.Instance(a, "VI_1").State);
        runner.Runs[1].Exit(1);                                          // the check fails: unweighted, FAULT
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Fault, 2, "script failure faults the instance");
        Assert.Empty(problems);
    }

    [Fact]
    public void A_kind_the_host_cannot_track_is_reported_and_ignored()
    {
        var problems = new List<string>();
        var files = new InMemoryTrackedFiles("/run/ka");
        Lab.Customise = s => s with { TrackerProps = TrackerPropsFactory.For(s.Config.Globals, new TrackerPorts(Files: files), problem: problems.Add) };
        var a = Lab.Start("a", 1, Trackers + Conf(Instance("VI_1", 51, 100, "10.0.0.100/32", Tracking)));
        Lab.Run(4.5);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);
        Assert.Equal(100, Lab.Instance(a, "VI_1").EffectivePriority);    // the missing file counts 0
        Assert.Contains(problems, p => p.StartsWith("script tracking is not available", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("process tracking is not available", StringComparison.Ordinal));
    }

    [Fact]
    public void An_instance_waits_in_init_for_the_first_result_of_its_scripts()
    {
        var runner = new ScriptedScriptRunner();
        var users = new KeepAlive.Actors.Tests.Notify.FakeScriptUsers(new() { ["root"] = (0, 0) }, [], new(0, 0));
        Lab.Customise = s => s with { TrackerProps = TrackerPropsFactory.For(s.Config.Globals, new TrackerPorts(runner, users)) };
        var a = Lab.Start("a", 1, "vrrp_script chk {\n script \"/bin/chk\"\n interval 1\n timeout 10\n}\n"
            + Conf(Instance("VI_1", 51, 100, "10.0.0.100/32", "track_script {\n chk\n}")));
        Lab.Run(5);                                                        // the first check is still running
        Assert.Equal(VrrpState.Initialize, Lab.Instance(a, "VI_1").State);
        Assert.Empty(Vips(a));
        runner.Runs[0].Exit(0);
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Backup, 0.5, "leaves INIT at the first result");
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Master, 4, "then elects as usual");
    }
}

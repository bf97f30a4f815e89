using System.Globalization;
using Akka.Actor;
using Akka.TestKit;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Linux;
using KeepAlive.Privileged.Tests.Scripts;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace KeepAlive.Privileged.Tests.Tracking;

/// <summary>vrrp_script trackers running real scripts through <see cref="ProcessScriptRunner"/>, in real time: a hung
/// script and everything it started are killed at the timeout and counted as a failure; stopping the tracker kills a
/// running script; the script runs as the configured user. Every process checked is one the test's script started.</summary>
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ScriptTrackerOnLinuxTests(Xunit.Abstractions.ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ScriptSandbox _box = new();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _box.Dispose();
    }

    /// <summary>A script that records its pid and a background child's, then hangs (ignoring SIGTERM when asked).</summary>
    private string HangingScript(bool ignoreTerm) => _box.Script("hang.sh", $"""
        {(ignoreTerm ? "trap '' TERM" : "")}
        /bin/sleep 1000 &
        echo $! > {_box.PathOf("child")}
        echo $$ > {_box.PathOf("pid")}
        wait
        """);

    private int ReadPid(string name)
    {
        var path = _box.PathOf(name);
        Assert.True(ScriptSandbox.Eventually(() => File.Exists(path) && File.ReadAllText(path).Trim().Length > 0, Patience), $"{name} never written");
        return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }

    private void AssertGone(int script, int child)
    {
        Assert.True(ScriptSandbox.Eventually(() => !ScriptSandbox.Alive(script) && !ScriptSandbox.Alive(child), Patience),
            $"script {script} or its child {child} survived");
        Assert.Empty(ScriptSandbox.MembersOfGroup(script));
    }

    [SkippableFact]
    public void A_hung_script_and_its_child_are_killed_at_the_timeout_and_count_as_a_failure()
    {
        Privilege.Require();
        var subscriber = CreateTestProbe();
        var settings = new ScriptTrackerSettings("hang", [HangingScript(ignoreTerm: true)], new VrrpScriptSettings(IntervalSeconds: 30, TimeoutSeconds: 1));
        var tracker = Sys.ActorOf(ScriptTrackerActor.Props(settings, new ProcessScriptRunner(), new([subscriber.Ref.Path])), "hang");
        int script = ReadPid("pid");
        int child = ReadPid("child");
        tracker.Tell(QueryTracked.Instance, TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));                  // running, nothing known: no answer, not blocked

        // SIGTERM at 1 s is ignored, SIGKILL 2 s later: the first result is a timeout, a failure.
        var status = subscriber.ExpectMsg<TrackedStatus>(Patience);
        Assert.Equal(new TrackedStatus(TrackerNames.Script("hang"), false), status);
        AssertGone(script, child);
        tracker.Tell(QueryTracked.Instance, TestActor);
        Assert.False(ExpectMsg<TrackedStatus>(Patience).Up);
    }

    [SkippableFact]
    public void Stopping_the_tracker_kills_the_running_script_and_its_child()
    {
        Privilege.Require();
        var settings = new ScriptTrackerSettings("stop", [HangingScript(ignoreTerm: false)], new VrrpScriptSettings(IntervalSeconds: 60, TimeoutSeconds: 60));
        var tracker = Sys.ActorOf(ScriptTrackerActor.Props(settings, new ProcessScriptRunner(), TrackerSubscribers.None), "stop");
        int script = ReadPid("pid");
        int child = ReadPid("child");
        Assert.True(ScriptSandbox.Alive(script));
        Watch(tracker);
        Sys.Stop(tracker);
        ExpectTerminated(tracker, Patience);
        AssertGone(script, child);
    }

    [SkippableFact]
    public void The_script_runs_as_the_configured_user_and_its_exit_status_is_the_health()
    {
        Privilege.Require("setpriv");
        var record = _box.PathOf("uid"); // written aside and renamed: the next check rewrites it while the test reads
        var script = _box.Script("whoami.sh", $"id -u > {record}.new\nid -g >> {record}.new\nmv -f {record}.new {record}\nexit $(cat {_box.PathOf("status")} 2>/dev/null || echo 0)");
        var config = new VrrpScriptConfig { Name = "as-nobody", Script = new NotifyScript(script, null, null, default), Interval = TimeSpan.FromSeconds(1), User = "nobody" };
        var settings = ScriptTrackerSettings.From(config, new GlobalDefs(), new LinuxScriptUsers(), out var error);
        Assert.True(settings is not null, error);
        var subscriber = CreateTestProbe();
        Sys.ActorOf(ScriptTrackerActor.Props(settings, new ProcessScriptRunner(), new([subscriber.Ref.Path])), "as-nobody");
        Assert.True(subscriber.ExpectMsg<TrackedStatus>(Patience).Up);
        var nobody = Privilege.Run("id", ["-u", "nobody"], Patience).Output.Trim();
        Assert.Equal(nobody, File.ReadAllLines(record)[0]);

        File.WriteAllText(_box.PathOf("status"), "3");                 // the check starts failing
        Assert.False(subscriber.ExpectMsg<TrackedStatus>(Patience).Up);
    }
}

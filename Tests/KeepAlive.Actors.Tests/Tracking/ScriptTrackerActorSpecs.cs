using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Tracking;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using static KeepAlive.Actors.Tests.Tracking.TrackerSpecKit;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>vrrp_script trackers over a scripted runner in virtual time: the first run at start, one per interval,
/// rise/fall edges reported to the subscriber, timeouts as failures, hung scripts skipped and killed, QueryTracked,
/// stop and restart.</summary>
public sealed class ScriptTrackerActorSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(VirtualTime, output: output)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private static readonly string Key = TrackerNames.Script("chk");

    private sealed record Rig(IActorRef Tracker, ScriptedScriptRunner Runner, TestProbe Subscriber);

    /// <param name="health">The vrrp_script's timing and counters.</param>
    /// <param name="killAtTimeout">The fake runner kills runs at their timeout on the virtual clock. (Left off where
    /// the timeout equals the interval: TestScheduler can lose one of two timers armed for the same tick from two
    /// threads.)</param>
    /// <param name="restartable">Start under a parent that restarts it on Kill.</param>
    private Rig Start(VrrpScriptSettings health, bool killAtTimeout = false, bool restartable = false)
    {
        var scheduler = Sys.Scheduler;
        var runner = new ScriptedScriptRunner(killAtTimeout ? (after, action) => scheduler.Advanced.ScheduleOnce(after, action) : null);
        var subscriber = CreateTestProbe();
        var props = ScriptTrackerActor.Props(new ScriptTrackerSettings("chk", ["/etc/keepalived/chk.sh", "-q"], health), runner, new([subscriber.Ref.Path]));
        var tracker = restartable ? StartRestartable(Sys, props, "restarting") : Sys.ActorOf(props, "chk");
        return new Rig(tracker, runner, subscriber);
    }

    private static void ExpectStatus(TestProbe subscriber, bool up) => Assert.Equal(new TrackedStatus(Key, up), subscriber.ExpectMsg<TrackedStatus>(Wait));

    private void Query(Rig rig, bool? expected)
    {
        var asker = CreateTestProbe();
        rig.Tracker.Tell(QueryTracked.Instance, asker.Ref);
        if (expected is { } up)
            Assert.Equal(new TrackedStatus(Key, up), asker.ExpectMsg<TrackedStatus>(Wait));
        else
            asker.ExpectNoMsg(Quiet);
    }

    /// <summary>Ends the next run with <paramref name="code"/> and waits until the tracker has the result in its
    /// mailbox: it may end before the tracker attached its continuation (then the tracker tells itself while still
    /// starting the run, which an Identify round trip waits out), and a tick must not overtake it.</summary>
    private void Exit(Rig rig, int code) => Complete(rig, rig.Runner.NextRun(Wait), ScriptedScriptRunner.Exited(code));

    private void Complete(Rig rig, ScriptedScriptRunner.ScriptRun run, ScriptRunResult result)
    {
        Assert.True(run.Complete(result));
        rig.Tracker.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
    }

    /// <summary>Ends the next run with <paramref name="code"/>, then lets one interval pass: the next run starts.</summary>
    private void ExitThenNextInterval(Rig rig, int code, TimeSpan interval)
    {
        Exit(rig, code);
        Clock.Advance(interval);
    }

    [Fact]
    public void Runs_at_start_and_every_interval_and_reports_rise_and_fall_edges_only()
    {
        var interval = TimeSpan.FromSeconds(2);
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 2, Rise: 2, Fall: 2));
        var first = rig.Runner.NextRun(Wait);
        Assert.Equal(["/etc/keepalived/chk.sh", "-q"], first.Request.Argv);
        Assert.Equal(TimeSpan.FromSeconds(2), first.Request.Timeout);       // timeout 0: the interval
        Assert.Equal(ScriptHealthPolicy.KillGrace, first.Request.KillGrace);
        Query(rig, null);                                                  // unknown until the first result

        Complete(rig, first, ScriptedScriptRunner.Exited(0));               // one success is enough at start
        ExpectStatus(rig.Subscriber, up: true);
        Query(rig, true);
        Clock.Advance(interval);
        ExitThenNextInterval(rig, 1, interval);                            // first failure: still up (fall 2)
        rig.Subscriber.ExpectNoMsg(Quiet);
        ExitThenNextInterval(rig, 1, interval);                            // second failure: down
        ExpectStatus(rig.Subscriber, up: false);
        ExitThenNextInterval(rig, 0, interval);                            // first success: still down (rise 2)
        rig.Subscriber.ExpectNoMsg(Quiet);
        ExitThenNextInterval(rig, 0, interval);
        ExpectStatus(rig.Subscriber, up: true);
        ExitThenNextInterval(rig, 0, interval);                            // already up: no edge
        rig.Subscriber.ExpectNoMsg(Quiet);
        Assert.Equal(7, rig.Runner.Runs.Count);
        Query(rig, true);
    }

    [Fact]
    public void A_timeout_counts_as_a_failure()
    {
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 3, TimeoutSeconds: 1), killAtTimeout: true);
        var run = rig.Runner.NextRun(Wait);
        Assert.Equal(TimeSpan.FromSeconds(1), run.Request.Timeout);
        Clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(run.Finished);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(run.Killed);
        ExpectStatus(rig.Subscriber, up: false);                           // first result, a failure: down
        Clock.Advance(TimeSpan.FromSeconds(2));
        Exit(rig, 0);
        ExpectStatus(rig.Subscriber, up: true);
    }

    [Fact]
    public void A_hung_script_is_not_run_again_the_actor_keeps_answering_and_the_kill_counts_as_failure()
    {
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 1, TimeoutSeconds: 5), killAtTimeout: true);
        Exit(rig, 0);
        ExpectStatus(rig.Subscriber, up: true);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var hung = rig.Runner.NextRun(Wait);                               // t = 1 s, never exits by itself

        for (int t = 2; t <= 5; t++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));                        // intervals pass: skipped, not overlapped
            Assert.False(rig.Runner.TryNextRun(Quiet, out _), $"a second run started at t = {t} s");
            Query(rig, true);
        }
        Assert.False(hung.Finished);
        Clock.Advance(TimeSpan.FromSeconds(1));                            // t = 6 s: killed at its 5 s timeout
        Assert.True(hung.Killed);
        ExpectStatus(rig.Subscriber, up: false);
        Clock.Advance(TimeSpan.FromSeconds(1));                            // and the script runs again
        Exit(rig, 0);
        ExpectStatus(rig.Subscriber, up: true);
    }

    [Fact]
    public void Init_fail_starts_down_and_known_and_needs_rise_successes()
    {
        var interval = TimeSpan.FromSeconds(2);
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 2, Rise: 2, Fall: 1, InitFail: true));
        ExpectStatus(rig.Subscriber, up: false);                           // reported at start
        Query(rig, false);
        ExitThenNextInterval(rig, 0, interval);
        rig.Subscriber.ExpectNoMsg(Quiet);
        ExitThenNextInterval(rig, 1, interval);                            // a failure at 1 of 2: still down, no edge
        rig.Subscriber.ExpectNoMsg(Quiet);
        ExitThenNextInterval(rig, 0, interval);
        ExitThenNextInterval(rig, 0, interval);
        ExpectStatus(rig.Subscriber, up: true);
    }

    [Fact]
    public void A_script_that_cannot_exec_counts_as_success_and_one_that_cannot_fork_counts_as_nothing()
    {
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 1));
        Complete(rig, rig.Runner.NextRun(Wait), ScriptRunResult.NotStarted(ScriptStartFailure.Resources, 11, "fork: EAGAIN"));
        rig.Subscriber.ExpectNoMsg(Quiet);
        Query(rig, null);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Complete(rig, rig.Runner.NextRun(Wait), ScriptRunResult.NotStarted(ScriptStartFailure.Exec, 2, "no such file"));
        ExpectStatus(rig.Subscriber, up: true);                            // keepalived's child exits 0
        Clock.Advance(TimeSpan.FromSeconds(1));
        Complete(rig, rig.Runner.NextRun(Wait), ScriptedScriptRunner.Signaled(11));   // SIGSEGV: a failure
        ExpectStatus(rig.Subscriber, up: false);
    }

    [Fact]
    public void Stopping_kills_the_running_script()
    {
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 1, TimeoutSeconds: 30));
        var run = rig.Runner.NextRun(Wait);
        Watch(rig.Tracker);
        Sys.Stop(rig.Tracker);
        ExpectTerminated(rig.Tracker, Wait);
        AwaitAssert(() => Assert.True(run.Killed), Wait);
        Assert.Equal(0, rig.Runner.Running);
    }

    [Fact]
    public void A_restarted_tracker_kills_its_run_starts_over_and_reports_again()
    {
        var rig = Start(new VrrpScriptSettings(IntervalSeconds: 1, TimeoutSeconds: 30), restartable: true);
        Exit(rig, 0);
        ExpectStatus(rig.Subscriber, up: true);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var running = rig.Runner.NextRun(Wait);

        rig.Tracker.Tell(Kill.Instance);
        AwaitAssert(() => Assert.True(running.Killed), Wait);              // the old incarnation's script is killed
        var fresh = rig.Runner.NextRun(Wait);                              // and the new one runs at once
        Query(rig, null);                                                  // starting over: unknown
        fresh.Exit(0);
        ExpectStatus(rig.Subscriber, up: true);                            // re-reported
        rig.Subscriber.ExpectNoMsg(Quiet);                                 // the killed run's result was not counted
    }
}

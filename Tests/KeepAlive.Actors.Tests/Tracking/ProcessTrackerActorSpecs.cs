using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using static KeepAlive.Actors.Tests.Tracking.TrackerSpecKit;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>vrrp_track_process trackers over the in-memory process table in virtual time: quorum edges, fork and
/// terminate delays, lost events, failed and slow snapshots, QueryTracked, stop and restart.</summary>
public sealed class ProcessTrackerActorSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(VirtualTime, output: output)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private static readonly string Key = TrackerNames.Process("web");

    private static readonly TrackProcessConfig Nginx = new() { Name = "web", Process = "nginx" };

    private sealed record Rig(IActorRef Tracker, InMemoryProcessTable Table, TestProbe Subscriber);

    private Rig Start(TrackProcessConfig config, InMemoryProcessTable? table = null, bool restartable = false)
    {
        table ??= new InMemoryProcessTable();
        var subscriber = CreateTestProbe();
        var props = ProcessTrackerActor.Props(config, table, new([subscriber.Ref.Path]), ClockOf(Clock));
        var tracker = restartable ? StartRestartable(Sys, props, "restarting") : Sys.ActorOf(props, "web");
        return new Rig(tracker, table, subscriber);
    }

    private static void Expect(TestProbe probe, bool up) => Assert.Equal(new TrackedStatus(Key, up), probe.ExpectMsg<TrackedStatus>(Wait));

    /// <summary>Waits until the tracker has handled everything sent to it so far (events are told synchronously).</summary>
    private void Settle(Rig rig)
    {
        rig.Tracker.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
    }

    private bool? Query(Rig rig)
    {
        var asker = CreateTestProbe();
        rig.Tracker.Tell(QueryTracked.Instance, asker.Ref);
        return asker.ReceiveWhile(Quiet, m => (TrackedStatus)m, 1).SingleOrDefault()?.Up;
    }

    [Fact]
    public void Quorum_is_reported_from_the_first_snapshot_then_from_events()
    {
        var rig = Start(Nginx);
        Expect(rig.Subscriber, false);
        Assert.False(Query(rig));
        int pid = rig.Table.Start("/usr/sbin/nginx", "-g", "daemon off;");
        Expect(rig.Subscriber, true);
        rig.Table.Start("/usr/bin/nginx-other");                    // comm "nginx-other": no match
        int worker = rig.Table.Fork(pid);                           // a second nginx: no edge
        rig.Subscriber.ExpectNoMsg(Quiet);
        rig.Table.Exit(pid);
        rig.Subscriber.ExpectNoMsg(Quiet);
        rig.Table.Rename(worker, "nginx: worker");                  // renamed away: no nginx left
        Expect(rig.Subscriber, false);
        Assert.False(Query(rig));
    }

    [Fact]
    public void Quorum_and_quorum_max_bound_the_count()
    {
        var rig = Start(Nginx with { Quorum = 2, QuorumMax = 3 });
        Expect(rig.Subscriber, false);
        var pids = new List<int> { rig.Table.Start("nginx") };
        rig.Subscriber.ExpectNoMsg(Quiet);
        pids.Add(rig.Table.Start("nginx"));
        Expect(rig.Subscriber, true);
        pids.Add(rig.Table.Start("nginx"));
        rig.Subscriber.ExpectNoMsg(Quiet);
        pids.Add(rig.Table.Start("nginx"));                         // 4 > quorum_max
        Expect(rig.Subscriber, false);
        rig.Table.Exit(pids[0]);
        Expect(rig.Subscriber, true);
    }

    [Fact]
    public void Terminate_delay_holds_the_loss_and_a_restart_within_it_is_never_reported()
    {
        var table = new InMemoryProcessTable();
        int pid = table.Start("nginx");
        var rig = Start(Nginx with { TerminateDelay = TimeSpan.FromSeconds(5) }, table);
        Expect(rig.Subscriber, true);

        table.Exit(pid);
        Settle(rig);
        Clock.Advance(TimeSpan.FromSeconds(4));
        rig.Subscriber.ExpectNoMsg(Quiet);
        Assert.True(Query(rig));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Expect(rig.Subscriber, false);

        pid = table.Start("nginx");
        Expect(rig.Subscriber, true);
        table.Exit(pid);                                            // nginx restarts 2 s later: never reported down
        Settle(rig);
        Clock.Advance(TimeSpan.FromSeconds(2));
        table.Start("nginx");
        Settle(rig);
        Clock.Advance(TimeSpan.FromSeconds(10));
        rig.Subscriber.ExpectNoMsg(Quiet);
        Assert.True(Query(rig));
    }

    [Fact]
    public void Fork_delay_holds_a_gain_caused_by_a_fork()
    {
        var table = new InMemoryProcessTable();
        int pid = table.Start("nginx");
        var rig = Start(Nginx with { Quorum = 2, ForkDelay = TimeSpan.FromSeconds(3) }, table);
        Expect(rig.Subscriber, false);
        table.Fork(pid);
        Settle(rig);
        Clock.Advance(TimeSpan.FromMilliseconds(2_999));
        rig.Subscriber.ExpectNoMsg(Quiet);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Expect(rig.Subscriber, true);
    }

    [Fact]
    public void Lost_events_bring_a_fresh_snapshot()
    {
        var rig = Start(Nginx);
        Expect(rig.Subscriber, false);
        int snapshots = rig.Table.Snapshots;
        rig.Table.LoseEvents(t => t.Start("nginx"));
        Expect(rig.Subscriber, true);
        Assert.Equal(snapshots + 1, rig.Table.Snapshots);
    }

    [Fact]
    public void A_failed_snapshot_is_retried_every_second()
    {
        var table = new InMemoryProcessTable();
        table.Start("nginx");
        table.FailNextSnapshot(KernelResult.Fail(24, "Too many open files"));
        var rig = Start(Nginx, table);
        AwaitAssert(() => Assert.Equal(1, table.Snapshots), Wait);
        rig.Subscriber.ExpectNoMsg(Quiet);
        Assert.Null(Query(rig));
        // The failure reaches the tracker from the thread pool: step virtual time until the retry happens.
        var start = Clock.Now;
        AwaitAssert(() =>
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Equal(2, table.Snapshots);
        }, Wait);
        Assert.InRange(Clock.Now - start, ProcessTrackerActor.SnapshotRetry, ProcessTrackerActor.SnapshotRetry + Wait);
        Expect(rig.Subscriber, true);
    }

    [Fact]
    public void Events_during_a_slow_snapshot_are_replayed_on_it()
    {
        var table = new InMemoryProcessTable();
        table.HoldSnapshots();
        var rig = Start(Nginx, table);
        AwaitAssert(() => Assert.Equal(1, table.HeldSnapshots), Wait);   // it read an empty table
        Assert.Null(Query(rig));
        table.Start("nginx");                                        // then nginx started
        Settle(rig);
        table.ReleaseSnapshots();
        Expect(rig.Subscriber, true);                                // the start was not lost
        rig.Subscriber.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Stopping_ends_the_subscription_and_a_restart_subscribes_again_and_re_reports()
    {
        var table = new InMemoryProcessTable();
        table.Start("nginx");
        var rig = Start(Nginx, table, restartable: true);
        Expect(rig.Subscriber, true);
        rig.Tracker.Tell(Kill.Instance);
        Expect(rig.Subscriber, true);
        AwaitAssert(() => Assert.Equal(1, table.ActiveSubscriptions), Wait);

        Watch(rig.Tracker);
        Sys.Stop(rig.Tracker);
        ExpectTerminated(rig.Tracker, Wait);
        AwaitAssert(() => Assert.Equal(0, table.ActiveSubscriptions), Wait);
    }
}

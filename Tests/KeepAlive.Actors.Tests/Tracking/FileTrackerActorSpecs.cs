using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using static KeepAlive.Actors.Tests.Tracking.TrackerSpecKit;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>track_file trackers over the in-memory file system: the value at start and at every change, keepalived's
/// treatment of missing, deleted and invalid content, init_file, QueryTracked, stop and restart.</summary>
public sealed class FileTrackerActorSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(output: output)
{
    private const string Path = "/run/ka/weight";
    private static readonly string Key = TrackerNames.File("tf");

    private sealed record Rig(IActorRef Tracker, InMemoryTrackedFiles Files, TestProbe Subscriber);

    private Rig Start(InMemoryTrackedFiles files, TrackedFileInit? init = null, bool restartable = false, string path = Path, string actorName = "tf")
    {
        var subscriber = CreateTestProbe();
        var props = FileTrackerActor.Props(new FileTrackerSettings("tf", new TrackedFileWatchRequest(path, init)), files, new([subscriber.Ref.Path]));
        var tracker = restartable ? StartRestartable(Sys, props, "restarting") : Sys.ActorOf(props, actorName);
        return new Rig(tracker, files, subscriber);
    }

    private static InMemoryTrackedFiles Files(string? content = null)
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        if (content is not null)
            files.Write(Path, content);
        return files;
    }

    private static void Expect(TestProbe probe, bool up, long value) =>
        Assert.Equal(new TrackedStatus(Key, up, value), probe.ExpectMsg<TrackedStatus>(Wait));

    private TrackedStatus? Query(Rig rig)
    {
        var asker = CreateTestProbe();
        rig.Tracker.Tell(QueryTracked.Instance, asker.Ref);
        return asker.ReceiveWhile(Quiet, m => (TrackedStatus)m, 1).SingleOrDefault();
    }

    [Fact]
    public void Reports_the_value_at_start_and_at_every_change()
    {
        var rig = Start(Files("5\n"));
        Expect(rig.Subscriber, true, 5);
        Assert.Equal(new TrackedStatus(Key, true, 5), Query(rig));

        rig.Files.Write(Path, "-3");
        Expect(rig.Subscriber, true, -3);
        rig.Files.Write(Path, " -3 and text");                      // same value: nothing to report
        rig.Files.Write("/run/ka/other", "7");                     // another file: nothing
        rig.Subscriber.ExpectNoMsg(Quiet);
        rig.Files.Write(Path + ".new", "0x10");
        rig.Files.Rename(Path + ".new", Path);                     // replaced by a rename (as editors and mv do)
        Expect(rig.Subscriber, true, 16);
        rig.Files.Delete(Path);                                    // deleted: 0
        Expect(rig.Subscriber, false, 0);
        rig.Files.Write(Path, "");                                 // empty: readable, 0
        Expect(rig.Subscriber, true, 0);
        Assert.Equal(new TrackedStatus(Key, true, 0), Query(rig));
    }

    [Fact]
    public void An_invalid_number_keeps_the_previous_value_and_counts_0_before_any()
    {
        var rig = Start(Files("12"));
        Expect(rig.Subscriber, true, 12);
        rig.Files.Write(Path, "99999999999");
        rig.Subscriber.ExpectNoMsg(Quiet);
        Assert.Equal(new TrackedStatus(Key, true, 12), Query(rig));
        rig.Files.Write(Path, "2147483648");                       // INT32_MAX + 1 is still accepted
        Expect(rig.Subscriber, true, 2147483648);

        var fresh = Start(Files("-99999999999"), actorName: "tf-fresh");
        Expect(fresh.Subscriber, true, 0);
    }

    [Fact]
    public void A_missing_file_is_0_until_it_appears()
    {
        var rig = Start(Files());
        Expect(rig.Subscriber, false, 0);
        Assert.Equal(new TrackedStatus(Key, false, 0), Query(rig));
        rig.Files.Write(Path, "4");
        Expect(rig.Subscriber, true, 4);
    }

    [Fact]
    public void A_file_whose_directory_does_not_exist_is_not_tracked()
    {
        var rig = Start(Files(), path: "/nowhere/weight");
        rig.Subscriber.ExpectNoMsg(Quiet);
        Assert.Null(Query(rig));
    }

    [Fact]
    public void Init_file_creates_the_file_and_overwrite_replaces_it_but_not_after_a_restart()
    {
        var rig = Start(Files("12"), new TrackedFileInit(3, Overwrite: true), restartable: true);
        Expect(rig.Subscriber, true, 3);
        Assert.Equal("3\n", rig.Files.Content(Path));

        rig.Files.Write(Path, "8");
        Expect(rig.Subscriber, true, 8);
        rig.Tracker.Tell(Kill.Instance);                           // restarted: watches again, re-reports, keeps 8
        Expect(rig.Subscriber, true, 8);
        Assert.Equal("8", rig.Files.Content(Path));
        AwaitAssert(() => Assert.Equal(1, rig.Files.ActiveWatches), Wait);
    }

    [Fact]
    public void Init_file_without_overwrite_only_creates()
    {
        var created = Start(Files(), new TrackedFileInit(-2, Overwrite: false));
        Expect(created.Subscriber, true, -2);
        Assert.Equal("-2\n", created.Files.Content(Path));
    }

    [Fact]
    public void Stopping_ends_the_watch()
    {
        var rig = Start(Files("1"));
        Expect(rig.Subscriber, true, 1);
        Watch(rig.Tracker);
        Sys.Stop(rig.Tracker);
        ExpectTerminated(rig.Tracker, Wait);
        Assert.Equal(0, rig.Files.ActiveWatches);
    }

    [Fact]
    public void Settings_come_from_the_bound_track_file()
    {
        var config = new TrackFileConfig { Name = "tf", File = Path, InitFile = true, InitValue = 7, InitOverwrite = true };
        Assert.Equal(new FileTrackerSettings("tf", new TrackedFileWatchRequest(Path, new TrackedFileInit(7, true))), FileTrackerSettings.From(config));
        Assert.Equal(new TrackedFileInit(7, false), FileTrackerSettings.From(config, reload: true)!.Request.Init);
        Assert.Null(FileTrackerSettings.From(config with { InitFile = false })!.Request.Init);
        Assert.Null(FileTrackerSettings.From(config with { File = null }));
    }
}

using System.Net;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Tracking;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using static KeepAlive.Actors.Tests.Tracking.TrackerSpecKit;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>Trackers and an instance together: a VRRP instance (in-memory network, fake kernel, virtual time) whose
/// effective priority follows a track_file's value × weight, a vrrp_track_process's quorum and a vrrp_script's
/// health, as keepalived's vrrp_track.c adds them; trackers are started before the instance (reports to a path not
/// yet there are lost) and answer its QueryTracked at start.</summary>
public sealed class TrackedInstanceSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(VirtualTime, output: output)
{
    private const string WeightFile = "/run/ka/weight";
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private readonly InMemoryVrrpNetwork _network = new();

    private IActorRef StartInstance(int priority, IReadOnlyList<TrackedBinding> tracked, IReadOnlyList<IActorRef> trackers)
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var address = IPAddress.Parse("10.0.0.1");
        var io = Sys.ActorOf(VrrpIoActor.Props(_network.Attach("lan", 2, address)), "io");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel), "kernel");
        var setup = new VrrpInstanceSetup
        {
            Name = "VI_1",
            Settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = priority, AdvertIntervalMicros = 1_000_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, 1],
            Source = address,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.100"), 24)],
            Tracked = tracked,
        };
        var scheduler = Clock;
        return Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector, Trackers: trackers), () => scheduler.Now.UtcTicks / 10), "vrrp-VI_1");
    }

    /// <summary>Where the instance will be: trackers are created first and report to its path.</summary>
    private TrackerSubscribers InstancePath => new([new RootActorPath(((ExtendedActorSystem)Sys).Provider.DefaultAddress) / "user" / "vrrp-VI_1"]);

    private static InstanceStatus Status(IActorRef instance) =>
        instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, Wait).GetAwaiter().GetResult();

    private void AwaitPriority(IActorRef instance, int expected) =>
        AwaitAssert(() => Assert.Equal(expected, Status(instance).EffectivePriority), Wait);

    [Fact]
    public void The_priority_follows_a_track_file_weight_and_a_tracked_process()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        files.Write(WeightFile, "2\n");
        var processes = new InMemoryProcessTable();
        var fileTracker = Sys.ActorOf(FileTrackerActor.Props(new FileTrackerSettings("tf", new TrackedFileWatchRequest(WeightFile)), files, InstancePath), "track-file-tf");
        var processTracker = Sys.ActorOf(ProcessTrackerActor.Props(new TrackProcessConfig { Name = "web", Process = "nginx", TerminateDelay = TimeSpan.FromSeconds(2) },
            processes, InstancePath, ClockOf(Clock)), "track-process-web");
        var instance = StartInstance(100,
            [new(TrackerNames.File("tf"), TrackedKind.File, 10, false), new(TrackerNames.Process("web"), TrackedKind.UpDown, -30, false)],
            [fileTracker, processTracker]);

        AwaitPriority(instance, 100 + 20 - 30);                     // file 2 × 10; nginx not running: −30
        int nginx = processes.Start("/usr/sbin/nginx");
        AwaitPriority(instance, 120);
        files.Write(WeightFile, "5");
        AwaitPriority(instance, 150);
        files.Write(WeightFile, "-30");                              // −300: below −253, FAULT
        AwaitAssert(() => Assert.Equal(VrrpState.Fault, Status(instance).State), Wait);
        files.Write(WeightFile, "-3");
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(instance).State), Wait);
        AwaitPriority(instance, 70);                                 // −3 × 10; nginx up: a negative weight adds nothing

        processes.Exit(nginx);                                       // terminate_delay 2 s, then −30
        processTracker.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
        Clock.Advance(TimeSpan.FromMilliseconds(1_900));
        Assert.Equal(70, Status(instance).EffectivePriority);
        Clock.Advance(TimeSpan.FromMilliseconds(100));
        AwaitPriority(instance, 40);
        files.Delete(WeightFile);                                    // gone: 0
        AwaitPriority(instance, 70);
    }

    [Fact]
    public void An_unweighted_script_faults_the_instance_while_it_fails()
    {
        var runner = new ScriptedScriptRunner();
        var settings = new ScriptTrackerSettings("chk", ["/etc/keepalived/chk.sh"], new Actors.Scripts.VrrpScriptSettings(IntervalSeconds: 2));
        var scriptTracker = Sys.ActorOf(ScriptTrackerActor.Props(settings, runner, InstancePath), "track-script-chk");
        var run = runner.NextRun(Wait);
        var instance = StartInstance(100, [new(TrackerNames.Script("chk"), TrackedKind.UpDown, 0, false)], [scriptTracker]);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(instance).State), Wait);
        run.Exit(1);
        AwaitAssert(() => Assert.Equal(VrrpState.Fault, Status(instance).State), Wait);
        scriptTracker.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
        Clock.Advance(TimeSpan.FromSeconds(2));
        runner.NextRun(Wait).Exit(0);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(instance).State), Wait);
    }
}

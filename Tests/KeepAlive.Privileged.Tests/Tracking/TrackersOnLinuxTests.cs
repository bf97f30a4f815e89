using System.Net;
using Akka.Actor;
using Akka.TestKit;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Tracking;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using KeepAlive.Privileged.Tests.Kernel;
using KeepAlive.Privileged.Tests.Scripts;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace KeepAlive.Privileged.Tests.Tracking;

/// <summary>track_file and vrrp_track_process trackers on the real thing, in real time: a file changed on disk moves
/// the reported value, a process this test starts and stops moves the quorum, and both move a VRRP instance's
/// effective priority (the instance itself runs over the in-memory network and fake kernel).</summary>
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TrackersOnLinuxTests(Xunit.Abstractions.ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ScriptSandbox _box = new();
    private readonly OwnedProcesses _processes = new();
    private readonly ProcConnectorProcessWatch _watch = new();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
            return;
        _watch.Dispose();
        _processes.Dispose();
        _box.Dispose();
    }

    /// <summary>As the proc connector tests: only the initial pid namespace gets process events.</summary>
    private static void RequireConnectorEnvironment()
    {
        Privilege.Require();
        var pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget;
        Skip.IfNot(pidNamespace == "pid:[4026531836]", $"not in the initial pid namespace ({pidNamespace}): the proc connector sends nothing here");
    }

    private TrackProcessConfig Mine => new() { Name = "mine", Process = _processes.Name };

    private static void Expect(TestProbe probe, TrackedStatus expected) => Assert.Equal(expected, probe.ExpectMsg<TrackedStatus>(Patience));

    [Fact]
    public void A_file_changed_on_disk_moves_the_reported_value()
    {
        var path = _box.PathOf("weight");
        File.WriteAllText(path, "3\n");
        var subscriber = CreateTestProbe();
        var key = TrackerNames.File("tf");
        var tracker = Sys.ActorOf(FileTrackerActor.Props(new FileTrackerSettings("tf", new TrackedFileWatchRequest(path)), new InotifyTrackedFileWatch(), new([subscriber.Ref.Path])), "tf");
        Expect(subscriber, new TrackedStatus(key, true, 3));
        File.WriteAllText(path, "-12\n");
        Expect(subscriber, new TrackedStatus(key, true, -12));
        File.WriteAllText(path + ".new", "0x20");
        File.Move(path + ".new", path, overwrite: true);
        Expect(subscriber, new TrackedStatus(key, true, 32));
        File.Delete(path);
        Expect(subscriber, new TrackedStatus(key, false, 0));
        tracker.Tell(QueryTracked.Instance, TestActor);
        ExpectMsg(new TrackedStatus(key, false, 0), Patience);
    }

    [SkippableFact]
    public void A_process_started_and_stopped_moves_the_quorum()
    {
        RequireConnectorEnvironment();
        var subscriber = CreateTestProbe();
        var key = TrackerNames.Process("mine");
        Sys.ActorOf(ProcessTrackerActor.Props(Mine with { Quorum = 2 }, _watch, new([subscriber.Ref.Path])), "mine");
        Expect(subscriber, new TrackedStatus(key, false));
        var first = _processes.Start();
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        var second = _processes.Start(_processes.Marker);
        Expect(subscriber, new TrackedStatus(key, true));
        _processes.Stop(first);
        Expect(subscriber, new TrackedStatus(key, false));
        _processes.Stop(second);
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [SkippableFact]
    public void An_instance_priority_follows_a_real_file_and_a_real_process()
    {
        RequireConnectorEnvironment();
        var path = _box.PathOf("weight");
        File.WriteAllText(path, "2\n");
        var instancePath = new RootActorPath(((ExtendedActorSystem)Sys).Provider.DefaultAddress) / "user" / "vrrp-VI_1";
        var fileTracker = Sys.ActorOf(FileTrackerActor.Props(new FileTrackerSettings("tf", new TrackedFileWatchRequest(path)), new InotifyTrackedFileWatch(), new([instancePath])), "tf");
        var processTracker = Sys.ActorOf(ProcessTrackerActor.Props(Mine, _watch, new([instancePath])), "mine");
        var instance = StartInstance([fileTracker, processTracker],
            [new(TrackerNames.File("tf"), TrackedKind.File, 5, false), new(TrackerNames.Process("mine"), TrackedKind.UpDown, 20, false)]);

        AwaitPriority(instance, 100 + 10);                            // 2 × 5; not running: +20 only while up
        var process = _processes.Start();
        AwaitPriority(instance, 130);
        File.WriteAllText(path, "-4\n");
        AwaitPriority(instance, 100);
        _processes.Stop(process);
        AwaitPriority(instance, 80);
    }

    private IActorRef StartInstance(IReadOnlyList<IActorRef> trackers, IReadOnlyList<TrackedBinding> tracked)
    {
        var address = IPAddress.Parse("10.0.0.1");
        var io = Sys.ActorOf(VrrpIoActor.Props(new InMemoryVrrpNetwork().Attach("lan", 2, address)), "io");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(new RecordingKernelPort().WithLink("eth0")), "kernel");
        var setup = new VrrpInstanceSetup
        {
            Name = "VI_1",
            Settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = 100, AdvertIntervalMicros = 1_000_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, 1],
            Source = address,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.100"), 24)],
            Tracked = tracked,
        };
        long Micros() => System.Diagnostics.Stopwatch.GetTimestamp() / (System.Diagnostics.Stopwatch.Frequency / 1_000_000);
        return Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector, Trackers: trackers), Micros), "vrrp-VI_1");
    }

    private void AwaitPriority(IActorRef instance, int expected) => AwaitAssert(() =>
        Assert.Equal(expected, instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, Patience).GetAwaiter().GetResult().EffectivePriority), Patience);
}

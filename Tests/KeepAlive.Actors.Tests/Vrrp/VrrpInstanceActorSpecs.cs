using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>Elections between instance actors on the in-memory network, each node with its own fake kernel, in
/// virtual time (Akka's TestScheduler; the machine's clock is the scheduler's).</summary>
public sealed partial class VrrpInstanceActorSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\""), output: output)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private readonly InMemoryVrrpNetwork _network = new();

    private sealed record Node(string Name, RecordingKernelPort Kernel, IActorRef Io, IActorRef Effector, IActorRef Instance);

    private static readonly InterfaceAddress Vip = new("eth0", IPAddress.Parse("10.0.0.100"), 24);

    private Node Start(string name, int octet, int priority, IReadOnlyList<KeepAlive.Actors.Tracking.TrackedBinding>? tracked = null, KernelSet? masterSet = null,
        IReadOnlySet<AddressKey>? notTracked = null, IActorRef? effectorStandIn = null, int vrid = 51, InterfaceAddress? vip = null, IActorRef? syncGroup = null,
        bool restartable = false, GoodbyeRoster? goodbyes = null)
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var address = IPAddress.Parse($"10.0.0.{octet}");
        var socket = _network.Attach("lan", 2, address);
        var io = Sys.ActorOf(VrrpIoActor.Props(socket), $"io-{name}");
        var effector = effectorStandIn ?? Sys.ActorOf(NetlinkEffectorActor.Props(kernel), $"kernel-{name}");
        var setup = new VrrpInstanceSetup
        {
            Name = $"VI_{name}",
            Settings = new VrrpSettings { Version = 3, Vrid = (byte)vrid, Priority = priority, AdvertIntervalMicros = 1_000_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0, InSyncGroup = syncGroup is not null },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, (byte)octet],
            Source = address,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [vip ?? Vip],
            Tracked = tracked ?? [],
            MasterSet = masterSet,
            NotTracked = notTracked ?? new HashSet<AddressKey>(),
            Goodbyes = goodbyes,
        };
        var scheduler = Clock;
        var props = VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector, syncGroup), () => scheduler.Now.UtcTicks / 10);
        var instance = restartable ? Restartable.Start(Sys, props, $"parent-{name}", $"vrrp-{name}") : Sys.ActorOf(props, $"vrrp-{name}");
        return new Node(name, kernel, io, effector, instance);
    }

    private InstanceStatus Status(Node n) => n.Instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    private InstanceReport Report(Node n) => n.Instance.Ask<InstanceReport>(GetInstanceReport.Instance, TimeSpan.FromSeconds(3)).Result;

    private long Received(Node n) => n.Io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3)).Result.Received;

    private static bool HasVip(Node n)
    {
        n.Kernel.Addresses(out var now);
        return now.Any(a => a.Key == Vip.Key);
    }

    /// <summary>Starts a (150) and b (100), both BACKUP, and lets a's master-down interval (3.414 s; b's is
    /// 3.609 s) run out: a is MASTER and b has heard it.</summary>
    private (Node A, Node B) ElectAOverB(bool restartableB = false, GoodbyeRoster? goodbyes = null)
    {
        var a = Start("a", 1, 150, goodbyes: goodbyes);
        var b = Start("b", 2, 100, restartable: restartableB);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_450));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        AwaitAssert(() => Assert.Equal(150, Status(b).MasterPriority));
        return (a, b);
    }

    /// <summary>Starts b (100), lets a second pass, and hands it a priority-150 advert of <paramref name="age"/>.</summary>
    private Node BackupHearingAnAdvertOfAge(TimeSpan age)
    {
        var b = Start("b", 2, 100);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        Clock.Advance(TimeSpan.FromSeconds(1));
        b.Instance.Tell(new AdvertIn(150, 100, IPAddress.Parse("10.0.0.1").GetAddressBytes(), KeepAlive.Kernel.Wire.Vrrp.VrrpAdvertNotes.None,
            KeepAlive.Kernel.Wire.Vrrp.VrrpChecksumFlavour.MessageOnly, 255) { Age = age });
        AwaitAssert(() => Assert.Equal(150, Status(b).MasterPriority));
        return b;
    }

    [Fact]
    public void The_master_down_interval_counts_from_the_adverts_arrival_not_from_when_it_was_read()
    {
        // Read now, but it reached the socket 4 ms ago: the 3.609 s interval runs from then.
        var b = BackupHearingAnAdvertOfAge(TimeSpan.FromMilliseconds(4));

        Clock.Advance(TimeSpan.FromMilliseconds(3_604));                 // 3.608 s after the arrival
        Assert.Equal(VrrpState.Backup, Status(b).State);
        Clock.Advance(TimeSpan.FromMilliseconds(2));                     // 3.610 s after the arrival, 3.606 s after the read
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
    }

    [Fact]
    public void An_advert_read_long_after_it_came_is_dated_back_only_a_little_so_a_stall_never_expires_the_timer()
    {
        // The daemon stalled: this advert waited 3 s in the socket, and newer ones are behind it.
        var b = BackupHearingAnAdvertOfAge(TimeSpan.FromSeconds(3));

        Clock.Advance(TimeSpan.FromMilliseconds(3_600));                 // 3.609 s from the read less the 5 ms limit: not yet
        Assert.Equal(VrrpState.Backup, Status(b).State);
        Clock.Advance(TimeSpan.FromMilliseconds(10));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
    }

    [Fact]
    public void The_higher_priority_wins_holds_the_vip_alone_and_hands_over_in_skew_time_on_shutdown()
    {
        var (a, b) = ElectAOverB();
        for (int i = 1; i <= 5; i++)
        {
            long before = Received(b);
            Clock.Advance(TimeSpan.FromSeconds(1));
            AwaitAssert(() => Assert.True(Received(b) > before));
        }
        Assert.Equal(VrrpState.Backup, Status(b).State);
        AwaitAssert(() => Assert.True(HasVip(a)));
        Assert.False(HasVip(b));
        Assert.NotEmpty(a.Kernel.Frames);                               // gratuitous ARPs went out

        // a leaves: priority 0, so b takes over after its skew time (609 ms), not 3.6 s.
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        AwaitAssert(() => Assert.Contains(Report(b).Peers, p => p.Priority == 0));   // b's instance has stepped on it
        AwaitAssert(() => Assert.False(HasVip(a)));
        Clock.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(VrrpState.Backup, Status(b).State);
        Clock.Advance(TimeSpan.FromMilliseconds(20));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
        AwaitAssert(() => Assert.True(HasVip(b)));
    }

    private string Wire() => string.Join(", ", _network.Sent.Select(d => $"{d.Source}:{(d.Payload.Length > 2 ? d.Payload.Span[2] : -1)}"));

    /// <summary>Adverts on the wire from <paramref name="octet"/> with <paramref name="priority"/>.</summary>
    private int AdvertsFrom(int octet, int priority) =>
        _network.Sent.Count(d => d.Source.Equals(IPAddress.Parse($"10.0.0.{octet}")) && d.Payload.Length > 2 && d.Payload.Span[2] == priority);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Preempting_a_live_master_the_first_advert_waits_for_the_addresses_or_its_bound(bool confirmed)
    {
        var b = Start("b", 2, 100);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_700));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));

        var effector = CreateTestProbe();
        var a = Start("a", 1, 150, effectorStandIn: effector.Ref);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        for (int i = 0; i < 3; i++)                                    // b's lower adverts go on; a's timer (3.414 s) runs
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            Thread.Sleep(50);
        }
        for (int i = 0; i < 30 && Status(a).State != VrrpState.Master; i++)
            Clock.Advance(TimeSpan.FromMilliseconds(20));
        var acquire = effector.FishForMessage<AcquireAddresses>(_ => true, TimeSpan.FromSeconds(3));
        Assert.Equal(VrrpState.Master, Status(a).State);
        Assert.True(AdvertsFrom(1, 150) == 0, "b still holds the VIP and must hear nothing yet: " + Wire());

        if (confirmed)
        {
            effector.Reply(new OpCompleted(acquire.OpId, KernelResult.Ok));
        }
        else
        {
            Clock.Advance(TimeSpan.FromMilliseconds(50));
            Thread.Sleep(100);
            Assert.Equal(0, AdvertsFrom(1, 150));
            Clock.Advance(TimeSpan.FromMilliseconds(60));              // 100 ms (the bound at this interval): it leaves anyway
        }
        AwaitAssert(() => Assert.Equal(1, AdvertsFrom(1, 150)));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
    }

    /// <summary>b1 and b2 (priority 100) are MASTER of VRIDs 51 and 52; a1 and a2 (150) start in sync group G with
    /// <paramref name="effector"/> as their effector (and the group's, with <paramref name="headStart"/>), and preempt
    /// until both are MASTER.</summary>
    private (Node B1, Node B2, Node A1, Node A2) SyncGroupPreempting(TestProbe effector, bool headStart)
    {
        var vip2 = new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.101"), 24);
        var b1 = Start("b1", 2, 100, vrid: 51);
        var b2 = Start("b2", 2, 100, vrid: 52, vip: vip2);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b1).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b2).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_700));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b1).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b2).State));

        var group = Sys.ActorOf(KeepAlive.Actors.Sync.SyncGroupActor.Props("G", ["VI_a1", "VI_a2"], effector: headStart ? effector.Ref : null), "sync-G");
        var a1 = Start("a1", 1, 150, effectorStandIn: effector.Ref, vrid: 51, syncGroup: group);
        var a2 = Start("a2", 1, 150, effectorStandIn: effector.Ref, vrid: 52, vip: vip2, syncGroup: group);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a1).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a2).State));
        for (int i = 0; i < 3; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            Thread.Sleep(50);
        }
        for (int i = 0; i < 30 && (Status(a1).State != VrrpState.Master || Status(a2).State != VrrpState.Master); i++)
            Clock.Advance(TimeSpan.FromMilliseconds(20));
        return (b1, b2, a1, a2);
    }

    [Fact]
    public void In_a_sync_group_preempting_no_member_advertises_before_every_members_addresses_are_confirmed()
    {
        // The old master's group gives up all its VIPs on the first advert of any of our members: one member's
        // confirmed addresses are not enough.
        var effector = CreateTestProbe();
        var (b1, b2, a1, a2) = SyncGroupPreempting(effector, headStart: false);
        var first = effector.FishForMessage<AcquireAddresses>(_ => true, TimeSpan.FromSeconds(3));
        var second = effector.FishForMessage<AcquireAddresses>(_ => true, TimeSpan.FromSeconds(3));
        Assert.NotEqual(first.Owner, second.Owner);
        Assert.True(AdvertsFrom(1, 150) == 0, "b still holds the VIPs: " + Wire());

        effector.Send(first.Owner == "VI_a1" ? a1.Instance : a2.Instance, new OpCompleted(first.OpId, KernelResult.Ok));
        Thread.Sleep(300);
        Assert.True(AdvertsFrom(1, 150) == 0, $"{first.Owner}'s addresses alone must not release its advert: " + Wire());

        effector.Send(second.Owner == "VI_a1" ? a1.Instance : a2.Instance, new OpCompleted(second.OpId, KernelResult.Ok));
        AwaitAssert(() => Assert.Equal(2, AdvertsFrom(1, 150)));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b1).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b2).State));
    }

    [Fact]
    public void Equal_priorities_elect_the_higher_address()
    {
        var a = Start("a", 1, 100);
        var b = Start("b", 2, 100);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        // Both time out together and both become master; the adverts then settle it for the higher address.
        Clock.Advance(TimeSpan.FromMilliseconds(3_700));
        AwaitAssert(() =>
        {
            Assert.Equal(VrrpState.Master, Status(b).State);
            Assert.Equal(VrrpState.Backup, Status(a).State);
        });
        AwaitAssert(() => Assert.True(HasVip(b) && !HasVip(a)));
    }

    [Fact]
    public void Tracking_that_lowers_the_master_below_its_peer_moves_the_vip_and_an_unweighted_failure_means_fault()
    {
        var (a, b) = ElectAOverB();

        // A weighted tracker takes 60 off a: its adverts now say 90, b (100) preempts when its timer runs out.
        a.Instance.Tell(new KeepAlive.Actors.Tracking.TrackerReport("chk_nginx", new KeepAlive.Actors.Tracking.TrackerEffect(false, -60)));
        AwaitAssert(() => Assert.Equal(90, Status(a).EffectivePriority));
        for (int i = 0; i < 5 && Status(b).State != VrrpState.Master; i++)
        {
            long before = Received(b);
            Clock.Advance(TimeSpan.FromSeconds(1));
            AwaitAssert(() => Assert.True(Received(b) > before || Status(b).State == VrrpState.Master));
        }
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        AwaitAssert(() => Assert.True(HasVip(b) && !HasVip(a)));

        // An unweighted tracker fails on b: FAULT, priority 0 sent, a takes over in skew time.
        long seenByA = Received(a);
        b.Instance.Tell(new KeepAlive.Actors.Tracking.TrackerReport("eth1", new KeepAlive.Actors.Tracking.TrackerEffect(true, 0)));
        AwaitAssert(() => Assert.Equal(VrrpState.Fault, Status(b).State));
        AwaitAssert(() => Assert.False(HasVip(b)));
        AwaitAssert(() => Assert.True(Received(a) > seenByA));       // b's priority-0 advert reached a's socket
        // a's instance may step on it a moment later: advance in small steps. Within 2 s it can only be the skew time
        // (a's full master-down interval at priority 90 is 3.65 s).
        for (int i = 0; i < 20 && Status(a).State != VrrpState.Master; i++)
            Clock.Advance(TimeSpan.FromMilliseconds(100));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
    }

    [Fact]
    public void A_tracked_interface_going_down_in_the_kernel_faults_the_instance_and_coming_back_restores_it()
    {
        var a = Start("a", 1, 150, [new(KeepAlive.Actors.Tracking.TrackerNames.Interface("eth1"), KeepAlive.Actors.Tracking.TrackedKind.UpDown, 0, false)]);
        a.Kernel.WithLink("eth1");
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        var tracker = Sys.ActorOf(KeepAlive.Actors.Tracking.InterfaceTrackerActor.Props("eth1", a.Effector, new([a.Instance.Path])), "track-eth1");
        tracker.Tell(new Identify(1));
        ExpectMsg<ActorIdentity>();
        AwaitAssert(() =>                                               // subscribed: the effector forwards kernel events to it
            Assert.Equal(VrrpState.Backup, Status(a).State));

        a.Kernel.SetLink("eth1", adminUp: true, carrier: false);
        AwaitAssert(() => Assert.Equal(VrrpState.Fault, Status(a).State));
        a.Kernel.SetLink("eth1", adminUp: true, carrier: true);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
    }

    [Fact]
    public void A_vip_removed_behind_the_masters_back_sends_it_to_backup_and_back_after_skew_time_with_its_routes()
    {
        var route = new RouteSpec(IPAddress.Parse("192.168.77.0"), 24, IPAddress.Parse("10.0.0.254"), "eth0");
        var a = Start("a", 1, 150, masterSet: new KernelSet([Vip], [route], []));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_450));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        AwaitAssert(() => Assert.True(HasVip(a) && a.Kernel.Routes.Count == 1));
        long sent = Sent(a);
        long transitions = Status(a).Transitions;

        a.Kernel.RemoveAddressBehindOurBack(Vip);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        AwaitAssert(() => Assert.Empty(a.Kernel.Routes));               // everything MASTER held is released
        AwaitAssert(() => Assert.Equal(sent + 1, Sent(a)));              // the priority-0 advert
        // Skew_Time of priority 150 (414 ms), not the 3.4 s master-down interval.
        Clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(VrrpState.Backup, Status(a).State);
        Clock.Advance(TimeSpan.FromMilliseconds(20));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        AwaitAssert(() => Assert.True(HasVip(a) && a.Kernel.Routes.Count == 1));
        Assert.Equal(transitions + 2, Status(a).Transitions);
    }

    [Fact]
    public void A_no_track_vip_removed_behind_the_masters_back_changes_nothing()
    {
        var a = Start("a", 1, 150, notTracked: new HashSet<AddressKey> { Vip.Key });
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_450));
        AwaitAssert(() => Assert.True(HasVip(a)));
        long transitions = Status(a).Transitions;

        a.Kernel.RemoveAddressBehindOurBack(Vip);
        a.Instance.Tell(new HeldAddressLost("VI_other", Vip));          // another owner's loss is not ours either
        Clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(VrrpState.Master, Status(a).State);
        Assert.Equal(transitions, Status(a).Transitions);
        Assert.False(HasVip(a));                                        // keepalived leaves it gone
    }

    private long Sent(Node n) => n.Io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3)).Result.Sent;
}

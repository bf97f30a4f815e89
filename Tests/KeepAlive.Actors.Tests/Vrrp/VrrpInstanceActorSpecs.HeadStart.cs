using System.Net;
using Akka.Actor;
using Akka.TestKit;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>A sync group's head start seen from a member: the batch sent once (after its advert), adopted as its own
/// acquisition when it becomes MASTER with the set it wished with, replaced when a reload changed the set, released
/// when it does not become MASTER, and an answer that overtook the order is not lost.</summary>
public sealed partial class VrrpInstanceActorSpecs
{
    /// <summary>A head start for <paramref name="set"/> whose batch (also holding another member's op) goes to <paramref name="effector"/>.</summary>
    private static HeadStart HeadStartFor(long opId, KernelSet set, TestProbe effector, IActorRef holder) =>
        new(opId, set, new HeadStartBatch(effector.Ref,
        [
            new AcquireAddresses(opId, "VI_a", set) { Holder = holder },
            new AcquireAddresses(opId - 100, "VI_other", KernelSet.Of([new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.102"), 24)])),
        ]));

    private (Node Node, TestProbe Effector, KernelSet Set) BackupWithProbeEffector()
    {
        var effector = CreateTestProbe();
        var set = KernelSet.Of([Vip]);
        var a = Start("a", 1, 150, masterSet: set, effectorStandIn: effector.Ref);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        return (a, effector, set);
    }

    private static List<object> Drain(TestProbe probe) => probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(300), m => m).ToList();

    [Fact]
    public void Taking_over_with_the_groups_head_start_sends_no_acquisition_of_its_own()
    {
        var (a, effector, set) = BackupWithProbeEffector();
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master, HeadStart: HeadStartFor(-4, set, effector, a.Instance)));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        var sent = Drain(effector);
        Assert.DoesNotContain(sent, m => m is AcquireAddresses or ReplaceAddresses or ReleaseAddresses);
        var batch = Assert.Single(sent.OfType<AcquireAddressesTogether>()); // sent by this member, for both
        Assert.Equal([-4L, -104], batch.Ops.Select(o => o.OpId));
        Assert.True(sent.IndexOf(batch) < sent.FindIndex(m => m is SendFrames), "its announcements go after the batch");
        Assert.True(AdvertsFrom(1, 150) >= 1, "no live master was heard: the advert leaves at once");
    }

    [Fact]
    public void A_failed_head_start_that_overtook_the_order_is_retried_as_the_masters_own_acquisition()
    {
        var (a, effector, set) = BackupWithProbeEffector();
        a.Instance.Tell(new OpCompleted(-7, KernelResult.Fail(19, "no such device")), effector.Ref);
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master, HeadStart: HeadStartFor(-7, set, effector, a.Instance)));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        Assert.DoesNotContain(Drain(effector), m => m is AcquireAddresses);

        Clock.Advance(VrrpInstanceActor.ReacquireAfter);
        var retry = effector.FishForMessage<AcquireAddresses>(_ => true, TimeSpan.FromSeconds(3));
        Assert.True(retry.OpId > 0);
        Assert.Same(set, retry.Set);
    }

    [Fact]
    public void A_head_start_for_a_set_a_reload_replaced_is_corrected_to_the_current_set()
    {
        var (a, effector, set) = BackupWithProbeEffector();
        var older = KernelSet.Of([Vip, new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.101"), 24)]);
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master, HeadStart: HeadStartFor(-2, older, effector, a.Instance)));
        effector.FishForMessage<AcquireAddressesTogether>(_ => true, TimeSpan.FromSeconds(3));   // first: the older set goes in
        var replace = effector.FishForMessage<ReplaceAddresses>(_ => true, TimeSpan.FromSeconds(3));
        Assert.Same(set, replace.Set);
        Assert.Equal("VI_a", replace.Owner);
        Assert.Equal(VrrpState.Master, Status(a).State);
    }

    [Fact]
    public void A_member_that_does_not_become_master_releases_its_head_start()
    {
        var (a, effector, set) = BackupWithProbeEffector();
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Fault));
        AwaitAssert(() => Assert.Equal(VrrpState.Fault, Status(a).State));
        Drain(effector);

        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master, HeadStart: HeadStartFor(-3, set, effector, a.Instance)));
        var sent = Drain(effector);
        var release = Assert.Single(sent.OfType<ReleaseAddresses>());
        Assert.True(sent.FindIndex(m => m is AcquireAddressesTogether) is >= 0 and var at && at < sent.IndexOf(release),
            "the batch (the other member needs it) leaves before the release that takes this member's set back");
        Assert.Same(set, release.Set);
        Assert.Equal(VrrpState.Fault, Status(a).State);
    }

    [Fact]
    public void A_member_that_gives_its_head_start_back_tells_its_group()
    {
        var effector = CreateTestProbe();
        var group = CreateTestProbe();
        var set = KernelSet.Of([Vip]);
        var a = Start("a", 1, 150, masterSet: set, effectorStandIn: effector.Ref, syncGroup: group.Ref);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Fault));
        AwaitAssert(() => Assert.Equal(VrrpState.Fault, Status(a).State));

        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master, HeadStart: HeadStartFor(-3, set, effector, a.Instance)));
        Assert.Equal("VI_a", group.FishForMessage<KeepAlive.Actors.Sync.HeadStartReturned>(_ => true, TimeSpan.FromSeconds(3)).Member);
    }

    [Fact]
    public void A_master_given_a_head_start_for_its_own_set_keeps_it()
    {
        var (a, effector, set) = BackupWithProbeEffector();
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        Drain(effector);

        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master, HeadStart: HeadStartFor(-5, set, effector, a.Instance)));
        var sent = Drain(effector);
        Assert.DoesNotContain(sent, m => m is ReleaseAddresses or ReplaceAddresses or AcquireAddresses);
        Assert.Single(sent.OfType<AcquireAddressesTogether>());         // the other member's set still goes
        Assert.Equal(VrrpState.Master, Status(a).State);
    }

    [Fact]
    public void In_a_sync_group_with_a_head_start_preempting_members_advertise_once_every_head_start_is_answered()
    {
        var effector = CreateTestProbe();
        var (b1, b2, _, _) = SyncGroupPreempting(effector, headStart: true);
        var got = Drain(effector);
        var together = Assert.Single(got.OfType<AcquireAddressesTogether>());
        Assert.Equal(["VI_a1", "VI_a2"], together.Ops.Select(o => o.Owner));
        Assert.DoesNotContain(got, m => m is AcquireAddresses);
        Assert.True(AdvertsFrom(1, 150) == 0, "b still holds the VIPs: " + Wire());

        var (first, second) = (together.Ops[0], together.Ops[1]);
        effector.Send(first.Holder!, new OpCompleted(first.OpId, KernelResult.Ok));
        Thread.Sleep(300);
        Assert.True(AdvertsFrom(1, 150) == 0, "one member's addresses alone must not release its advert: " + Wire());

        effector.Send(second.Holder!, new OpCompleted(second.OpId, KernelResult.Ok));
        AwaitAssert(() => Assert.Equal(2, AdvertsFrom(1, 150)));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b1).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b2).State));
    }
}

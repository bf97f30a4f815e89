using System.Net;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Sync;

/// <summary>The group's head start on a takeover: every wishing member's set goes in one batch that travels with the
/// orders (the first member to read its order sends it), each answer to its member; a member that stops before it
/// takes over is withdrawn from the batch, or has its set released once the batch has left. Members and effector are
/// probes.</summary>
public sealed class SyncGroupHeadStartSpecs : TestKit
{
    private static KernelSet SetOf(int last) => KernelSet.Of([new InterfaceAddress("eth0", IPAddress.Parse($"10.0.1.{last}"), 24)]);

    private readonly TestProbe _effector;

    public SyncGroupHeadStartSpecs() => _effector = CreateTestProbe("effector");

    /// <summary>A group of <paramref name="members"/> (probes, joined and in BACKUP) with the effector probe.</summary>
    private IActorRef Group(params TestProbe[] members)
    {
        var names = Enumerable.Range(1, members.Length).Select(i => $"VI_{i}").ToList();
        var group = Sys.ActorOf(SyncGroupActor.Props("G", names, effector: _effector.Ref));
        for (int i = 0; i < members.Length; i++)
        {
            group.Tell(new JoinSyncGroup(names[i]), members[i].Ref);
            group.Tell(new SyncInput.Changed(names[i], VrrpState.Backup, VrrpReason.Startup, false), members[i].Ref);
        }
        return group;
    }

    private static InstanceCommand ExpectOrder(TestProbe member) =>
        member.FishForMessage<InstanceCommand>(c => c.Kind == VrrpInputKind.Force, TimeSpan.FromSeconds(3));

    [Fact]
    public void Every_wishing_members_set_goes_to_the_effector_in_one_batch_answered_to_the_member()
    {
        var m1 = CreateTestProbe();
        var m2 = CreateTestProbe();
        var group = Group(m1, m2);
        var (s1, s2) = (SetOf(1), SetOf(2));

        group.Tell(new SyncInput.WantsMaster("VI_1", s1), m1.Ref);
        m1.ExpectNoMsg(TimeSpan.FromMilliseconds(100));                  // one wish is not a takeover
        group.Tell(new SyncInput.WantsMaster("VI_2", s2), m2.Ref);

        var o1 = ExpectOrder(m1);
        var o2 = ExpectOrder(m2);
        _effector.ExpectNoMsg(TimeSpan.FromMilliseconds(100));           // the group sends nothing itself
        Assert.Same(o1.HeadStart!.Batch, o2.HeadStart!.Batch);
        o2.HeadStart.Batch.EnsureSent();
        o1.HeadStart.Batch.EnsureSent();                                 // once only
        var together = _effector.ExpectMsg<AcquireAddressesTogether>(TimeSpan.FromSeconds(3));
        _effector.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["VI_1", "VI_2"], together.Ops.Select(o => o.Owner));
        Assert.Same(s1, together.Ops[0].Set);
        Assert.Same(s2, together.Ops[1].Set);
        Assert.Equal(m1.Ref, together.Ops[0].Holder);
        Assert.Equal(m2.Ref, together.Ops[1].Holder);
        Assert.All(together.Ops, o => Assert.True(o.OpId < 0, "the group's op ids are negative, apart from the members' own"));
        Assert.NotEqual(together.Ops[0].OpId, together.Ops[1].OpId);

        Assert.Equal(VrrpState.Master, o1.State);
        Assert.Equal((together.Ops[0].OpId, s1), (o1.HeadStart.OpId, o1.HeadStart.Set));
        Assert.Equal((together.Ops[1].OpId, s2), (o2.HeadStart.OpId, o2.HeadStart.Set));
    }

    [Fact]
    public void A_member_whose_wish_carries_no_set_is_ordered_without_a_head_start()
    {
        var m1 = CreateTestProbe();
        var m2 = CreateTestProbe();
        var group = Group(m1, m2);
        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(1)), m1.Ref);
        group.Tell(new SyncInput.WantsMaster("VI_2"), m2.Ref);

        var head = ExpectOrder(m1).HeadStart;
        Assert.NotNull(head);
        Assert.Null(ExpectOrder(m2).HeadStart);
        head.Batch.EnsureSent();
        Assert.Equal(["VI_1"], _effector.ExpectMsg<AcquireAddressesTogether>(TimeSpan.FromSeconds(3)).Ops.Select(o => o.Owner));
    }

    [Fact]
    public void A_wish_withdrawn_by_a_master_seen_gets_no_head_start()
    {
        var m1 = CreateTestProbe();
        var m2 = CreateTestProbe();
        var group = Group(m1, m2);
        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(1)), m1.Ref);
        group.Tell(new SyncInput.SawMaster("VI_1"), m1.Ref);             // a master came back: no takeover yet
        group.Tell(new SyncInput.WantsMaster("VI_2", SetOf(2)), m2.Ref);
        m1.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(3)), m1.Ref);  // its timer ran out again: the latest set counts
        ExpectOrder(m1).HeadStart!.Batch.EnsureSent();
        var together = _effector.ExpectMsg<AcquireAddressesTogether>(TimeSpan.FromSeconds(3));
        Assert.Equal(["10.0.1.3", "10.0.1.2"], together.Ops.Select(o => o.Set.Addresses[0].Address.ToString()));
    }

    [Fact]
    public void A_member_that_stops_before_the_batch_left_is_withdrawn_from_it()
    {
        var m1 = CreateTestProbe();
        var m2 = CreateTestProbe();
        var group = Group(m1, m2);
        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(1)), m1.Ref);
        group.Tell(new SyncInput.WantsMaster("VI_2", SetOf(2)), m2.Ref);
        var batch = ExpectOrder(m1).HeadStart!.Batch;
        Sys.Stop(m2.Ref);                                               // its order is never read
        AwaitCondition(() => batch.Count == 1);                         // the group saw it terminate

        batch.EnsureSent();                                             // member 1 reads its order
        Assert.Equal(["VI_1"], _effector.ExpectMsg<AcquireAddressesTogether>(TimeSpan.FromSeconds(3)).Ops.Select(o => o.Owner));
        _effector.ExpectNoMsg(TimeSpan.FromMilliseconds(200));          // nothing to release
    }

    [Fact]
    public void A_member_that_stops_after_the_batch_left_has_its_set_released_and_one_that_took_over_does_not()
    {
        var m1 = CreateTestProbe();
        var m2 = CreateTestProbe();
        var group = Group(m1, m2);
        var s2 = SetOf(2);
        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(1)), m1.Ref);
        group.Tell(new SyncInput.WantsMaster("VI_2", s2), m2.Ref);
        ExpectOrder(m1).HeadStart!.Batch.EnsureSent();                  // member 1 read its order and sent the batch
        _effector.ExpectMsg<AcquireAddressesTogether>(TimeSpan.FromSeconds(3));

        group.Tell(new SyncInput.Changed("VI_1", VrrpState.Master, VrrpReason.SyncGroup, false), m1.Ref);
        Sys.Stop(m1.Ref);                                               // it took over: what it holds stays its own
        Sys.Stop(m2.Ref);                                               // its order was never read

        var release = _effector.ExpectMsg<ReleaseAddresses>(TimeSpan.FromSeconds(3));
        Assert.Equal("VI_2", release.Owner);
        Assert.Same(s2, release.Set);
        _effector.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_member_that_gave_its_head_start_back_is_not_released_again_when_it_stops()
    {
        var m1 = CreateTestProbe();
        var group = Group(m1);
        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(1)), m1.Ref);
        ExpectOrder(m1).HeadStart!.Batch.EnsureSent();
        _effector.ExpectMsg<AcquireAddressesTogether>(TimeSpan.FromSeconds(3));

        group.Tell(new HeadStartReturned("VI_1"), m1.Ref);
        Sys.Stop(m1.Ref);
        _effector.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Without_an_effector_the_orders_carry_no_head_start()
    {
        var m1 = CreateTestProbe();
        var group = Sys.ActorOf(SyncGroupActor.Props("G", ["VI_1"]));
        group.Tell(new JoinSyncGroup("VI_1"), m1.Ref);
        group.Tell(new SyncInput.Changed("VI_1", VrrpState.Backup, VrrpReason.Startup, false), m1.Ref);
        group.Tell(new SyncInput.WantsMaster("VI_1", SetOf(1)), m1.Ref);
        Assert.Null(ExpectOrder(m1).HeadStart);
    }
}

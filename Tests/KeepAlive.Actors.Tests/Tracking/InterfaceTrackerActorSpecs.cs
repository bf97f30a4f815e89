using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Tracking;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>The interface tracker follows link events only, and reads the links again when events were lost.</summary>
public sealed class InterfaceTrackerActorSpecs : TestKit
{
    private static LinkState Eth0(bool up) => new(2, "eth0", up, up, 1500, [2, 0, 0, 0, 0, 1]);

    [Fact]
    public void After_lost_events_it_reads_the_links_again_and_reports_a_change_it_missed()
    {
        var effector = CreateTestProbe();
        var tracker = Sys.ActorOf(InterfaceTrackerActor.Props("eth0", effector.Ref, new TrackerSubscribers([TestActor.Path])));
        effector.ExpectMsg<SubscribeKernelEvents>(s => Assert.False(s.Addresses));
        effector.ExpectMsg<GetLinks>();
        effector.Reply(new LinksSnapshot(KernelResult.Ok, [Eth0(up: true)]));
        Assert.True(ExpectMsg<TrackedStatus>().Up);

        tracker.Tell(new KernelEvent.Resync());

        effector.ExpectMsg<GetLinks>();
        effector.Reply(new LinksSnapshot(KernelResult.Ok, [Eth0(up: false)]));
        Assert.False(ExpectMsg<TrackedStatus>().Up);
    }

    [Fact]
    public void The_effector_sends_address_changes_only_to_subscribers_that_want_them()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        var links = CreateTestProbe();
        var all = CreateTestProbe();
        effector.Tell(SubscribeKernelEvents.LinksOnly, links.Ref);
        effector.Tell(SubscribeKernelEvents.Instance, all.Ref);
        var vip = new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.100"), 24);
        effector.Tell(new AcquireAddresses(1, "VI_1", [vip]));
        ExpectMsg<OpCompleted>();

        kernel.RemoveAddressBehindOurBack(vip);
        kernel.SetLink("eth0", adminUp: false, carrier: false);

        all.ExpectMsg<KernelEvent.AddressAdded>();
        all.ExpectMsg<KernelEvent.AddressRemoved>();
        all.ExpectMsg<KernelEvent.LinkChanged>();
        links.ExpectMsg<KernelEvent.LinkChanged>(e => Assert.False(e.Link.IsUp));
        links.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}

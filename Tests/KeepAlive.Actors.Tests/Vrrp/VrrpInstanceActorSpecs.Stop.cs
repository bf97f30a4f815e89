using Akka.Actor;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>A stopping MASTER: priority 0 on the wire and its release; every stop request, the node's after the
/// signal's, is answered only once the release is with the effector (the node's stop then drains the effector).</summary>
public sealed partial class VrrpInstanceActorSpecs
{
    [Fact]
    public void A_stopping_master_sends_priority_0_then_releases_and_answers_every_stop_after_the_release()
    {
        // One probe is the effector and asks for both stops: the order of what it receives is the order of the sends.
        var probe = CreateTestProbe();
        var a = ForcedMaster(probe);

        a.Instance.Tell(StopInstance.Instance, probe.Ref);              // the signal's stop
        a.Instance.Tell(StopInstance.Instance, probe.Ref);              // the node's, right after
        var got = probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(500), m => m).Where(m => m is ReleaseAddresses or InstanceStopped).ToList();

        Assert.Equal([typeof(ReleaseAddresses), typeof(InstanceStopped), typeof(InstanceStopped)], got.Select(m => m.GetType()));
        Assert.Equal(1, AdvertsFrom(1, 0));
        Assert.Equal(VrrpState.Stopped, Status(a).State);
    }

    [Fact]
    public void A_resigned_master_sends_priority_0_keeps_its_addresses_and_falls_silent_until_its_stop_releases_them()
    {
        var probe = CreateTestProbe();
        var a = ForcedMaster(probe);
        int adverts = AdvertsFrom(1, 150);

        a.Instance.Tell(ResignInstance.Instance);
        AwaitAssert(() => Assert.Equal(1, AdvertsFrom(1, 0)));
        Clock.Advance(TimeSpan.FromSeconds(5));                         // five advert intervals
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Backup));
        Assert.Equal(VrrpState.Master, Status(a).State);
        Assert.Equal(adverts, AdvertsFrom(1, 150));
        Assert.Empty(probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(200), m => m).OfType<ReleaseAddresses>());

        a.Instance.Tell(StopInstance.Instance, probe.Ref);
        var got = probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(500), m => m).Where(m => m is ReleaseAddresses or InstanceStopped).ToList();
        Assert.Equal([typeof(ReleaseAddresses), typeof(InstanceStopped)], got.Select(m => m.GetType()));
        Assert.Equal(1, AdvertsFrom(1, 0));
        Assert.Equal(1, Report(a).Stats.PriZeroSent);
        Assert.Equal(VrrpState.Stopped, Status(a).State);
    }

    /// <summary>Instance "a" (10.0.0.1, priority 150) forced to MASTER, <paramref name="probe"/> as its effector, with
    /// what the probe received so far drained.</summary>
    private Node ForcedMaster(Akka.TestKit.TestProbe probe)
    {
        var a = Start("a", 1, 150, effectorStandIn: probe.Ref);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Master));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        probe.ReceiveWhile<object>(TimeSpan.FromMilliseconds(300), m => m);
        return a;
    }

    [Fact]
    public void A_stopping_backup_answers_at_once_and_releases_nothing()
    {
        var probe = CreateTestProbe();
        var b = Start("b", 2, 100, effectorStandIn: probe.Ref);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        b.Instance.Tell(StopInstance.Instance, probe.Ref);
        probe.FishForMessage<InstanceStopped>(_ => true, TimeSpan.FromSeconds(3));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, AdvertsFrom(2, 0));
    }
}

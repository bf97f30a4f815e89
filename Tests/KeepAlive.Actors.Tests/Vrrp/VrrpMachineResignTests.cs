using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The node's stop in two steps (VrrpInput.Resign, then VrrpInput.Shutdown): every master's priority 0 first,
/// the releases after; in between an instance takes no input but the Shutdown.</summary>
public sealed class VrrpMachineResignTests
{
    [Fact]
    public void A_master_resigning_sends_priority_zero_stops_its_timers_and_keeps_its_addresses()
    {
        var m = Master(V3());
        var fx = m.Step(new VrrpInput.Resign(m.Now));

        Assert.Equal(new VrrpEffect.SendAdvert(0), Assert.Single(fx.OfType<VrrpEffect.SendAdvert>()));
        Assert.Contains(new VrrpEffect.CancelTimer(VrrpTimer.Advert), fx);
        Assert.Empty(fx.OfType<VrrpEffect.ReleaseAddresses>());
        Assert.Empty(fx.OfType<VrrpEffect.Transition>());
        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.True(m.State.Resigned);
        Assert.Equal(default, m.State.Timers);
    }

    [Fact]
    public void The_shutdown_of_a_resigned_master_releases_without_a_second_priority_zero()
    {
        var m = Master(V3());
        m.Step(new VrrpInput.Resign(m.Now));
        var fx = m.Step(new VrrpInput.Shutdown(m.Now + 500));

        Assert.Empty(fx.OfType<VrrpEffect.SendAdvert>());
        Assert.Single(fx.OfType<VrrpEffect.ReleaseAddresses>());
        Assert.Equal(new VrrpEffect.Transition(VrrpState.Master, VrrpState.Stopped, VrrpReason.Shutdown), m.Single<VrrpEffect.Transition>());
    }

    public static TheoryData<string> InputsAfterResigning => new() { "advert timer", "lower advert", "higher advert", "priority zero", "priority change", "fault", "force backup", "address lost", "reload" };

    [Theory]
    [MemberData(nameof(InputsAfterResigning))]
    public void A_resigned_master_takes_nothing_but_the_shutdown(string input)
    {
        var m = Master(V3());
        long advertGeneration = m.State.Timers.Advert;
        m.Step(new VrrpInput.Resign(m.Now));
        var before = m.State;
        VrrpInput step = input switch
        {
            "advert timer" => new VrrpInput.TimerFired(m.Now + 1_000_000, VrrpTimer.Advert, advertGeneration),
            "lower advert" => new VrrpInput.AdvertReceived(m.Now, 50, 100, Lower),
            "higher advert" => new VrrpInput.AdvertReceived(m.Now, 200, 100, Higher),
            "priority zero" => new VrrpInput.AdvertReceived(m.Now, 0, 100, Higher),
            "priority change" => new VrrpInput.PriorityChanged(m.Now, 150),
            "fault" => new VrrpInput.FaultChanged(m.Now, true),
            "force backup" => new VrrpInput.ForceState(m.Now, VrrpState.Backup),
            "address lost" => new VrrpInput.AddressLost(m.Now),
            _ => new VrrpInput.Reconfigured(m.Now, 120, m.Settings),
        };

        var fx = m.Step(step);

        Assert.Empty(fx);
        Assert.Same(before, m.State);
    }

    [Fact]
    public void A_resigned_backup_never_takes_over_before_its_shutdown()
    {
        var m = Backup(V3());
        long down = m.State.Timers.MasterDown;
        var fx = m.Step(new VrrpInput.Resign(m.Now));
        Assert.Equal([new VrrpEffect.CancelTimer(VrrpTimer.MasterDown)], fx);

        Assert.Empty(m.Step(new VrrpInput.TimerFired(m.State.MasterDownDeadline, VrrpTimer.MasterDown, down)));
        Assert.Empty(m.Step(new VrrpInput.ForceState(m.Now, VrrpState.Master)));
        Assert.Equal(VrrpState.Backup, m.State.State);

        fx = m.Step(new VrrpInput.Shutdown(m.Now));
        Assert.Empty(fx.OfType<VrrpEffect.SendAdvert>());
        Assert.Equal(VrrpState.Stopped, m.State.State);
    }

    [Fact]
    public void Resigning_twice_sends_one_priority_zero_and_a_stopped_instance_does_not_resign()
    {
        var m = Master(V2(priority: 150));
        m.Step(new VrrpInput.Resign(m.Now));
        Assert.Empty(m.Step(new VrrpInput.Resign(m.Now)));

        var stopped = Master(V2(priority: 150));
        stopped.Step(new VrrpInput.Shutdown(stopped.Now));
        Assert.Empty(stopped.Step(new VrrpInput.Resign(stopped.Now)));
        Assert.False(stopped.State.Resigned);
    }
}

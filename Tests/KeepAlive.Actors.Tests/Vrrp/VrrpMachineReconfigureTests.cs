using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>A reload's new settings (VrrpInput.Reconfigured): the state is kept, never a transition; only the timers
/// whose length changed move.</summary>
public sealed class VrrpMachineReconfigureTests
{
    private static (VrrpMachineState State, IReadOnlyList<VrrpEffect> Effects) Reload(VrrpMachineHarness m, VrrpSettings next, int? priority = null) =>
        VrrpMachine.Step(m.State, new VrrpInput.Reconfigured(m.Now, priority ?? next.Priority, m.Settings), next);

    [Fact]
    public void The_same_settings_change_nothing_in_any_state()
    {
        foreach (var m in new[] { Backup(V3()), Master(V3()), new VrrpMachineHarness(V3()) })
        {
            var (state, effects) = Reload(m, V3());
            Assert.Equal(m.State, state);
            Assert.Empty(effects);
        }
    }

    [Fact]
    public void A_lower_priority_on_a_master_is_only_advertised_its_advert_timer_keeps_its_phase()
    {
        var m = Master(V3(priority: 200));
        var (state, effects) = Reload(m, V3(priority: 50));
        Assert.Equal(VrrpState.Master, state.State);
        Assert.Equal(50, state.EffectivePriority);
        Assert.Empty(effects);                                               // no transition, no timer restarted
        Assert.Equal(m.State.Timers.Advert, state.Timers.Advert);
    }

    [Fact]
    public void A_master_whose_interval_changed_advertises_at_once_and_keeps_the_new_cadence()
    {
        var m = Master(V3(intervalCs: 100));
        var (state, effects) = Reload(m, V3(intervalCs: 50));
        Assert.Equal([new VrrpEffect.SendAdvert(100), new VrrpEffect.StartTimer(VrrpTimer.Advert, m.State.NextGeneration, 500_000)], effects);
        Assert.Equal(500_000, state.MasterAdverIntervalMicros);
        Assert.Equal(VrrpState.Master, state.State);
    }

    [Fact]
    public void A_backup_shifts_its_pending_master_down_expiry_by_the_change_of_the_interval()
    {
        var m = Backup(V2(priority: 100));
        long deadline = m.State.MasterDownDeadline;
        m.Now += 1_000_000;
        var (state, effects) = Reload(m, V2(priority: 200));
        // Skew: (256 - 100) / 256 s → (256 - 200) / 256 s: 390 625 µs sooner.
        Assert.Equal(deadline - 390_625, state.MasterDownDeadline);
        var start = Assert.Single(effects.OfType<VrrpEffect.StartTimer>());
        Assert.Equal(state.MasterDownDeadline - m.Now, start.DelayMicros);
        Assert.DoesNotContain(effects, e => e is VrrpEffect.Transition);
        Assert.Equal(200, state.EffectivePriority);
    }

    [Fact]
    public void A_v3_backup_keeps_the_interval_it_learned_from_its_master()
    {
        var m = Backup(V3(intervalCs: 100));
        m.Advert(200, intervalCs: 200);                                      // the master advertises 2 s
        var (state, _) = Reload(m, V3(intervalCs: 50));
        Assert.Equal(2_000_000, state.MasterAdverIntervalMicros);
    }

    [Fact]
    public void Becoming_the_owner_takes_255_and_leaving_it_takes_the_new_priority()
    {
        var m = Master(V3(priority: 100));
        Assert.Equal(255, Reload(m, V3(priority: 255), priority: 120).State.EffectivePriority);
        var owner = new VrrpMachineHarness(V3(priority: 255));
        owner.Start();
        var (state, effects) = Reload(owner, V3(priority: 100), priority: 300);
        Assert.Equal(254, state.EffectivePriority);                          // clamped
        Assert.Equal(VrrpState.Master, state.State);
        Assert.DoesNotContain(effects, e => e is VrrpEffect.Transition);
    }

    [Fact]
    public void Garp_refresh_is_armed_or_cancelled_when_it_changes()
    {
        var m = Master(V3());
        var (armed, effects) = Reload(m, V3() with { GarpRefreshMicros = 60_000_000 });
        Assert.Contains(new VrrpEffect.StartTimer(VrrpTimer.GarpRefresh, m.State.NextGeneration, 60_000_000), effects);
        var (_, cancelled) = VrrpMachine.Step(armed, new VrrpInput.Reconfigured(m.Now, 100, V3() with { GarpRefreshMicros = 60_000_000 }), V3());
        Assert.Equal([new VrrpEffect.CancelTimer(VrrpTimer.GarpRefresh)], cancelled);
    }
}

using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>vrrp-rules.md "State machine" and "Address-plane behaviour", one test (or more) per rule, named by its ID.</summary>
public class VrrpMachineTests
{
    [Fact]
    public void V3_S1_The_owner_becomes_master_at_once_advert_first_then_addresses_then_announcements()
    {
        var m = new VrrpMachineHarness(V3(priority: 255));
        var fx = m.Start();

        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Collection(fx,
            e => Assert.Equal(new VrrpEffect.SendAdvert(255), e),
            e => Assert.IsType<VrrpEffect.AcquireAddresses>(e),
            e => Assert.Equal(new VrrpEffect.Announce(5), e),
            e => Assert.Equal(new VrrpEffect.Transition(VrrpState.Initialize, VrrpState.Master, VrrpReason.OwnerStartup), e),
            e => Assert.Equal((VrrpTimer.Advert, 1_000_000L), (((VrrpEffect.StartTimer)e).Timer, ((VrrpEffect.StartTimer)e).DelayMicros)),
            e => Assert.Equal((VrrpTimer.GarpDelay, 5_000_000L), (((VrrpEffect.StartTimer)e).Timer, ((VrrpEffect.StartTimer)e).DelayMicros)));
    }

    [Fact]
    public void V3_S2_Everyone_else_starts_as_backup_even_with_state_master()
    {
        var m = new VrrpMachineHarness(V2(priority: 150, wantsMaster: true));
        m.Start();
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(3 * 1_000_000 + 106 * 1_000_000 / 256, m.TimerDelay(VrrpTimer.MasterDown));
        Assert.Empty(m.Effects.OfType<VrrpEffect.AcquireAddresses>());
    }

    [Fact]
    public void V3_S2_A_sync_group_member_that_wants_master_waits_one_interval_and_the_minimal_skew()
    {
        var m = new VrrpMachineHarness(V2(wantsMaster: true) with { InSyncGroup = true });
        m.Start();
        Assert.Equal(1_000_000 + 3_906, m.TimerDelay(VrrpTimer.MasterDown));
    }

    [Fact]
    public void V3_S2_A_failing_tracker_at_start_means_fault()
    {
        var m = new VrrpMachineHarness(V3());
        m.Start(faulted: true);
        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Empty(m.Effects.OfType<VrrpEffect.StartTimer>());
    }

    [Fact]
    public void V3_S3_A_backup_shutting_down_cancels_its_timer()
    {
        var m = Backup(V3());
        var fx = m.Step(new VrrpInput.Shutdown(m.Now));
        Assert.Contains(new VrrpEffect.CancelTimer(VrrpTimer.MasterDown), fx);
        Assert.Empty(fx.OfType<VrrpEffect.SendAdvert>());
        Assert.Equal(VrrpState.Stopped, m.State.State);
    }

    [Fact]
    public void V3_S4_Master_down_makes_a_backup_master()
    {
        var m = Backup(V3());
        var fx = m.Fire(VrrpTimer.MasterDown);
        Assert.Equal(new VrrpEffect.Transition(VrrpState.Backup, VrrpState.Master, VrrpReason.MasterDown), m.Single<VrrpEffect.Transition>());
        Assert.Equal(new VrrpEffect.SendAdvert(100), fx[0] is VrrpEffect.CancelTimer ? fx[1] : fx[0]);
        Assert.Single(fx.OfType<VrrpEffect.AcquireAddresses>());
    }

    [Fact]
    public void V3_S5_Priority_zero_from_the_master_shortens_the_wait_to_skew_time()
    {
        var m = Backup(V3());
        m.Now = 1_000_000;
        m.Advert(0);
        Assert.Equal(609_375, m.TimerDelay(VrrpTimer.MasterDown));
        Assert.Equal(1_609_375, m.State.MasterDownDeadline);
    }

    [Fact]
    public void V3_S6_A_higher_advert_restarts_the_wait_and_v3_adopts_the_masters_interval()
    {
        var m = Backup(V3());
        m.Now = 500_000;
        m.Advert(200, intervalCs: 50);
        Assert.Equal(3 * 500_000 + 156L * 50 * 625 / 16, m.TimerDelay(VrrpTimer.MasterDown));
        Assert.Equal(500_000, m.State.MasterAdverIntervalMicros);
        Assert.Equal(200, m.State.MasterPriority);
    }

    [Fact]
    public void V2_S1_Version_2_keeps_its_own_interval()
    {
        var m = Backup(V2());
        m.Advert(200, intervalCs: 300);
        Assert.Equal(3_609_375, m.TimerDelay(VrrpTimer.MasterDown));
        Assert.Equal(1_000_000, m.State.MasterAdverIntervalMicros);
    }

    [Fact]
    public void V3_S7_A_lower_advert_is_ignored_while_preempting_so_the_timer_runs_out()
    {
        var m = Backup(V3(priority: 150));
        long deadline = m.State.MasterDownDeadline;
        m.Now = 1_000_000;
        Assert.Empty(m.Advert(100));
        Assert.Equal(deadline, m.State.MasterDownDeadline);
        m.Fire(VrrpTimer.MasterDown);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void V3_S7_Preempting_a_live_lower_master_takes_the_addresses_before_telling_it()
    {
        var m = Backup(V3(priority: 150));
        m.Now = 1_000_000;
        m.Advert(100);                                              // the lower master is alive
        var fx = m.Fire(VrrpTimer.MasterDown);

        Assert.Equal(VrrpState.Master, m.State.State);
        var order = fx.Where(e => e is VrrpEffect.AcquireAddresses or VrrpEffect.SendAdvert or VrrpEffect.Announce).ToList();
        Assert.Collection(order,
            e => Assert.IsType<VrrpEffect.AcquireAddresses>(e),
            e => Assert.Equal(new VrrpEffect.SendAdvert(150) { AfterAcquisition = true }, e),
            e => Assert.IsType<VrrpEffect.Announce>(e));
        Assert.Equal(0, m.State.LowerMasterHeardAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void V3_S4_A_takeover_from_a_dead_master_tells_the_others_first(bool lowerHeardBeforeAHigherMaster)
    {
        var m = Backup(V3(priority: 150));
        if (lowerHeardBeforeAHigherMaster)
        {
            m.Now = 500_000;
            m.Advert(100);
            m.Now = 600_000;
            m.Advert(200);                                          // accepted: the lower one no longer counts
        }
        m.Fire(VrrpTimer.MasterDown);
        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Equal(new VrrpEffect.SendAdvert(150), m.Effects.First(e => e is VrrpEffect.AcquireAddresses or VrrpEffect.SendAdvert));
    }

    [Fact]
    public void V3_S7_Nopreempt_accepts_a_lower_master()
    {
        var m = Backup(V3(priority: 150) with { Preempt = false });
        m.Now = 1_000_000;
        m.Advert(100);
        Assert.Equal(1_000_000 + VrrpTimers.MasterDownMicros(3, 150, 1_000_000), m.State.MasterDownDeadline);
    }

    [Fact]
    public void V3_S7_Preempt_delay_accepts_a_lower_master_until_the_window_closes()
    {
        var m = Backup(V3(priority: 150) with { PreemptDelayMicros = 10_000_000 });
        m.Now = 1_000_000;
        m.Advert(100);                                                  // opens the window until 11 s
        Assert.Equal(11_000_000, m.State.PreemptDelayUntil);
        m.Now = 9_000_000;
        Assert.NotEmpty(m.Advert(100));                                 // still accepted
        m.Now = 11_000_001;
        Assert.Empty(m.Advert(100));                                    // window closed: ignored
        m.Advert(200);                                                  // a higher master closes the window
        Assert.Equal(0, m.State.PreemptDelayUntil);
    }

    [Fact]
    public void V3_S8_The_advert_timer_sends_and_restarts()
    {
        var m = Master(V3());
        var fx = m.Fire(VrrpTimer.Advert, 1_000_000);
        Assert.Equal(new VrrpEffect.SendAdvert(100), fx[0]);
        Assert.Equal(1_000_000, m.TimerDelay(VrrpTimer.Advert));
    }

    [Fact]
    public void V3_S9_A_master_shutting_down_sends_priority_zero_and_releases()
    {
        var m = Master(V3());
        var fx = m.Step(new VrrpInput.Shutdown(m.Now));
        Assert.Contains(new VrrpEffect.SendAdvert(0), fx);
        Assert.Single(fx.OfType<VrrpEffect.ReleaseAddresses>());
        Assert.Equal(VrrpState.Stopped, m.State.State);
        Assert.Equal(default, m.State.Timers);
    }

    [Fact]
    public void V3_S10_A_master_answers_priority_zero_at_once()
    {
        var m = Master(V3());
        var fx = m.Advert(0);
        Assert.Equal(new VrrpEffect.SendAdvert(100), fx[0]);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Theory]
    [InlineData(150, false, VrrpReason.HigherPriorityAdvert)]
    [InlineData(100, true, VrrpReason.EqualPriorityHigherAddress)]
    public void V3_S11_A_better_master_sends_us_to_backup_without_priority_zero(int priority, bool higherAddress, VrrpReason reason)
    {
        var m = Master(V3());
        var fx = m.Advert(priority, higherAddress ? Higher : Lower, intervalCs: 200);
        Assert.Equal(new VrrpEffect.Transition(VrrpState.Master, VrrpState.Backup, reason), m.Single<VrrpEffect.Transition>());
        Assert.Single(fx.OfType<VrrpEffect.ReleaseAddresses>());
        Assert.DoesNotContain(new VrrpEffect.SendAdvert(0), fx);
        Assert.Equal(2_000_000, m.State.MasterAdverIntervalMicros);
        Assert.Equal(0, m.State.Timers.Advert);
    }

    [Fact]
    public void V3_S11_Equal_priority_from_a_lower_address_loses_to_us()
    {
        var m = Master(V3());
        m.Advert(100, Lower);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Theory]
    [InlineData(VrrpProfile.Keepalived, false, true, false)]
    [InlineData(VrrpProfile.Keepalived, true, false, false)]
    [InlineData(VrrpProfile.Rfc5798, false, false, false)]
    [InlineData(VrrpProfile.Rfc9568, false, true, true)]
    public void V3_S12_A_lower_master_is_answered_per_profile(VrrpProfile profile, bool noAdvert, bool sends, bool restartsTimer)
    {
        var m = Master(V3() with { Profile = profile, LowerPriorityNoAdvert = noAdvert });
        var fx = m.Advert(50);
        Assert.Equal(sends, fx.Contains(new VrrpEffect.SendAdvert(100)));
        Assert.Equal(restartsTimer, fx.OfType<VrrpEffect.StartTimer>().Any(t => t.Timer == VrrpTimer.Advert));
        Assert.Contains(new VrrpEffect.LowerPriorityAdvertSeen(50), fx);
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void A_flood_of_lower_priority_adverts_is_answered_once_per_advert_interval()
    {
        var m = Master(V3());
        int answers = 0;
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 1000; i++)
                answers += m.Advert(50).Count(e => e is VrrpEffect.SendAdvert);
            Assert.Equal(round + 1, answers);
            var periodic = m.Fire(VrrpTimer.Advert);
            Assert.Contains(new VrrpEffect.SendAdvert(100), periodic);      // the periodic advert never depends on them
        }
        Assert.Equal(VrrpState.Master, m.State.State);
    }

    [Fact]
    public void V3_S13_The_owner_preempts_even_with_nopreempt()
    {
        var m = new VrrpMachineHarness(V3(priority: 255) with { Preempt = false, WantsMaster = true });
        m.Start();
        m.Step(new VrrpInput.FaultChanged(m.Now, true));
        m.Step(new VrrpInput.FaultChanged(m.Now, false));
        Assert.Equal(VrrpState.Backup, m.State.State);
        long deadline = m.State.MasterDownDeadline;
        Assert.Empty(m.Advert(200));                                    // a lower master is not followed
        Assert.Equal(deadline, m.State.MasterDownDeadline);
    }

    [Fact]
    public void V3_S13_Two_owners_are_reported_and_we_yield()
    {
        var m = new VrrpMachineHarness(V3(priority: 255));
        m.Start();
        var fx = m.Advert(255, Lower);
        Assert.Contains(fx, e => e is VrrpEffect.OwnerConflict);
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(254, m.State.EffectivePriority);
    }

    [Fact]
    public void Stale_timer_firings_are_ignored()
    {
        var m = Backup(V3());
        long old = m.State.Timers.MasterDown;
        m.Advert(200);                                                  // restarts the timer: new generation
        Assert.Empty(m.Step(new VrrpInput.TimerFired(m.Now, VrrpTimer.MasterDown, old)));
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Empty(m.Step(new VrrpInput.TimerFired(m.Now, VrrpTimer.Advert, 0)));
    }

    [Fact]
    public void Tracking_shifts_the_pending_expiry_by_the_change_of_the_down_interval()
    {
        var m = Backup(V2());                                           // deadline 3_609_375
        m.Now = 1_000_000;
        m.Step(new VrrpInput.PriorityChanged(m.Now, 200));
        long expected = 3_000_000 + 56 * 1_000_000 / 256;               // the down interval at 200
        Assert.Equal(expected, m.State.MasterDownDeadline);
        Assert.Equal(expected - 1_000_000, m.TimerDelay(VrrpTimer.MasterDown));
        m.Step(new VrrpInput.PriorityChanged(m.Now, 400));              // clamped to 254
        Assert.Equal(254, m.State.EffectivePriority);
    }

    [Fact]
    public void A_master_going_to_fault_sends_priority_zero_releases_and_comes_back_as_backup()
    {
        var m = Master(V3());
        var fx = m.Step(new VrrpInput.FaultChanged(m.Now, true));
        Assert.Contains(new VrrpEffect.SendAdvert(0), fx);
        Assert.Single(fx.OfType<VrrpEffect.ReleaseAddresses>());
        Assert.Equal(VrrpState.Fault, m.State.State);
        Assert.Empty(m.Advert(50));                                     // no part in elections while FAULT
        m.Step(new VrrpInput.FaultChanged(m.Now, false));
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.Equal(3_609_375, m.TimerDelay(VrrpTimer.MasterDown));
    }

    [Fact]
    public void A_sync_member_asks_its_group_instead_of_taking_over_and_keeps_waiting()
    {
        var m = Backup(V3() with { InSyncGroup = true });
        var fx = m.Fire(VrrpTimer.MasterDown);
        Assert.Contains(fx, e => e is VrrpEffect.WantMaster);
        Assert.Equal(VrrpState.Backup, m.State.State);
        Assert.NotEqual(0, m.State.Timers.MasterDown);
        m.Step(new VrrpInput.ForceState(m.Now, VrrpState.Master));
        Assert.Equal(VrrpState.Master, m.State.State);
        m.Step(new VrrpInput.ForceState(m.Now, VrrpState.Fault));
        Assert.Equal(VrrpState.Fault, m.State.State);
        m.Step(new VrrpInput.ForceState(m.Now, VrrpState.Backup));
        Assert.Equal(VrrpState.Backup, m.State.State);
    }

    [Fact]
    public void V3_A1_A_backup_never_holds_the_addresses()
    {
        var m = Backup(V3());
        foreach (var p in new[] { 200, 0, 50, 100 })
            Assert.DoesNotContain(m.Advert(p), e => e is VrrpEffect.AcquireAddresses or VrrpEffect.Announce);
    }

    [Fact]
    public void V3_A2_V3_A5_A_master_acquires_before_it_announces_and_repeats_after_the_garp_delay()
    {
        var m = Backup(V3() with { GarpRefreshMicros = 60_000_000, GarpRefreshRepeat = 2 });
        var fx = m.Fire(VrrpTimer.MasterDown).ToList();
        Assert.True(fx.FindIndex(e => e is VrrpEffect.AcquireAddresses) < fx.FindIndex(e => e is VrrpEffect.Announce));
        Assert.Equal(new VrrpEffect.Announce(5), m.Fire(VrrpTimer.GarpDelay, 5_000_000).Single());
        var refresh = m.Fire(VrrpTimer.GarpRefresh, 55_000_000);
        Assert.Contains(new VrrpEffect.Announce(2), refresh);
        Assert.Equal(60_000_000, m.TimerDelay(VrrpTimer.GarpRefresh));
    }
}

using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The promise behind the timer thread's steady adverts (<see cref="AdvertPacer"/>): when
/// <see cref="VrrpMachine.AdvertRepeatsHarmlessly"/> says yes, the advert timer's expiry does nothing but send an
/// advert at the current priority and restart the timer — so sending the same advert without the machine loses
/// nothing, and the machine's pending timer generation stays the one to fire.</summary>
public sealed class VrrpMachineAdvertRepeatTests
{
    private static IEnumerable<VrrpSettings> AllSettings()
    {
        foreach (var version in new[] { 2, 3 })
        foreach (var priority in new[] { 1, 100, 254, 255 })
        foreach (var preempt in new[] { true, false })
        foreach (var sync in new[] { false, true })
        {
            var s = version == 2 ? V2(priority, wantsMaster: priority == 255) : V3(priority);
            yield return s with { Preempt = preempt, InSyncGroup = sync };
        }
    }

    /// <summary>Masters in different histories.</summary>
    private static IEnumerable<(string History, VrrpMachineHarness Machine)> Masters(VrrpSettings settings)
    {
        VrrpMachineHarness Fresh()
        {
            var m = new VrrpMachineHarness(settings);
            m.Start();
            if (m.State.State == VrrpState.Backup)
                m.Fire(VrrpTimer.MasterDown);
            return m;
        }
        var fresh = Fresh();
        if (fresh.State.State != VrrpState.Master)
            yield break;
        yield return ("fresh", fresh);
        var answered = Fresh();
        answered.Now += 10_000;
        answered.Advert(Math.Max(1, settings.Priority - 1), Lower);
        yield return ("answered a lower priority", answered);
        var answeredThenTicked = Fresh();
        answeredThenTicked.Now += 10_000;
        answeredThenTicked.Advert(Math.Max(1, settings.Priority - 1), Lower);
        answeredThenTicked.Fire(VrrpTimer.Advert, settings.AdvertIntervalMicros);
        yield return ("answered, then its advert went", answeredThenTicked);
        var tracked = Fresh();
        tracked.Step(new VrrpInput.PriorityChanged(tracked.Now, Math.Max(1, settings.Priority - 20)));
        yield return ("tracker lowered it", tracked);
        var resigned = Fresh();
        resigned.Step(new VrrpInput.Resign(resigned.Now));
        yield return ("resigned", resigned);
        var faulted = Fresh();
        faulted.Step(new VrrpInput.FaultChanged(faulted.Now, true));
        yield return ("faulted", faulted);
    }

    [Fact]
    public void Whenever_it_says_the_advert_repeats_harmlessly_the_advert_timer_only_sends_it_and_restarts()
    {
        int promised = 0, refused = 0;
        foreach (var settings in AllSettings())
        foreach (var (history, m) in Masters(settings))
        foreach (var late in new[] { 0L, 1, 300_000 })
        {
            if (!VrrpMachine.AdvertRepeatsHarmlessly(m.State))
            {
                refused++;
                continue;
            }
            promised++;
            var before = m.State;
            var fx = m.Fire(VrrpTimer.Advert, settings.AdvertIntervalMicros + late);
            string what = $"v{settings.Version} prio {settings.Priority} preempt {settings.Preempt} sync {settings.InSyncGroup}, {history}, {late} µs late";
            Assert.Equal(2, fx.Count);
            Assert.Equal(new VrrpEffect.SendAdvert(before.EffectivePriority), fx[0]);
            var restart = Assert.IsType<VrrpEffect.StartTimer>(fx[1]);
            Assert.Equal((VrrpTimer.Advert, settings.AdvertIntervalMicros), (restart.Timer, restart.DelayMicros));
            var after = m.State;
            Assert.Equal(before with { Timers = after.Timers, NextGeneration = after.NextGeneration }, after);
            Assert.Equal(before.Timers with { Advert = after.Timers.Advert }, after.Timers);
            Assert.True(VrrpMachine.AdvertRepeatsHarmlessly(after), what + ": the promise must hold after the advert too");
        }
        Assert.True(promised > 50, $"only {promised} cases promised");
        Assert.True(refused > 50, $"only {refused} cases refused");
    }

    [Theory]
    [InlineData("fresh", true)]
    [InlineData("answered a lower priority", false)]
    [InlineData("answered, then its advert went", true)]
    [InlineData("tracker lowered it", true)]
    [InlineData("resigned", false)]
    [InlineData("faulted", false)]
    public void It_says_yes_only_for_a_master_with_nothing_pending_but_its_next_advert(string history, bool harmless)
    {
        var (_, m) = Masters(V3(100)).Single(h => h.History == history);
        Assert.Equal(harmless, VrrpMachine.AdvertRepeatsHarmlessly(m.State));
    }

    [Fact]
    public void A_backup_never_has_a_harmless_advert()
    {
        var m = Backup(V3(100));
        m.Advert(150);
        Assert.False(VrrpMachine.AdvertRepeatsHarmlessly(m.State));
    }
}

using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary><see cref="VrrpMachine.RepeatsHarmlessly"/>: the promise the receive side's shortcut rests on — when it
/// says yes, handling the same advert again at any later time only restarts the master-down timer.</summary>
public sealed class VrrpMachineRepeatTests
{
    private static readonly int[] Priorities = [0, 1, 99, 100, 101, 150, 254, 255];
    private static readonly int[] Intervals = [100, 200];
    private static readonly long[] RepeatAfter = [1, 1_000, 999_000, 3_000_000, 60_000_000];

    private static IEnumerable<VrrpSettings> AllSettings()
    {
        foreach (var version in new[] { 2, 3 })
        foreach (var priority in new[] { 100, 254 })
        foreach (var preempt in new[] { true, false })
        foreach (var delay in new[] { 0L, 5_000_000L })
        foreach (var sync in new[] { false, true })
        {
            var s = version == 2 ? V2(priority) : V3(priority);
            yield return s with { Preempt = preempt, PreemptDelayMicros = delay, InSyncGroup = sync };
        }
    }

    /// <summary>Backups in different histories: fresh, after a lower master opened a preempt-delay window, after a
    /// tracker lowered the priority.</summary>
    private static IEnumerable<VrrpMachineHarness> Backups(VrrpSettings settings)
    {
        yield return Backup(settings);
        var windowed = Backup(settings);
        windowed.Now += 10_000;
        windowed.Advert(50);
        yield return windowed;
        var lowered = Backup(settings);
        lowered.Step(new VrrpInput.PriorityChanged(lowered.Now, 60));
        if (lowered.State.State == VrrpState.Backup)
            yield return lowered;
    }

    [Fact]
    public void Whenever_it_says_a_repeat_is_harmless_a_repeat_at_any_later_time_only_restarts_the_master_down_timer()
    {
        int promised = 0;
        foreach (var settings in AllSettings())
        foreach (var priority in Priorities)
        foreach (var interval in Intervals)
        foreach (var after in RepeatAfter)
        foreach (var m in Backups(settings))
        {
            m.Now += 20_000;
            var first = new VrrpInput.AdvertReceived(m.Now, priority, interval, Higher);
            m.Step(first);
            if (!VrrpMachine.RepeatsHarmlessly(m.State, first, settings))
                continue;
            promised++;
            var before = m.State;
            m.Now += after;
            var fx = m.Step(first with { Now = m.Now });
            string what = $"v{settings.Version} prio {settings.Priority} preempt {settings.Preempt} delay {settings.PreemptDelayMicros} sync {settings.InSyncGroup}; advert {priority}/{interval} again after {after} µs";
            Assert.True(fx.All(e => e is VrrpEffect.StartTimer { Timer: VrrpTimer.MasterDown } || (settings.InSyncGroup && e is VrrpEffect.MasterSeen)), what + ": " + string.Join(", ", fx));
            Assert.Single(fx.OfType<VrrpEffect.StartTimer>());
            var a = m.State;
            Assert.Equal(before with { Timers = a.Timers, NextGeneration = a.NextGeneration, MasterDownDeadline = a.MasterDownDeadline }, a);
            Assert.Equal(m.Now + m.TimerDelay(VrrpTimer.MasterDown), a.MasterDownDeadline);
            Assert.True(VrrpMachine.RepeatsHarmlessly(a, first with { Now = m.Now }, settings), what + ": the promise must hold for the repeat too");
        }
        Assert.True(promised > 100, $"only {promised} cases promised: the table does not exercise the shortcut");
    }

    public static TheoryData<string, bool> Cases => new()
    {
        { "the master's advert, higher priority", true },
        { "the master's advert, equal priority", true },
        { "priority 0: the master is leaving", false },
        { "a lower master while we may preempt", false },
        { "a lower master without preemption", true },
        { "a lower master without preemption but with a preempt delay", false },
        { "a lower master inside the preempt-delay window", false },
        { "a v3 master changing its interval", true },
        { "as MASTER, a lower router", false },
        { "resigning", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void It_says_yes_only_for_a_backup_accepting_its_master_by_priority_or_for_want_of_preemption(string situation, bool harmless)
    {
        var settings = V3(100);
        var m = Backup(situation switch
        {
            "a lower master without preemption" => settings with { Preempt = false },
            "a lower master without preemption but with a preempt delay" => settings with { Preempt = false, PreemptDelayMicros = 1_000_000 },
            "a lower master inside the preempt-delay window" => settings with { PreemptDelayMicros = 5_000_000 },
            _ => settings,
        });
        if (situation.StartsWith("as MASTER", StringComparison.Ordinal))
            m.Fire(VrrpTimer.MasterDown);
        if (situation == "resigning")
            m.Step(new VrrpInput.Resign(m.Now));
        int priority = situation switch
        {
            "the master's advert, equal priority" => 100,
            "priority 0: the master is leaving" => 0,
            _ when situation.Contains("lower", StringComparison.Ordinal) => 50,
            _ => 150,
        };
        int interval = situation == "a v3 master changing its interval" ? 50 : 100;
        m.Now += 1_000;
        var advert = new VrrpInput.AdvertReceived(m.Now, priority, interval, Higher);
        m.Step(advert);

        Assert.Equal(harmless, VrrpMachine.RepeatsHarmlessly(m.State, advert, m.Settings));
    }
}

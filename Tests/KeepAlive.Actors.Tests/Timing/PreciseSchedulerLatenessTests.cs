using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Timing;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>The scheduler records the lateness of every fired deadline in its histogram
/// (keepalive_timer_lateness_seconds): exactly on a virtual clock, and as a measured distribution on the real one.</summary>
public sealed class PreciseSchedulerLatenessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void A_deadline_fired_3_ms_late_lands_in_the_5_ms_bucket()
    {
        var clock = new ManualDeadlineWaiter();
        using var scheduler = new PreciseScheduler(Akka.Configuration.Config.Empty, NoLogger.Instance, clock);
        clock.WaitIdle();
        int fired = 0;
        ((IScheduler)scheduler).Advanced.ScheduleOnce(100 * Ms, () => Interlocked.Increment(ref fired));
        ((IScheduler)scheduler).Advanced.ScheduleOnce(103 * Ms, () => Interlocked.Increment(ref fired));
        clock.AdvanceAndSettle(103 * Ms);                        // one step: the first is 3 ms late, the second on time
        Assert.Equal(2, fired);
        var h = scheduler.Lateness.Snapshot();
        Assert.Equal(2, h.Count);
        int onTime = 0, late = h.UpperBounds.IndexOf(0.005);
        Assert.Equal(1, h.Counts[onTime]);
        Assert.Equal(1, h.Counts[late]);
        Assert.Equal(0.003, h.SumSeconds, 6);
    }

    [Fact]
    public void On_the_real_clock_every_firing_is_recorded()
    {
        using var scheduler = new PreciseScheduler(Akka.Configuration.Config.Empty, NoLogger.Instance, new ManagedDeadlineWaiter());
        const int Timers = 200;
        using var done = new CountdownEvent(Timers);
        for (int i = 0; i < Timers; i++)
            ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(2 + i * 2), () => done.Signal());
        Assert.True(done.Wait(TimeSpan.FromSeconds(30)), "the timers fired");
        var h = scheduler.Lateness.Snapshot();
        Assert.Equal(Timers, h.Count);
        long cumulative = 0;
        var lines = new List<string>();
        for (int k = 0; k < h.UpperBounds.Length; k++)
        {
            cumulative += h.Counts[k];
            lines.Add($"≤{h.UpperBounds[k].ToString(CultureInfo.InvariantCulture)} s: {cumulative}");
        }
        output.WriteLine($"{Timers} deadlines, mean lateness {h.SumSeconds / Timers * 1e6:0} µs; cumulative: {string.Join(", ", lines)}; above 1 s: {h.Counts[^1]}");
        Assert.Equal(0, h.Counts[^1]);                            // none a whole second late, even on a loaded machine
    }
}

using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>vrrp-rules.md "Timers", with keepalived 2.2.7's integer arithmetic (include/vrrp.h).</summary>
public class VrrpTimersTests
{
    [Theory]
    [InlineData(100, 100, 609_375, 3_609_375)]   // 1 s, priority 100: skew 609.375 ms, down 3609.375 ms
    [InlineData(200, 100, 218_750, 3_218_750)]   // FRR would say 210/3210 (centisecond truncation); keepalived does not
    [InlineData(254, 100, 7_812, 3_007_812)]
    [InlineData(100, 10, 60_937, 360_937)]       // 0.1 s
    [InlineData(100, 1, 6_093, 36_093)]          // 10 ms
    [InlineData(1, 4095, 40_790_039, 163_640_039)]
    public void V3_T1_V3_T2_Skew_and_master_down_from_the_master_interval(int priority, int intervalCs, long skew, long down)
    {
        long interval = VrrpTimers.CentisecondsToMicros(intervalCs);
        Assert.Equal(skew, VrrpTimers.SkewMicros(3, priority, interval));
        Assert.Equal(down, VrrpTimers.MasterDownMicros(3, priority, interval));
    }

    [Theory]
    [InlineData(100, 1, 609_375, 3_609_375)]
    [InlineData(100, 2, 609_375, 6_609_375)]     // v2 skew does not grow with the interval (RFC 3768 §6.1)
    [InlineData(254, 1, 7_812, 3_007_812)]       // keepalived-reference §3.3: 3.008 s
    [InlineData(1, 255, 996_093, 765_996_093)]
    public void V2_T1_Skew_in_whole_256ths_of_a_second_and_the_local_interval(int priority, int intervalSeconds, long skew, long down)
    {
        long interval = intervalSeconds * VrrpTimers.MicrosPerSecond;
        Assert.Equal(skew, VrrpTimers.SkewMicros(2, priority, interval));
        Assert.Equal(down, VrrpTimers.MasterDownMicros(2, priority, interval));
    }

    [Fact]
    public void Down_timer_adverts_replaces_the_three()
    {
        Assert.Equal(5 * 1_000_000 + 609_375, VrrpTimers.MasterDownMicros(2, 100, 1_000_000, downTimerAdverts: 5));
    }

    [Fact]
    public void Minimal_skew_is_one_256th()
    {
        Assert.Equal(3_906, VrrpTimers.MinimumSkewMicros(2, 1_000_000));
        Assert.Equal(3_906, VrrpTimers.MinimumSkewMicros(3, 1_000_000));
    }

    [Theory]
    [InlineData(100, new[] { -20, 30 }, 110)]
    [InlineData(100, new[] { -200 }, 1)]
    [InlineData(200, new[] { 100 }, 254)]
    [InlineData(255, new[] { -100 }, 255)]
    [InlineData(100, new int[0], 100)]
    public void Effective_priority_is_clamped_to_1_254_and_the_owner_never_moves(int configured, int[] weights, int expected) =>
        Assert.Equal(expected, EffectivePriority.Compute(configured, weights.Select((w, i) => new PriorityContribution($"t{i}", w))));
}

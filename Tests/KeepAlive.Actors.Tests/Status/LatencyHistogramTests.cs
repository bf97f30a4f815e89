using System.Collections.Immutable;
using System.Diagnostics;
using KeepAlive.Actors.Status;

namespace KeepAlive.Actors.Tests.Status;

/// <summary>The lock-free histogram behind keepalive_timer_lateness_seconds and keepalive_kernel_op_duration_seconds.</summary>
public class LatencyHistogramTests
{
    private static readonly ImmutableArray<double> Bounds = [0.001, 0.01, 0.1];

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(-5.0, 0)]                  // a clock step backwards counts as no lateness
    [InlineData(0.0005, 0)]
    [InlineData(0.001, 0)]                 // le: a value equal to the bound is in that bucket
    [InlineData(0.0011, 1)]
    [InlineData(0.05, 2)]
    [InlineData(0.1, 2)]
    [InlineData(0.2, 3)]                   // above every bound: +Inf only
    [InlineData(1e9, 3)]
    public void Each_observation_lands_in_the_first_bucket_whose_bound_it_does_not_exceed(double seconds, int bucket)
    {
        var h = new LatencyHistogram(Bounds);
        h.ObserveTicks(Ticks(seconds));
        var s = h.Snapshot();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => i == bucket ? 1L : 0L), s.Counts);
        Assert.Equal(1, s.Count);
        Assert.Equal(Math.Max(0, seconds), s.SumSeconds, 3);
    }

    [Fact]
    public void Concurrent_writers_lose_nothing()
    {
        var h = new LatencyHistogram(Bounds);
        Parallel.For(0, 8, w =>
        {
            for (int i = 0; i < 10_000; i++)
                h.ObserveTicks(Ticks(0.005));
        });
        var s = h.Snapshot();
        Assert.Equal(80_000, s.Count);
        Assert.Equal(80_000, s.Counts[1]);
        Assert.Equal(400, s.SumSeconds, 0);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new[] { 0.0 })]
    [InlineData(new[] { -1.0 })]
    [InlineData(new[] { 0.1, 0.1 })]
    [InlineData(new[] { 0.2, 0.1 })]
    [InlineData(new[] { double.NaN })]
    [InlineData(new[] { double.PositiveInfinity })]
    public void Bad_bounds_are_refused(double[] bounds) => Assert.Throws<ArgumentException>(() => new LatencyHistogram([.. bounds]));
}

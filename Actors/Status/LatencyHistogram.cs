using System.Collections.Immutable;
using System.Diagnostics;

namespace KeepAlive.Actors.Status;

/// <summary>
/// A fixed-bucket duration histogram that any thread may write without a lock: one <see cref="Interlocked"/>
/// increment per observation plus one add to the sum. Readers take a <see cref="Snapshot"/> (each bucket read
/// atomically; a snapshot taken while writers run may be off by the observations in flight, as any Prometheus client's).
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds for timer lateness and kernel operations: 50 µs to 1 s.</summary>
    public static ImmutableArray<double> DefaultBounds { get; } =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0];

    private readonly ImmutableArray<double> _bounds;
    private readonly long[] _boundTicks;
    private readonly long[] _counts;
    private long _sumTicks;

    /// <summary>A histogram with these strictly increasing, positive, finite upper bounds (seconds); +Inf is implicit.</summary>
    public LatencyHistogram(ImmutableArray<double> bounds)
    {
        if (bounds.IsDefaultOrEmpty)
            throw new ArgumentException("a histogram needs at least one bucket bound", nameof(bounds));
        for (int i = 0; i < bounds.Length; i++)
        {
            if (!double.IsFinite(bounds[i]) || bounds[i] <= 0 || (i > 0 && bounds[i] <= bounds[i - 1]))
                throw new ArgumentException($"bucket bounds must be positive, finite and increasing (bound {i} is {bounds[i]})", nameof(bounds));
        }
        _bounds = bounds;
        _boundTicks = bounds.Select(b => (long)Math.Ceiling(b * Stopwatch.Frequency)).ToArray();
        _counts = new long[bounds.Length + 1];
    }

    /// <summary>A histogram with <see cref="DefaultBounds"/>.</summary>
    public LatencyHistogram()
        : this(DefaultBounds)
    {
    }

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks (negative durations count as 0).</summary>
    public void ObserveTicks(long ticks)
    {
        if (ticks < 0)
            ticks = 0;
        int i = Array.BinarySearch(_boundTicks, ticks);
        if (i < 0)
            i = ~i;                                           // the first bound above: ticks ≤ bound
        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumTicks, ticks);
    }

    /// <summary>Records the time elapsed since a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public void ObserveSince(long startTimestamp) => ObserveTicks(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>The counts now.</summary>
    public HistogramSnapshot Snapshot()
    {
        var counts = new long[_counts.Length];
        for (int i = 0; i < counts.Length; i++)
            counts[i] = Interlocked.Read(ref _counts[i]);
        return new HistogramSnapshot(_bounds, [.. counts], (double)Interlocked.Read(ref _sumTicks) / Stopwatch.Frequency);
    }
}

/// <summary>A histogram's counts at one moment.</summary>
/// <param name="UpperBounds">Bucket upper bounds in seconds (without +Inf).</param>
/// <param name="Counts">Observations per bucket, not cumulative; one more than the bounds (the last is above every bound).</param>
/// <param name="SumSeconds">The sum of every observation.</param>
public sealed record HistogramSnapshot(ImmutableArray<double> UpperBounds, ImmutableArray<long> Counts, double SumSeconds)
{
    /// <summary>Every observation.</summary>
    public long Count => Counts.Sum();

    /// <summary>An empty histogram over <paramref name="bounds"/>.</summary>
    public static HistogramSnapshot Empty(ImmutableArray<double> bounds) => new(bounds, [.. new long[bounds.Length + 1]], 0);
}

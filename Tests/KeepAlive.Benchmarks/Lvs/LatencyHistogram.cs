using System.Diagnostics;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// A lock-free log-linear histogram of durations in microseconds (32 sub-buckets per power of two: about 3 %
/// resolution), so that recording 10,000 checks a second allocates nothing and costs a few nanoseconds. The maximum is
/// kept exactly.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 5;
    private const int Sub = 1 << SubBits;
    private readonly long[] _counts = new long[Sub * 40];
    private long _max;
    private long _total;
    private long _sum;

    public long Count => Interlocked.Read(ref _total);

    public void ObserveSince(long startTimestamp) =>
        ObserveMicroseconds((Stopwatch.GetTimestamp() - startTimestamp) * 1_000_000 / Stopwatch.Frequency);

    public void ObserveMicroseconds(long us)
    {
        if (us < 0)
            us = 0;
        Interlocked.Increment(ref _counts[Index(us)]);
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _sum, us);
        long seen;
        while (us > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, us, seen) != seen)
        {
        }
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Interlocked.Exchange(ref _max, 0);
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _sum, 0);
    }

    /// <summary>The upper bound of the bucket holding quantile <paramref name="q"/>, in milliseconds.</summary>
    public double QuantileMs(double q)
    {
        long total = Count;
        if (total == 0)
            return double.NaN;
        long rank = (long)Math.Ceiling(q * total), seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
                return Math.Min(UpperBound(i), Interlocked.Read(ref _max)) / 1000.0;
        }
        return MaxMs;
    }

    public double MaxMs => Interlocked.Read(ref _max) / 1000.0;

    /// <summary>The exact mean, in milliseconds.</summary>
    public double MeanMs => Count == 0 ? double.NaN : Interlocked.Read(ref _sum) / 1000.0 / Count;

    public string Summary() => $"mean {MeanMs,8:F3}  p50 {QuantileMs(0.5),8:F3}  p99 {QuantileMs(0.99),8:F3}  p99.9 {QuantileMs(0.999),8:F3}  max {MaxMs,8:F3} ms  (n={Count})";

    private static int Index(long us)
    {
        if (us < Sub)
            return (int)us;
        int power = 63 - (int)long.LeadingZeroCount(us);
        int index = Sub + (power - SubBits) * Sub + (int)((us >> (power - SubBits)) - Sub);
        return Math.Min(index, Sub * 40 - 1);
    }

    private static long UpperBound(int index)
    {
        if (index < Sub)
            return index;
        int power = (index - Sub) / Sub + SubBits;
        long sub = (index - Sub) % Sub + Sub;
        return ((sub + 1) << (power - SubBits)) - 1;
    }
}

using System.Diagnostics;

namespace KeepAlive.Kernel.Ports;

/// <summary>
/// The portable <see cref="IDeadlineWaiter"/>: no syscalls of its own, so it serves tests and non-Linux hosts.
/// Managed waits (Monitor.Wait) take whole milliseconds. With <c>spinBelow</c> = 0 it rounds the wait up and never
/// spins (never early, up to ~1 ms late plus wake-up latency). With <c>spinBelow</c> &gt; 0 it waits whole
/// milliseconds while more than <c>spinBelow</c> + 1 ms remain, then spins (yielding) to the deadline: precise, at the
/// cost of a busy core for up to <c>spinBelow</c> + 1 ms before every deadline.
/// </summary>
public sealed class ManagedDeadlineWaiter : IDeadlineWaiter
{
    private static readonly long TicksPerMillisecond = Stopwatch.Frequency / 1000;
    private readonly object _gate = new();
    private readonly long _spinBelow;
    private bool _woken;

    /// <summary>A waiter that spins for the last <paramref name="spinBelow"/> (+ up to 1 ms); zero never spins.</summary>
    public ManagedDeadlineWaiter(TimeSpan spinBelow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spinBelow, TimeSpan.Zero);
        _spinBelow = (long)(spinBelow.TotalSeconds * Stopwatch.Frequency);
        Name = spinBelow == TimeSpan.Zero ? "managed-wait" : $"managed-wait+spin{spinBelow.TotalMicroseconds:0}us";
    }

    /// <summary>The default: spin for the last 200 µs (+ up to 1 ms).</summary>
    public ManagedDeadlineWaiter() : this(TimeSpan.FromMicroseconds(200)) { }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long GetTimestamp() => Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public string PrepareWaitingThread()
    {
        Thread.CurrentThread.Priority = ThreadPriority.Highest;
        return $"{Name}: managed thread priority Highest (no OS tuning)";
    }

    /// <inheritdoc />
    public bool WaitUntil(long deadline)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            long left = deadline - Stopwatch.GetTimestamp();
            lock (_gate)
            {
                if (_woken)
                {
                    _woken = false;
                    return true;
                }
                if (left <= 0)
                    return false;
                if (_spinBelow == 0 || left >= _spinBelow + TicksPerMillisecond)
                {
                    Monitor.Wait(_gate, WaitMilliseconds(left));
                    continue;
                }
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    private int WaitMilliseconds(long left)
    {
        if (left >= (long)int.MaxValue * TicksPerMillisecond)
            return Timeout.Infinite;
        return _spinBelow == 0
            ? (int)((left + TicksPerMillisecond - 1) / TicksPerMillisecond)
            : (int)((left - _spinBelow) / TicksPerMillisecond);
    }

    /// <inheritdoc />
    public void Wake()
    {
        lock (_gate)
        {
            _woken = true;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Nothing to release: no OS handles.</summary>
    public void Dispose() { }
}

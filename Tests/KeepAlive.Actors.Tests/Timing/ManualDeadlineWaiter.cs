using System.Diagnostics;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>An <see cref="IDeadlineWaiter"/> on a hand-driven clock, so the real <c>PreciseScheduler</c> thread runs
/// in virtual time: <see cref="Advance"/> moves the clock, <see cref="WaitIdle"/> blocks until the timer thread has
/// run everything due and parked again.</summary>
public sealed class ManualDeadlineWaiter : IDeadlineWaiter
{
    private readonly object _gate = new();
    private long _now = 1_000_000;
    private long _version;
    private bool _woken;
    private bool _parked;
    private long _parkedVersion = -1;

    public string Name => "manual";

    public int Wakes { get; private set; }

    public long GetTimestamp()
    {
        lock (_gate)
            return _now;
    }

    public string PrepareWaitingThread() => "manual clock";

    public bool WaitUntil(long deadline)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_woken)
                {
                    _woken = false;
                    _parked = false;
                    return true;
                }
                if (_now >= deadline)
                {
                    _parked = false;
                    return false;
                }
                _parked = true;
                _parkedVersion = _version;
                Monitor.PulseAll(_gate);
                Monitor.Wait(_gate);
            }
        }
    }

    public void Wake()
    {
        lock (_gate)
        {
            _woken = true;
            Wakes++;
            Monitor.PulseAll(_gate);
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
            _version++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Advances, then waits until the timer thread is parked again with nothing due.</summary>
    public void AdvanceAndSettle(TimeSpan by)
    {
        Advance(by);
        WaitIdle();
    }

    public void WaitIdle()
    {
        var limit = Stopwatch.StartNew();
        lock (_gate)
        {
            while (!(_parked && _parkedVersion == _version && !_woken))
            {
                var left = TimeSpan.FromSeconds(10) - limit.Elapsed;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                    throw new TimeoutException("the timer thread did not settle");
            }
        }
    }

    public void Dispose() { }
}

using KeepAlive.Kernel.Ports;
using Tmds.Linux;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// An <see cref="IDeadlineWaiter"/> around <c>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)</c> (the conformance
/// probe's thread). The sleep itself cannot be interrupted, so the far part of a wait is a poll(2) on an eventfd
/// (the wake) with a millisecond timeout ending 1–2 ms before the deadline; the last stretch is the absolute
/// nanosleep. Trade-off: a wake in that last stretch is seen only at the deadline (a new earlier timer can be up to
/// ~2 ms late). <see cref="TimerFdDeadlineWaiter"/> has no such window.
/// </summary>
public sealed unsafe class NanosleepDeadlineWaiter : IDeadlineWaiter
{
    private const long Millisecond = 1_000_000;
    private readonly FileDescriptorHandle _wake;
    private readonly int _realTimePriority;

    /// <summary>Opens the eventfd; throws <see cref="PlatformNotSupportedException"/> when it cannot, or when Stopwatch
    /// is not CLOCK_MONOTONIC.</summary>
    public NanosleepDeadlineWaiter(int realTimePriority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(realTimePriority);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(realTimePriority, 99);
        TimingNative.EnsureStopwatchIsMonotonicNanoseconds();
        _realTimePriority = realTimePriority;
        int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (efd < 0)
            throw new PlatformNotSupportedException($"eventfd: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        _wake = new FileDescriptorHandle(efd);
        Name = realTimePriority > 0 ? $"nanosleep+rr{realTimePriority}" : "nanosleep";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long GetTimestamp() => Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public string PrepareWaitingThread() => TimerThreadTuning.Apply(Name, _realTimePriority);

    /// <inheritdoc />
    public bool WaitUntil(long deadline)
    {
        bool added = false;
        try
        {
            if (!_wake.TryAcquire(ref added, out int efd))
                throw new ObjectDisposedException(nameof(NanosleepDeadlineWaiter));
            while (true)
            {
                if (EventFdSignal.Drain(efd))
                    return true;
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0)
                    return false;
                if (left >= 2 * Millisecond)
                {
                    long ms = deadline == long.MaxValue ? -1 : Math.Min(int.MaxValue, left / Millisecond - 1);
                    var pfd = default(pollfd);
                    pfd.fd = efd;
                    pfd.events = LibC.POLLIN;
                    int ready = LibC.poll(&pfd, 1, (int)ms);
                    int errno = Marshal.GetLastPInvokeError();
                    if (ready < 0 && errno != Errno.EINTR)
                        throw new InvalidOperationException($"poll: {Marshal.GetPInvokeErrorMessage(errno)}");
                    continue;
                }
                var at = TimingNative.Timespec.FromNanoseconds(deadline);
                int rc = TimingNative.clock_nanosleep(TimingNative.CLOCK_MONOTONIC, TimingNative.TIMER_ABSTIME, &at, null);
                if (rc != 0 && rc != Errno.EINTR)
                    throw new InvalidOperationException($"clock_nanosleep: {Marshal.GetPInvokeErrorMessage(rc)}");
            }
        }
        finally
        {
            if (added)
                _wake.DangerousRelease();
        }
    }


    /// <inheritdoc />
    public void Wake() => EventFdSignal.Signal(_wake);

    /// <summary>Closes the eventfd; a later <see cref="Wake"/> does nothing.</summary>
    public void Dispose() => _wake.Dispose();
}

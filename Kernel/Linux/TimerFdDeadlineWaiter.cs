using KeepAlive.Kernel.Ports;
using Tmds.Linux;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The precise, interruptible <see cref="IDeadlineWaiter"/>: a timerfd (CLOCK_MONOTONIC, armed with the absolute
/// deadline, nanosecond resolution) and an eventfd (the wake) under one poll(2). A new earlier deadline interrupts the
/// wait at once. Optional SCHED_RR for the waiting thread (realTimePriority 1–99; 0 = none).
/// </summary>
public sealed unsafe class TimerFdDeadlineWaiter : IDeadlineWaiter
{
    private readonly FileDescriptorHandle _timer;
    private readonly FileDescriptorHandle _wake;
    private readonly int _realTimePriority;

    /// <summary>Opens the timerfd and eventfd; throws <see cref="PlatformNotSupportedException"/> when either cannot
    /// be created or Stopwatch is not CLOCK_MONOTONIC.</summary>
    public TimerFdDeadlineWaiter(int realTimePriority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(realTimePriority);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(realTimePriority, 99);
        TimingNative.EnsureStopwatchIsMonotonicNanoseconds();
        _realTimePriority = realTimePriority;
        int tfd = TimingNative.timerfd_create(TimingNative.CLOCK_MONOTONIC, TimingNative.TFD_CLOEXEC | TimingNative.TFD_NONBLOCK);
        if (tfd < 0)
            throw new PlatformNotSupportedException($"timerfd_create: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        _timer = new FileDescriptorHandle(tfd);
        int efd = LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (efd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            _timer.Dispose();
            throw new PlatformNotSupportedException($"eventfd: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        _wake = new FileDescriptorHandle(efd);
        Name = realTimePriority > 0 ? $"timerfd+rr{realTimePriority}" : "timerfd";
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
        bool timerAdded = false, wakeAdded = false;
        try
        {
            if (!_timer.TryAcquire(ref timerAdded, out int tfd) || !_wake.TryAcquire(ref wakeAdded, out int efd))
                throw new ObjectDisposedException(nameof(TimerFdDeadlineWaiter));
            if (EventFdSignal.Drain(efd))
                return true;
            bool armed = deadline != long.MaxValue;
            if (armed)
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                    return false;
                var spec = new TimingNative.Itimerspec { Value = TimingNative.Timespec.FromNanoseconds(deadline) };
                if (TimingNative.timerfd_settime(tfd, TimingNative.TFD_TIMER_ABSTIME, &spec, null) != 0)
                    throw new InvalidOperationException($"timerfd_settime: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
            var fds = stackalloc pollfd[2];
            fds[0].fd = efd;
            fds[0].events = LibC.POLLIN;
            fds[1].fd = tfd;
            fds[1].events = LibC.POLLIN;
            while (true)
            {
                fds[0].revents = 0;
                fds[1].revents = 0;
                int ready = LibC.poll(fds, armed ? 2u : 1u, -1);
                if (ready > 0)
                    break;
                int errno = Marshal.GetLastPInvokeError();
                if (ready < 0 && errno != Errno.EINTR)
                    throw new InvalidOperationException($"poll: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            EventFdSignal.Drain(tfd);
            if (EventFdSignal.Drain(efd))
                return true;
            // The timerfd fired: the kernel compared against CLOCK_MONOTONIC, the clock Stopwatch reads.
            return Stopwatch.GetTimestamp() < deadline;
        }
        finally
        {
            if (timerAdded)
                _timer.DangerousRelease();
            if (wakeAdded)
                _wake.DangerousRelease();
        }
    }


    /// <inheritdoc />
    public void Wake() => EventFdSignal.Signal(_wake);

    /// <summary>Closes both descriptors; a later <see cref="Wake"/> does nothing.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        _wake.Dispose();
    }
}

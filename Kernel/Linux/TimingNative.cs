using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KeepAlive.Kernel.Linux;

/// <summary>The clock, sleep, timerfd and scheduling syscalls Tmds.LibC 0.5.0 lacks (conformance notes §1), 64-bit
/// Linux layouts. Deadlines arrive as Stopwatch timestamps; on Linux .NET reads those from CLOCK_MONOTONIC in
/// nanoseconds, which <see cref="EnsureStopwatchIsMonotonicNanoseconds"/> checks once.</summary>
internal static unsafe partial class TimingNative
{
    public const int CLOCK_MONOTONIC = 1;
    public const int TIMER_ABSTIME = 1;
    public const int TFD_TIMER_ABSTIME = 1;
    public const int TFD_CLOEXEC = 0x80000;
    public const int TFD_NONBLOCK = 0x800;
    public const int PR_SET_TIMERSLACK = 29;
    public const int SCHED_RR = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;

        public static Timespec FromNanoseconds(long ns) => new() { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Itimerspec
    {
        public Timespec Interval;
        public Timespec Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int clock_gettime(int clockId, Timespec* ts);

    /// <summary>Returns 0 or the error number itself (clock_nanosleep does not set errno).</summary>
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static partial int clock_nanosleep(int clockId, int flags, Timespec* request, Timespec* remain);

    [LibraryImport("libc", EntryPoint = "timerfd_create", SetLastError = true)]
    public static partial int timerfd_create(int clockId, int flags);

    [LibraryImport("libc", EntryPoint = "timerfd_settime", SetLastError = true)]
    public static partial int timerfd_settime(int fd, int flags, Itimerspec* value, Itimerspec* old);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int sched_setscheduler(int pid, int policy, SchedParam* param);

    /// <summary>Throws <see cref="PlatformNotSupportedException"/> unless Stopwatch timestamps are CLOCK_MONOTONIC
    /// nanoseconds, so a Stopwatch deadline can go to the kernel unconverted.</summary>
    public static void EnsureStopwatchIsMonotonicNanoseconds()
    {
        if (Stopwatch.Frequency != 1_000_000_000)
            throw new PlatformNotSupportedException($"Stopwatch.Frequency is {Stopwatch.Frequency}, not 1e9 (CLOCK_MONOTONIC ns)");
        Timespec ts;
        if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
            throw new PlatformNotSupportedException($"clock_gettime(CLOCK_MONOTONIC): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        long diff = ts.Seconds * 1_000_000_000 + ts.Nanoseconds - Stopwatch.GetTimestamp();
        if (Math.Abs(diff) > 10_000_000)
            throw new PlatformNotSupportedException($"Stopwatch is not CLOCK_MONOTONIC (differs by {diff} ns)");
    }
}

/// <summary>Tunes the timer thread: timer slack 1 ns (the kernel otherwise may defer a wake-up by 50 µs) and, when
/// asked, SCHED_RR at a given priority (keepalived's <c>vrrp_rt_priority</c>). Applies to the calling thread only.</summary>
internal static unsafe class TimerThreadTuning
{
    public static string Apply(string waiter, int realTimePriority)
    {
        Thread.CurrentThread.Priority = ThreadPriority.Highest;
        var parts = new List<string>();
        parts.Add(TimingNative.prctl(TimingNative.PR_SET_TIMERSLACK, 1, 0, 0, 0) == 0
            ? "timer slack 1 ns"
            : $"timer slack refused: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        if (realTimePriority > 0)
        {
            var param = new TimingNative.SchedParam { Priority = realTimePriority };
            parts.Add(TimingNative.sched_setscheduler(0, TimingNative.SCHED_RR, &param) == 0
                ? $"SCHED_RR priority {realTimePriority}"
                : $"SCHED_RR priority {realTimePriority} refused: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        else
        {
            parts.Add("normal scheduling (no real-time priority asked)");
        }
        return $"{waiter}: {string.Join("; ", parts)}";
    }
}

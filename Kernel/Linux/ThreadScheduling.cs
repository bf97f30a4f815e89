using System.Runtime.InteropServices;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The calling thread's nice value (setpriority on its thread id: on Linux each thread has its own). Lowering it (a
/// higher value) is always allowed; raising it needs CAP_SYS_NICE. keepalived sets its processes' priorities the
/// same way (<c>vrrp_priority</c>, <c>checker_priority</c>: set_process_priority).
/// </summary>
public static partial class ThreadScheduling
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value (-20..19); the failure's text, or null.</summary>
    public static string? SetNice(int nice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nice, -20);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, 19);
        if (setpriority(PrioProcess, gettid(), nice) == 0)
            return null;
        int errno = Marshal.GetLastPInvokeError();
        return $"nice {nice} refused: {Marshal.GetPInvokeErrorMessage(errno)}";
    }

    /// <summary>The calling thread's kernel id (what /proc/PID/task lists).</summary>
    public static int CurrentThreadId() => gettid();

    /// <summary>The calling thread's nice value.</summary>
    public static int CurrentNice()
    {
        return getpriority(PrioProcess, gettid());
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);

    [LibraryImport("libc")]
    private static partial int getpriority(int which, int who);

    [LibraryImport("libc")]
    private static partial int gettid();
}

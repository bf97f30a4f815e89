using System.Diagnostics;
using System.Globalization;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>CPU time and memory of a process from /proc (user+sys as <see cref="Process.TotalProcessorTime"/> reads
/// them; VmRSS and VmHWM from /proc/PID/status), and the machine's load average.</summary>
public static class ProcessStats
{
    public static TimeSpan Cpu(int pid)
    {
        using var p = Process.GetProcessById(pid);
        return p.TotalProcessorTime;
    }

    /// <summary>A field of /proc/PID/status in MiB (VmRSS, VmHWM: the kernel gives kB).</summary>
    public static double StatusMiB(int pid, string field) => Status(pid, field) / 1024.0;

    public static long Threads(int pid) => Status(pid, "Threads");

    private static long Status(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return -1;
    }

    /// <summary>The first three fields of /proc/loadavg (as uptime prints them).</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

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

    /// <summary>User and system CPU time from /proc/PID/stat (utime, stime: fields 14 and 15, in clock ticks of
    /// 10 ms).</summary>
    public static (TimeSpan User, TimeSpan System) UserSystem(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');     // fields from 3 on; the name may hold spaces
        return (Ticks(fields[14 - 3]), Ticks(fields[15 - 3]));
    }

    private static TimeSpan Ticks(string field) => TimeSpan.FromMilliseconds(long.Parse(field, CultureInfo.InvariantCulture) * 10);

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

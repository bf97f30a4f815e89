using System.Diagnostics;
using System.Globalization;
using System.Text;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The node process of <see cref="CheckerLoadBenchmark"/> (mode <c>lvs-checks-node VS RS seconds warm-up port
/// warmup-keyword node|bare</c>): the configuration, the node with the daemon's probes (measured by <see cref="MeasuredProbes"/>),
/// a warm-up, then the window; prints its figures and "window-start"/"window-end" for the parent.
/// </summary>
public static class CheckerLoadNode
{
    public static int Run(string[] args)
    {
        int vs = int.Parse(args[0], CultureInfo.InvariantCulture), rs = int.Parse(args[1], CultureInfo.InvariantCulture);
        int seconds = int.Parse(args[2], CultureInfo.InvariantCulture), warmUp = int.Parse(args[3], CultureInfo.InvariantCulture);
        int port = int.Parse(args[4], CultureInfo.InvariantCulture), warmupKeyword = int.Parse(args[5], CultureInfo.InvariantCulture);
        CheckListeners.ExitWithParent();
        var config = LvsBenchNode.Load(Config(vs, rs, port, warmupKeyword));
        // The daemon's probe factory; scripts and tracked files are not used by TCP_CHECK.
        var probes = new MeasuredProbes(new HealthProbeFactory(new ProbeServices(
            new ProcessScriptRunner(), new LinuxScriptUsers(), new KeepAlive.Kernel.Fakes.InMemoryTrackedFiles(), PerformInitFile: false)));
        int self = Environment.ProcessId;
        bool bare = args.Length > 6 && args[6] == "bare";
        using var node = bare ? null : LvsBenchNode.Start(config, probes);
        using var loops = bare ? new BareCheckLoops(config, probes) : null;
        Func<long> changes = () => node?.Ipvs.Changes ?? 0;
        if (node is not null && !node.WaitForChanges(vs + (long)vs * rs, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120)))
            Console.WriteLine($"warning: the node issued {node.Ipvs.Changes} IPVS changes, expected {vs + (long)vs * rs}");
        Thread.Sleep(TimeSpan.FromSeconds(warmUp));
        Console.WriteLine($"{(bare ? "bare probe loops (no actors)" : "node")}: pid {self}, {vs} VS × {rs} RS, TCP_CHECK delay_loop 1{(warmupKeyword > 0 ? $", warmup {warmupKeyword}" : "")}; "
            + $"{changes()} IPVS changes at start; warm-up {warmUp} s ({probes.Passed} passed, {probes.Failed} failed)");
        long changesBefore = changes();
        long switches = ContextSwitches(self);
        probes.Reset();
        var loads = new List<string> { ProcessStats.LoadAverage() };
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long allocated = GC.GetTotalAllocatedBytes();
        var pause = GC.GetTotalPauseDuration();
        Console.WriteLine("window-start");
        var cpu = ProcessStats.Cpu(self);
        var (user, system) = ProcessStats.UserSystem(self);
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(10, Math.Max(0.1, seconds - wall.Elapsed.TotalSeconds))));
            loads.Add(ProcessStats.LoadAverage());
        }
        var used = ProcessStats.Cpu(self) - cpu;
        var (userEnd, systemEnd) = ProcessStats.UserSystem(self);
        var elapsed = wall.Elapsed.TotalSeconds;
        long passed = probes.Passed, failed = probes.Failed;
        Console.WriteLine("window-end");
        Console.WriteLine($"window                    {elapsed:F1} s; load average (1/5/15 min) every 10 s: {string.Join(" | ", loads)}");
        Console.WriteLine($"node CPU (user+sys)       {used.TotalSeconds / elapsed * 100,7:F1} % of one core ({used.TotalSeconds:F1} s: user {(userEnd - user).TotalSeconds:F1} s, "
            + $"sys {(systemEnd - system).TotalSeconds:F1} s; {Environment.ProcessorCount} cores)");
        Console.WriteLine($"node memory               VmRSS {ProcessStats.StatusMiB(self, "VmRSS"):F1} MiB, VmHWM {ProcessStats.StatusMiB(self, "VmHWM"):F1} MiB, "
            + $"{ProcessStats.Threads(self)} threads, GC heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB");
        Console.WriteLine($"GC in window              gen0/1/2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, "
            + $"pause {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1048576.0 / elapsed:F1} MiB/s");
        Console.WriteLine($"checks                    {(passed + failed) / elapsed,9:F1} /s ({passed} passed, {failed} failed{(failed > 0 ? $"; last: {probes.LastFailure}" : "")}); "
            + $"target {vs * rs} /s");
        Console.WriteLine($"node CPU per check        {used.TotalMilliseconds * 1000 / Math.Max(1, passed + failed),7:F1} µs");
        Console.WriteLine($"check duration (connect)  {probes.Durations.Summary()}");
        Console.WriteLine($"period start→start        {probes.Periods.Summary()}  (delay_loop 1 s + check + actor delays)");
        Console.WriteLine($"context switches          {(ContextSwitches(self) - switches) / (double)Math.Max(1, passed + failed),7:F1} per check (all threads, voluntary + not)");
        Console.WriteLine($"IPVS changes in window    {changes() - changesBefore}");
        Console.WriteLine($"after the window          GC heap after a full collection {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F1} MiB (live data)");
        return 0;
    }

    /// <summary>Context switches of all the process's threads so far (/proc/PID/task/*/status).</summary>
    private static long ContextSwitches(int pid)
    {
        long sum = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.Contains("ctxt_switches:", StringComparison.Ordinal))
                        sum += long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // a thread that ended meanwhile
            }
        }
        return sum;
    }

    /// <summary>VS virtual servers 10.0.x.y:80, each with RS real servers 127.0.1.1..RS at <paramref name="port"/>.</summary>
    public static string Config(int vs, int rs, int port, int warmup)
    {
        var sb = new StringBuilder("global_defs {\n    router_id lvs-checks\n}\n");
        for (int v = 0; v < vs; v++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"virtual_server 10.{v / 250 % 250}.{v % 250}.1 80 {{\n    delay_loop 1\n    lb_algo wrr\n    lb_kind DR\n    protocol TCP\n");
            for (int r = 0; r < rs; r++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    real_server {CheckListeners.Address(r)} {port} {{\n        weight 1\n        TCP_CHECK {{\n            connect_timeout 3\n");
                if (warmup > 0)
                    sb.Append(CultureInfo.InvariantCulture, $"            warmup {warmup}\n");
                sb.Append("        }\n    }\n");
            }
            sb.Append("}\n");
        }
        return sb.ToString();
    }
}

using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using KeepAlive.Actors.Node;
using KeepAlive.Config;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The reload of issue 6 (not a test; run: <c>dotnet run -c Release -- lvs-reload [reps]</c>): a node on the
/// 2,277 VS / 37,205 RS configuration (<see cref="ConfigGenerator.VirtualServers"/>; its checkers pass at once without
/// network, <see cref="PassingProbes"/>), once every IPVS change of its start is applied, is reloaded as SIGHUP does it
/// (Controller/Service/ConfigReload: the file loaded by the whole pipeline, then <see cref="ApplyConfig"/> to the
/// node): with no change, with one real server's weight changed (and back), with one real server added (and removed
/// again). Each reload is timed from the request: the load, the node's <see cref="ConfigApplied"/> answer and the last
/// IPVS change; the changes it issued are counted and named; what the process allocated meanwhile (the checkers'
/// included). Medians of the repetitions.
/// </summary>
public static class ReloadBenchmark
{
    private sealed record Reload(double LoadMs, double AppliedMs, double LastChangeMs, long Changes, int Reconfigured, double AllocatedMiB, IReadOnlyList<string> Names);

    public static int Run(string[] args)
    {
        int reps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var dir = Directory.CreateTempSubdirectory("ka-lvs-reload-");
        try
        {
            var files = new Dictionary<LvsEdit, string>();
            foreach (var edit in Enum.GetValues<LvsEdit>())
            {
                files[edit] = Path.Combine(dir.FullName, $"{edit}.conf");
                File.WriteAllText(files[edit], ConfigGenerator.VirtualServers(edit: edit));
            }
            return Run(files, reps);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static int Run(Dictionary<LvsEdit, string> files, int reps)
    {
        var started = Stopwatch.StartNew();
        var config = Load(files[LvsEdit.None]);
        int services = config.VirtualServers.Count, destinations = config.VirtualServers.Sum(v => v.RealServers.Count);
        using var node = LvsBenchNode.Start(config, new PassingProbes());
        if (!node.WaitForChanges(services + destinations, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)))
        {
            Console.WriteLine($"the node did not reach its steady state: {node.Ipvs.Changes} IPVS changes, expected {services + destinations}");
            return 1;
        }
        int self = Environment.ProcessId;
        Console.WriteLine($"start: {services} VS / {destinations} RS, {node.Ipvs.Changes} IPVS changes, steady after {started.Elapsed.TotalSeconds:F1} s "
            + $"(including 2 s without changes); VmRSS {ProcessStats.StatusMiB(self, "VmRSS"):F0} MiB, VmHWM {ProcessStats.StatusMiB(self, "VmHWM"):F0} MiB; "
            + $"load average {ProcessStats.LoadAverage()}");
        var kinds = new (string Name, LvsEdit To, LvsEdit Back)[]
        {
            ("no change", LvsEdit.None, LvsEdit.None),
            ("one weight changed", LvsEdit.OneWeight, LvsEdit.None),
            ("one RS added", LvsEdit.OneAdded, LvsEdit.None),
        };
        var results = kinds.ToDictionary(k => k.Name, _ => new List<Reload>());
        var backs = kinds.ToDictionary(k => k.Name, _ => new List<Reload>());
        var loads = new List<string> { ProcessStats.LoadAverage() };
        for (int rep = -1; rep < reps; rep++)                        // rep -1: warm-up, not counted
        {
            foreach (var (name, to, back) in kinds)
            {
                var forth = Measure(node, files[to]);
                var again = to == back ? null : Measure(node, files[back]);
                if (rep < 0)
                    continue;
                results[name].Add(forth);
                if (again is not null)
                    backs[name].Add(again);
            }
            loads.Add(ProcessStats.LoadAverage());
        }
        Console.WriteLine($"{reps} repetitions (medians; times from the reload request, ms); load average per repetition: {string.Join(" | ", loads)}");
        Console.WriteLine("load: the file through the whole pipeline; applied: ConfigApplied answered; last op: the last IPVS change; "
            + "node: applied minus load (median of the differences); median (min)");
        Console.WriteLine($"{"reload",-22} {"load",14} {"applied",14} {"last op",14} {"node",6} {"ops",5} {"VS reconf.",10} {"alloc MiB",9}  ops issued");
        foreach (var (name, _, _) in kinds)
        {
            Print(name, results[name]);
            if (backs[name].Count > 0)
                Print("  and back", backs[name]);
        }
        return 0;
    }

    private static void Print(string name, List<Reload> runs)
    {
        var last = runs[^1];
        var ops = runs.Select(r => r.Changes).Distinct().Order().ToList();
        Console.WriteLine($"{name,-22} {Both(runs, r => r.LoadMs),14} {Both(runs, r => r.AppliedMs),14} "
            + $"{(last.Changes > 0 ? Both(runs, r => r.LastChangeMs) : "-"),14} {Median(runs, r => r.AppliedMs - r.LoadMs),6:F1} "
            + $"{string.Join("/", ops),5} {Median(runs, r => r.Reconfigured),10:F0} {Median(runs, r => r.AllocatedMiB),9:F0}  "
            + string.Join("; ", last.Names.Take(4)) + (last.Names.Count > 4 ? $"; ... ({last.Names.Count})" : ""));
    }

    private static string Both(List<Reload> runs, Func<Reload, double> value) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(runs, value):F1} ({runs.Min(value):F1})");

    private static double Median(List<Reload> runs, Func<Reload, double> value)
    {
        var sorted = runs.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static KeepAliveConfig Load(string file)
    {
        var loaded = ConfigLoader.Load(file, new DiskConfigSource());
        if (loaded.HasErrors)
            throw new InvalidOperationException(string.Join('\n', loaded.Diagnostics));
        return loaded.Config;
    }

    /// <summary>One reload as SIGHUP runs it; the IPVS changes it issued are those until 2 s pass without one.</summary>
    private static Reload Measure(LvsBenchNode node, string file)
    {
        long changes = node.Ipvs.Changes;
        int logged = node.Table.Log.Count;
        long allocated = GC.GetTotalAllocatedBytes();
        long start = Stopwatch.GetTimestamp();
        var config = Load(file);
        long loaded = Stopwatch.GetTimestamp();
        var applied = node.Root.Ask<ConfigApplied>(new ApplyConfig(config), TimeSpan.FromMinutes(2)).Result;
        long answered = Stopwatch.GetTimestamp();
        node.WaitForChanges(changes, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2));
        long issued = node.Ipvs.Changes - changes;
        return new Reload(Ms(loaded - start), Ms(answered - start), issued > 0 ? Ms(node.Ipvs.LastChange - start) : double.NaN, issued,
            applied.Reconfigured.Count, (GC.GetTotalAllocatedBytes() - allocated) / 1048576.0, [.. node.Table.Log.Skip(logged)]);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

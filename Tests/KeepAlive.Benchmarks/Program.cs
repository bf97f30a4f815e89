using System.Diagnostics;
using BenchmarkDotNet.Running;
using KeepAlive.Benchmarks;

if (args.Length > 0 && args[0] == "profile")
{
    // A loop to attach a profiler to: loads the large LVS configuration repeatedly for about 20 seconds.
    var p = new ConfigPipelineBenchmarks();
    p.Setup();
    var until = Stopwatch.StartNew();
    while (until.Elapsed < TimeSpan.FromSeconds(20))
        p.LoadVirtualServers();
    return 0;
}
if (args.Length > 1 && args[0] == "profile-read")
{
    // A loop for a CPU profiler over one stage: read, parse (streamed) or load.
    var text = ConfigGenerator.VirtualServers();
    var src = new KeepAlive.Config.Sources.InMemoryConfigSource().Add("/k.conf", text);
    var until = Stopwatch.StartNew();
    while (until.Elapsed < TimeSpan.FromSeconds(15))
    {
        if (args[1] == "read")
            KeepAlive.Config.Syntax.ConfigReader.Open("/k.conf", src).Lines.Count();
        else if (args[1] == "parse")
            KeepAlive.Config.Syntax.Parser.Parse(KeepAlive.Config.Syntax.ConfigReader.Open("/k.conf", src).Lines, null, _ => { });
        else
            KeepAlive.Config.ConfigLoader.Load("/k.conf", src);
    }
    return 0;
}
if (args.Length > 0 && args[0] == "alloc")
{
    // Where the large LVS load's bytes go, by type (AllocationTicks.cs).
    var p = new ConfigPipelineBenchmarks();
    p.Setup();
    AllocationTicks.Run(() => p.LoadVirtualServers(), 5, 40);
    return 0;
}
if (args.Length > 0 && args[0] == "addresses")
{
    // Kernel time of VIP adds/removes through LinuxKernelPort (AddressOpsBenchmark.cs; root, in a namespace of your own).
    return AddressOpsBenchmark.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "takeover")
{
    // The actors' share of a takeover, two nodes on an in-memory LAN (TakeoverBenchmark.cs).
    return TakeoverBenchmark.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "timers")
{
    // Timer lateness of Akka's scheduler and PreciseScheduler with each waiter (TimerLatenessBenchmark.cs).
    return TimerLatenessBenchmark.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "lvs-checks")
{
    // 1,000 VS × 10 RS, TCP_CHECK every second against real listeners in a namespace of its own (root; Lvs/CheckerLoadBenchmark.cs).
    return KeepAlive.Benchmarks.Lvs.CheckerLoadBenchmark.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "lvs-checks-node")
    return KeepAlive.Benchmarks.Lvs.CheckerLoadNode.Run(args[1..]);
if (args.Length > 0 && args[0] == "lvs-listen")
    return KeepAlive.Benchmarks.Lvs.CheckListeners.Run(args[1..]);
if (args.Length > 0 && args[0] == "lvs-reload")
{
    // Reload of 2,277 VS / 37,205 RS with no change, one weight changed, one RS added: time and IPVS ops (Lvs/ReloadBenchmark.cs).
    return KeepAlive.Benchmarks.Lvs.ReloadBenchmark.Run(args[1..]);
}
if (args.Length > 0 && args[0] == "quick")
{
    // A Stopwatch pass for a quick look (median of 7 after warm-up); BenchmarkDotNet gives the real figures.
    var b = new ConfigPipelineBenchmarks();
    b.Setup();
    Measure("load 2,277 VS / 37,205 RS", () => b.LoadVirtualServers());
    Measure("load 1,000 vrrp_instances", () => b.LoadVrrpInstances());
    Measure("diff 2,277 VS / 37,205 RS", () => b.DiffVirtualServers());
    Measure("diff 1,000 instances", () => b.DiffVrrpInstances());
    var text = ConfigGenerator.VirtualServers();
    var src = new KeepAlive.Config.Sources.InMemoryConfigSource().Add("/k.conf", text);
    Measure("  read only (VS)", () => KeepAlive.Config.Syntax.ConfigReader.Read("/k.conf", src));
    Measure("  read streamed (VS)", () => KeepAlive.Config.Syntax.ConfigReader.Open("/k.conf", src).Lines.Count());
    Measure("  read+parse streamed (VS)", () => KeepAlive.Config.Syntax.Parser.Parse(KeepAlive.Config.Syntax.ConfigReader.Open("/k.conf", src).Lines, null, _ => { }));
    var lines = KeepAlive.Config.Syntax.ConfigReader.Read("/k.conf", src).Lines;
    Measure("  parse only (VS)", () => KeepAlive.Config.Syntax.Parser.Parse(lines));
    var tree = KeepAlive.Config.Syntax.Parser.Parse(lines).Tree;
    Measure("  bind only (VS)", () => KeepAlive.Config.Binding.ConfigBinder.Bind(tree));
    Console.WriteLine($"(text {text.Length / 1048576.0:F1} MiB, {lines.Length} logical lines)");
    var r = b.LoadVirtualServers();
    Console.WriteLine($"(check: {r.Config.VirtualServers.Count} VS, {r.Config.VirtualServers.Sum(v => v.RealServers.Count)} RS, {r.Diagnostics.Length} diagnostics)");
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ConfigPipelineBenchmarks).Assembly).Run(args);
return 0;

static void Measure(string name, Func<object> action)
{
    for (int i = 0; i < 3; i++)
        action();
    var times = new List<double>();
    long allocated = 0;
    var pauses = new List<double>();
    for (int i = 0; i < 15; i++)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var pauseBefore = GC.GetTotalPauseDuration();
        var sw = Stopwatch.StartNew();
        action();
        times.Add(sw.Elapsed.TotalMilliseconds);
        pauses.Add((GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
    }
    int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
    action();
    var gcs = $"gen0/1/2 {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2}";
    if (Environment.GetEnvironmentVariable("KA_BENCH_ALL") is not null)
        Console.WriteLine($"  {name}: {string.Join(" ", times.Select(t => t.ToString("F0")))}");
    times.Sort();
    pauses.Sort();
    Console.WriteLine($"{name,-32} median {times[7],8:F1} ms   min {times[0],8:F1} ms   GC pause median {pauses[7],6:F1} ms   allocated {allocated / 1048576.0,8:F1} MiB  {gcs}");
}

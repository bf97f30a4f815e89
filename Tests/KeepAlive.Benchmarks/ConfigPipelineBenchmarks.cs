using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using KeepAlive.Config;
using KeepAlive.Config.Diff;
using KeepAlive.Config.Host;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;

namespace KeepAlive.Benchmarks;

/// <summary>Parse + bind + validate of large configurations, and the reload diff of two such configurations.</summary>
[MemoryDiagnoser]
[Config(typeof(GcModes))]
public class ConfigPipelineBenchmarks
{
    private const string Path = "/etc/keepalived/keepalived.conf";
    private InMemoryConfigSource _lvs = null!;
    private InMemoryConfigSource _vrrp = null!;
    private KeepAliveConfig _lvsA = null!;
    private KeepAliveConfig _lvsB = null!;
    private KeepAliveConfig _vrrpA = null!;
    private KeepAliveConfig _vrrpB = null!;
    private static readonly IHostFacts Host = StaticHostFacts.WithInterfaces("lo", "eth0", "eth1", "eth2", "eth3");

    [GlobalSetup]
    public void Setup()
    {
        _lvs = new InMemoryConfigSource().Add(Path, ConfigGenerator.VirtualServers());
        _vrrp = new InMemoryConfigSource().Add(Path, ConfigGenerator.VrrpInstances());
        _lvsA = Load(_lvs).Config;
        _lvsB = Load(new InMemoryConfigSource().Add(Path, ConfigGenerator.VirtualServers(variant: 1))).Config;
        _vrrpA = Load(_vrrp).Config;
        _vrrpB = Load(new InMemoryConfigSource().Add(Path, ConfigGenerator.VrrpInstances(variant: 1))).Config;
    }

    public static ConfigLoadResult Load(KeepAlive.Config.IConfigSource source) => ConfigLoader.Load(Path, source, new ConfigLoadOptions(Host: Host));

    [Benchmark(Description = "load 2,277 VS / 37,205 RS")]
    public ConfigLoadResult LoadVirtualServers() => Load(_lvs);

    [Benchmark(Description = "load 1,000 vrrp_instances")]
    public ConfigLoadResult LoadVrrpInstances() => Load(_vrrp);

    [Benchmark(Description = "diff two 2,277 VS / 37,205 RS configs")]
    public ConfigDiff DiffVirtualServers() => ConfigDiff.Compute(_lvsA, _lvsB);

    [Benchmark(Description = "diff two 1,000-instance configs")]
    public ConfigDiff DiffVrrpInstances() => ConfigDiff.Compute(_vrrpA, _vrrpB);
}

/// <summary>The service runs with workstation GC since session 12 (Controller's project file; DOTNET_gcServer=1 selects
/// server GC); both are measured.</summary>
public sealed class GcModes : ManualConfig
{
    public GcModes()
    {
        AddJob(Job.Default.WithGcServer(true).WithId("ServerGC"));
        AddJob(Job.Default.WithGcServer(false).WithId("WorkstationGC (service)"));
    }
}

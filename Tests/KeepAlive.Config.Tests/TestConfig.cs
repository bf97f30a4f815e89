using KeepAlive.Config;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Host;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests;

/// <summary>Runs the config pipeline on in-memory text.</summary>
public static class TestConfig
{
    public const string Path = "/etc/keepalived/keepalived.conf";

    /// <summary>The interfaces of the namespace the seed samples were checked in (Fixtures/README.md).</summary>
    public static StaticHostFacts SeedHost { get; } =
        StaticHostFacts.WithInterfaces("lo", "eth0", "eth1", "eth2", "eth3", "eth0.1", "ens33", "ens160", "bond0");

    public static ConfigLoadResult Load(string text, IHostFacts? host = null, bool strict = false, string? configId = null) =>
        ConfigLoader.Load(Path, new InMemoryConfigSource().Add(Path, text),
            new ConfigLoadOptions(new ReaderOptions(ConfigId: configId, RandomSeed: 1), host, strict));

    public static ReadResult Read(string text, ReaderOptions? options = null) =>
        ConfigReader.Read(Path, new InMemoryConfigSource().Add(Path, text), options);

    public static IEnumerable<string> Codes(this ConfigLoadResult r) => r.Diagnostics.Select(d => d.Code);

    public static Diagnostic Single(this ConfigLoadResult r, string code) =>
        Assert.Single(r.Diagnostics, d => d.Code == code);
}

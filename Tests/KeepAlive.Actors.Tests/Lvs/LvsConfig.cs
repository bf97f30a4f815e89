using KeepAlive.Config;
using KeepAlive.Config.Host;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>keepalived.conf text through the real loader, so the LVS brains see what they will see in production.</summary>
internal static class LvsConfig
{
    private const string Path = "/etc/keepalived/keepalived.conf";

    public static KeepAliveConfig Load(string text)
    {
        var result = ConfigLoader.Load(Path, new InMemoryConfigSource().Add(Path, text),
            new ConfigLoadOptions(new ReaderOptions(RandomSeed: 1), StaticHostFacts.WithInterfaces("lo", "eth0")));
        Assert.False(result.HasErrors, string.Join('\n', result.Diagnostics));
        return result.Config;
    }

    public static VirtualServerConfig VirtualServer(string text) => Assert.Single(Load(text).VirtualServers);
}

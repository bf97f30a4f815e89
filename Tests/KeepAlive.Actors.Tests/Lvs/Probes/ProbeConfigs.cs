using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>A checker block inside one virtual/real server, through the real config loader, with its probe context.</summary>
internal static class ProbeConfigs
{
    public static (T Checker, ProbeContext Context, KeepAliveConfig Config) Load<T>(string checkerBlock, string realServer = "10.0.0.2 53",
        string virtualServer = "10.0.0.10 53", string protocol = "UDP", string root = "")
        where T : CheckerConfig
    {
        var config = LvsConfig.Load($$"""
            {{root}}
            virtual_server {{virtualServer}} {
              delay_loop 7
              protocol {{protocol}}
              real_server {{realServer}} {
                weight 5
                {{checkerBlock}}
              }
            }
            """);
        var vs = Assert.Single(config.VirtualServers);
        var rs = Assert.Single(vs.RealServers);
        var checker = Assert.IsType<T>(Assert.Single(rs.Checkers));
        return (checker, new ProbeContext(vs, rs, null, config.Globals), config);
    }
}

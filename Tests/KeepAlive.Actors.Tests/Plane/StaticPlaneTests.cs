using KeepAlive.Actors.Plane;

namespace KeepAlive.Actors.Tests.Plane;

/// <summary>static_ipaddress / static_routes / static_rules as the "static" owner's set.</summary>
public sealed class StaticPlaneTests
{
    [Fact]
    public void Static_lines_make_one_set_on_the_default_interface_with_errors_for_what_cannot_be_installed()
    {
        var plane = StaticPlane.For(PlaneConfig.Load("""
            global_defs {
              default_interface eth1
            }
            static_ipaddress {
              10.5.0.1/24
              10.5.0.2/24 dev eth0 no_track
            }
            static_routes {
              10.6.0.0/16 via 10.5.0.254 dev eth1
              10.7.0.0/16 dev eth1 realms 3
            }
            static_rules {
              from 10.5.0.1 table 100 priority 100
            }
            """));
        Assert.Equal(["10.5.0.1 eth1", "10.5.0.2 eth0"], plane.Set.Addresses.Select(a => $"{a.Address} {a.Interface}"));
        Assert.Single(plane.Set.Routes);
        Assert.Single(plane.Set.Rules);
        Assert.Equal(["10.5.0.2"], plane.NotTracked.Select(k => k.Address.ToString()));
        Assert.Contains("realms", Assert.Single(plane.Errors), StringComparison.Ordinal);
    }
}

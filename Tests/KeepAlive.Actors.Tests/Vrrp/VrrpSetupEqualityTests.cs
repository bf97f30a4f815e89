using System.Net;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Node;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>Setups compare by content: record equality would call two plans of the same text different (their lists
/// and arrays are new objects) and could not see a change inside a list.</summary>
public sealed class VrrpSetupEqualityTests
{
    private static readonly HostFacts Host = new([new LinkState(2, "eth0", true, true, 1500, [2, 0, 0, 0, 0, 1])],
        [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.1"), 24)]);

    private const string Text = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            unicast_peer {
                10.0.0.2
            }
            virtual_ipaddress {
                10.0.0.100/32
                10.0.0.101/32
            }
            virtual_routes {
                192.168.5.0/24 via 10.0.0.254
            }
        }
        """;

    private static VrrpInstanceSetup Setup(string text = Text) => NodePlanner.Plan(VirtualLab.Load(text), Host).Instances[0].Setup;

    [Fact]
    public void Two_plans_of_the_same_text_are_equal_although_record_equality_says_otherwise()
    {
        var a = Setup();
        var b = Setup();
        Assert.NotEqual(a, b);                                               // why this exists
        Assert.True(VrrpSetupEquality.Equal(a, b));
        Assert.True(VrrpSetupEquality.Equal(a.Settings, b.Settings));
    }

    public static TheoryData<string, Func<VrrpInstanceSetup, VrrpInstanceSetup>> Changes() => new()
    {
        { "name", s => s with { Name = "WEB" } },
        { "priority", s => s with { Settings = s.Settings with { Priority = 101 } } },
        { "primary address content", s => s with { Settings = s.Settings with { PrimaryAddress = [10, 0, 0, 9] } } },
        { "interface MAC content", s => s with { InterfaceMac = [2, 0, 0, 0, 0, 9] } },
        { "a VIP", s => s with { VirtualAddresses = [s.VirtualAddresses[0]] } },
        { "VIP order", s => s with { VirtualAddresses = s.VirtualAddresses.Reverse().ToList() } },
        { "a route", s => s with { MasterSet = s.MasterSet! with { Routes = [] } } },
        { "no_track", s => s with { NotTracked = new HashSet<AddressKey> { s.VirtualAddresses[0].Key } } },
        { "a peer", s => s with { UnicastPeers = [IPAddress.Parse("10.0.0.3")] } },
        { "peer TTL", s => s with { PeerChecks = [s.PeerChecks[0] with { MinTtl = 1 }] } },
        { "a tracker weight", s => s with { Tracked = [s.Tracked[0] with { Weight = -10 }] } },
        { "a config fault", s => s with { ConfigFault = "interface eth0 does not exist" } },
        { "check_unicast_src", s => s with { CheckUnicastSource = !s.CheckUnicastSource } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_change_inside_is_seen(string what, Func<VrrpInstanceSetup, VrrpInstanceSetup> change)
    {
        var a = Setup();
        Assert.False(VrrpSetupEquality.Equal(a, change(Setup())), what);
    }

    [Fact]
    public void A_null_master_set_equals_the_set_of_its_vips()
    {
        var a = Setup() with { MasterSet = null };
        Assert.True(VrrpSetupEquality.Equal(a, a with { MasterSet = KernelSet.Of(a.VirtualAddresses.ToList()) }));
        Assert.Throws<ArgumentNullException>(() => VrrpSetupEquality.Equal(null!, a));
    }
}

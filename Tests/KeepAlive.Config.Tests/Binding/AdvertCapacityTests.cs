using System.Net.Sockets;
using KeepAlive.Config.Binding;
using KeepAlive.Config.Host;

namespace KeepAlive.Config.Tests.Binding;

/// <summary>
/// How many VIPs an advert carries, by keepalived 2.2.7's arithmetic (vrrp.c vrrp_complete_instance), and the move of
/// the rest to excluded addresses at the interface's real MTU. The MTU 100 row was checked against keepalived 2.2.7 -t
/// in a namespace with a veth of MTU 100: "Number of VIPs (30) exceeds maximum/space available in packet (max 12
/// addresses) - excess moved to eVIPs".
/// </summary>
public class AdvertCapacityTests
{
    [Theory]
    [InlineData(1500, AddressFamily.InterNetwork, 2, false, 255)]
    [InlineData(1500, AddressFamily.InterNetwork, 3, false, 255)]
    [InlineData(1500, AddressFamily.InterNetworkV6, 3, false, 89)]   // (1500 − 14 − 40 − 8) / 16: keepalived counts the Ethernet header
    [InlineData(9000, AddressFamily.InterNetworkV6, 3, false, 255)]
    [InlineData(100, AddressFamily.InterNetwork, 2, false, 12)]      // (100 − 14 − 20 − 8 − 8) / 4, as keepalived printed
    [InlineData(100, AddressFamily.InterNetwork, 3, false, 14)]      // v3 has no authentication data
    [InlineData(576, AddressFamily.InterNetwork, 2, false, 131)]
    [InlineData(576, AddressFamily.InterNetwork, 2, true, 125)]      // AH adds its 24-byte header
    [InlineData(60, AddressFamily.InterNetworkV6, 3, false, 0)]
    public void Addresses_per_advert_follow_keepalived(int mtu, AddressFamily family, int version, bool ah, int expected) =>
        Assert.Equal(expected, VrrpInstanceCompleter.MaxAddresses(family, version, ah, mtu));

    private static string Instance(int vips, string family = "10.0.1.") =>
        "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n advert_int 1\n virtual_ipaddress {\n"
        + string.Concat(Enumerable.Range(1, vips).Select(i => family.Contains(':') ? $" {family}{i:x}\n" : $" {family}{i}\n")) + " }\n}\n";

    [Fact]
    public void At_the_interfaces_real_mtu_the_excess_becomes_excluded_addresses()
    {
        var r = TestConfig.Load(Instance(30), new StaticHostFacts([new InterfaceFacts("eth0", false, true, 100)]));
        var vi = r.Config.VrrpInstances.Single();
        Assert.Equal(12, vi.VirtualIpAddresses.Count);
        Assert.Equal(18, vi.ExcludedIpAddresses.Count);
        Assert.Equal("10.0.1.12", vi.VirtualIpAddresses[^1].Address.ToString());
        Assert.Equal("10.0.1.13", vi.ExcludedIpAddresses[0].Address.ToString());
        Assert.Contains("exceed the 12", r.Single("KA4014").Message);
        Assert.Equal(5, r.KeepalivedTestExitCode);
    }

    [Fact]
    public void Without_host_facts_keepalived_assumes_1500()
    {
        var r = TestConfig.Load(Instance(100, "2001:db8::"));
        var vi = r.Config.VrrpInstances.Single();
        Assert.Equal(89, vi.VirtualIpAddresses.Count);
        Assert.Equal(11, vi.ExcludedIpAddresses.Count);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "KA4014");
    }

    [Fact]
    public void A_jumbo_mtu_keeps_every_ipv6_vip_advertised()
    {
        var r = TestConfig.Load(Instance(100, "2001:db8::"), new StaticHostFacts([new InterfaceFacts("eth0", false, true, 9000)]));
        var vi = r.Config.VrrpInstances.Single();
        Assert.Equal(100, vi.VirtualIpAddresses.Count);
        Assert.Empty(vi.ExcludedIpAddresses);
    }
}

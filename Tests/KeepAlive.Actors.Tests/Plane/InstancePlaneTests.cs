using System.Net;
using KeepAlive.Actors.Plane;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Actors.Tests.Plane;

/// <summary>Where an instance's VMAC, adverts, VIPs and gratuitous frames go (vrrp.c vrrp_complete_instance,
/// create_vmac_name; vrrp_vmac.c netlink_link_add_vmac; vrrp_scheduler.c vrrp_create_sockpool).</summary>
public sealed class InstancePlaneTests
{
    private static string Hex(byte[]? mac) => mac is null ? "-" : string.Join(':', mac.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    // interface line, vmac lines → advert interface, address interface, vmac name, vmac MAC
    [InlineData("", "eth0", "eth0", "-", "-")]
    [InlineData("use_vmac", "vrrp.51", "vrrp.51", "vrrp.51", "00:00:5e:00:01:33")]
    [InlineData("use_vmac\nvmac_xmit_base", "eth0", "vrrp.51", "vrrp.51", "00:00:5e:00:01:33")]
    [InlineData("use_vmac vmac51", "vmac51", "vmac51", "vmac51", "00:00:5e:00:01:33")]
    [InlineData("use_vmac vmac51 02:11:22:33:44", "vmac51", "vmac51", "vmac51", "02:11:22:33:44:33")]
    [InlineData("use_vmac 02:11:22:33:44:55", "vrrp.51", "vrrp.51", "vrrp.51", "02:11:22:33:44:55")]
    public void The_vmac_decides_where_adverts_and_addresses_go(string vmacLines, string advert, string addresses, string vmacName, string mac)
    {
        var plane = InstancePlane.For(PlaneConfig.Instance($"interface eth0\n{vmacLines}\nvirtual_ipaddress {{\n10.0.0.100/24\n}}"));
        Assert.Empty(plane.Errors);
        Assert.Equal("eth0", plane.ConfiguredInterface);
        Assert.Equal(advert, plane.AdvertInterface);
        Assert.Equal(addresses, plane.AddressInterface);
        Assert.Equal(vmacName, plane.Vmac?.Name ?? "-");
        Assert.Equal(mac, Hex(plane.Vmac?.Mac));
        Assert.Equal(addresses, Assert.Single(plane.VirtualAddresses).Interface);
        if (plane.Vmac is { } v)
            Assert.Equal(("eth0", MacvlanMode.Private), (v.BaseInterface, v.Mode));
    }

    [Fact]
    public void An_ipv6_vmac_has_the_ipv6_virtual_router_mac()
    {
        var plane = InstancePlane.For(PlaneConfig.Instance("interface eth0\nuse_vmac\nvirtual_ipaddress {\nfd00::100/64\n}"));
        Assert.Equal("00:00:5e:00:02:33", Hex(plane.VmacAddress));
    }

    [Fact]
    public void With_a_vmac_only_addresses_of_the_instance_family_on_its_interface_go_on_the_vmac()
    {
        var plane = InstancePlane.For(PlaneConfig.Instance("""
            interface eth0
            use_vmac
            virtual_ipaddress {
            10.0.0.100/24
            10.0.0.101/24 dev eth0
            10.1.0.100/24 dev eth1
            }
            virtual_ipaddress_excluded {
            10.0.0.102/24
            fd00::102/64
            }
            """));
        Assert.Empty(plane.Errors);
        Assert.Equal(["10.0.0.100 vrrp.51", "10.0.0.101 vrrp.51", "10.1.0.100 eth1", "10.0.0.102 vrrp.51", "fd00::102 eth0"],
            plane.MasterSet.Addresses.Select(a => $"{a.Address} {a.Interface}"));
        Assert.Equal(3, plane.VirtualAddresses.Count);
    }

    [Fact]
    public void The_master_set_is_vips_then_evips_routes_and_rules_and_no_track_addresses_are_noted()
    {
        var plane = InstancePlane.For(PlaneConfig.Instance("""
            interface eth0
            virtual_ipaddress {
            10.0.0.100/24
            10.0.0.101/24 no_track
            }
            virtual_ipaddress_excluded {
            10.0.0.102/24
            }
            virtual_routes {
            192.168.77.0/24 via 10.0.0.254 dev eth0
            blackhole 192.168.78.0/24
            }
            virtual_rules {
            from 10.0.0.100 table 100 priority 1000
            }
            """));
        Assert.Equal(["10.0.0.100", "10.0.0.101", "10.0.0.102"], plane.MasterSet.Addresses.Select(a => a.Address.ToString()));
        Assert.Equal(IPAddress.Parse("192.168.77.0"), Assert.Single(plane.MasterSet.Routes).Destination);
        Assert.Equal(1000u, Assert.Single(plane.MasterSet.Rules).Priority);
        Assert.Equal([IPAddress.Parse("10.0.0.101")], plane.NotTracked.Select(k => k.Address));
        // The route a spec cannot express is reported, with the instance's name.
        var error = Assert.Single(plane.Errors);
        Assert.StartsWith("(VI_1) ", error, StringComparison.Ordinal);
        Assert.Contains("blackhole", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_with_a_vmac_of_its_own_is_reported()
    {
        var plane = InstancePlane.For(PlaneConfig.Instance("interface eth0\nvirtual_ipaddress {\n10.0.0.100/24\n10.1.0.100/24 dev eth1 use_vmac\n}"));
        Assert.Contains("use_vmac on an address", Assert.Single(plane.Errors), StringComparison.Ordinal);
        Assert.Equal("eth1", plane.MasterSet.Addresses[1].Interface);
    }

    [Theory]
    [InlineData(null, "vrrp", 51, "vrrp.51")]
    [InlineData(null, "vrrp", 255, "vrrp.255")]
    [InlineData(null, "averyverylongprefix", 255, "averyverylo.255")]
    [InlineData("mine", "vrrp", 7, "mine")]
    public void Vmac_names_fit_the_kernel(string? configured, string prefix, int vrid, string expected)
    {
        var name = InstancePlane.VmacName(configured, prefix, vrid);
        Assert.Equal(expected, name);
        Assert.True(name.Length <= InstancePlane.MaxInterfaceName);
    }

    [Theory]
    [InlineData("interface eth0\npriority 100\nno_accept", true)]
    [InlineData("interface eth0\npriority 100\naccept", false)]
    [InlineData("interface eth0\npriority 100", false)]
    [InlineData("interface eth0\npriority 255\nno_accept", false)]
    [InlineData("interface eth0\npriority 100\nstrict_mode on", true)]
    [InlineData("interface eth0\npriority 255\nstrict_mode on", false)]
    public void A_non_accepting_non_owner_blocks_its_vips_and_evips(string body, bool blocks)
    {
        var instance = PlaneConfig.Instance(body + "\nvirtual_ipaddress {\n10.0.0.100/24\n10.0.0.101/24\n}\nvirtual_ipaddress_excluded {\n10.0.0.102/24\n}");
        var plane = InstancePlane.For(instance);
        Assert.Equal(blocks, InstancePlane.NeedsFirewall(instance));
        Assert.Equal(blocks ? ["10.0.0.100", "10.0.0.101", "10.0.0.102"] : [], plane.MasterSet.Blocked.Select(a => a.ToString()));
    }
}

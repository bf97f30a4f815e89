using KeepAlive.Actors.Plane;

namespace KeepAlive.Actors.Tests.Plane;

/// <summary>Address, route and rule lines as keepalived 2.2.7 installs them (vrrp_ipaddress.c netlink_ipaddress,
/// vrrp_iproute.c netlink_route, vrrp_iprule.c).</summary>
public sealed class KernelSpecsTests
{
    [Theory]
    // No prefix: /32 or /128; the default device; IPv4 gets no NODAD and no lifetime.
    [InlineData("10.0.0.1", "10.0.0.1/32 dev eth0 brd - scope 0 label - nodad False peer - lft forever flags None")]
    [InlineData("10.0.0.1/24 dev eth1", "10.0.0.1/24 dev eth1 brd - scope 0 label - nodad False peer - lft forever flags None")]
    [InlineData("10.0.0.1/24 brd 10.0.0.255 scope link label eth0:vip", "10.0.0.1/24 dev eth0 brd 10.0.0.255 scope 253 label eth0:vip nodad False peer - lft forever flags None")]
    [InlineData("10.0.0.1/24 brd +", "10.0.0.1/24 dev eth0 brd 10.0.0.255 scope 0 label - nodad False peer - lft forever flags None")]
    [InlineData("10.0.0.77/27 brd -", "10.0.0.77/27 dev eth0 brd 10.0.0.64 scope 0 label - nodad False peer - lft forever flags None")]
    [InlineData("10.0.0.1/24 scope host", "10.0.0.1/24 dev eth0 brd - scope 254 label - nodad False peer - lft forever flags None")]
    [InlineData("10.0.0.1 peer 10.0.1.1/30", "10.0.0.1/30 dev eth0 brd - scope 0 label - nodad False peer 10.0.1.1 lft forever flags None")]
    // IPv6: NODAD unless -nodad; a /128 is deprecated (preferred_lft 0) unless told, other prefixes forever.
    [InlineData("fd00::1", "fd00::1/128 dev eth0 brd - scope 0 label - nodad True peer - lft 0 flags None")]
    [InlineData("fd00::1/64", "fd00::1/64 dev eth0 brd - scope 0 label - nodad True peer - lft forever flags None")]
    [InlineData("fd00::1 preferred_lft forever", "fd00::1/128 dev eth0 brd - scope 0 label - nodad True peer - lft forever flags None")]
    [InlineData("fd00::1/64 preferred_lft 300 -nodad", "fd00::1/64 dev eth0 brd - scope 0 label - nodad False peer - lft 300 flags None")]
    [InlineData("fd00::1/64 home mngtmpaddr noprefixroute autojoin", "fd00::1/64 dev eth0 brd - scope 0 label - nodad True peer - lft forever flags HomeAddress, ManageTempAddress, NoPrefixRoute, MulticastAutoJoin")]
    public void Address_lines_become_the_address_keepalived_adds(string line, string expected)
    {
        var mapped = KernelSpecs.Address(PlaneConfig.Address(line), "eth0");
        Assert.Empty(mapped.Errors);
        Assert.Equal(expected, PlaneConfig.Describe(mapped.Spec!));
    }

    [Fact]
    public void An_address_without_any_interface_is_an_error_and_not_installed()
    {
        // The completer gives static addresses default_interface; a VIP of an instance without interface has none.
        var entry = PlaneConfig.Address("10.0.0.1/24") with { Device = null };
        var mapped = KernelSpecs.Address(entry, null);
        Assert.Null(mapped.Spec);
        Assert.Contains("no interface", Assert.Single(mapped.Errors), StringComparison.Ordinal);
        Assert.StartsWith("/etc/keepalived/keepalived.conf:2:", mapped.Errors[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.168.77.0/24 via 10.0.0.254 dev eth0", "192.168.77.0/24 via 10.0.0.254 dev eth0 metric - table 254 src - scope 0")]
    [InlineData("192.168.77.0/24 dev eth0 table 100 metric 50 src 10.0.0.1", "192.168.77.0/24 via - dev eth0 metric 50 table 100 src 10.0.0.1 scope 0")]
    [InlineData("192.168.77.0/24 dev eth0 scope link table local", "192.168.77.0/24 via - dev eth0 metric - table 255 src - scope 253")]
    [InlineData("default via 10.0.0.254 dev eth0", "0.0.0.0/0 via 10.0.0.254 dev eth0 metric - table 254 src - scope 0")]
    [InlineData("inet6 default dev eth0 table 0x10", "::/0 via - dev eth0 metric - table 16 src - scope 0")]
    [InlineData("default via fd00::fe dev eth0", "::/0 via fd00::fe dev eth0 metric - table 254 src - scope 0")]
    [InlineData("10.1.0.0/16 dev eth0 protocol keepalived no_track", "10.1.0.0/16 via - dev eth0 metric - table 254 src - scope 0")]
    [InlineData("10.1.0.0/16 dev eth0 protocol static", "10.1.0.0/16 via - dev eth0 metric - table 254 src - scope 0")]
    public void Route_lines_become_the_route_keepalived_adds(string line, string expected)
    {
        var mapped = KernelSpecs.Route(PlaneConfig.Route(line));
        Assert.Empty(mapped.Errors);
        Assert.Equal(expected, PlaneConfig.Describe(mapped.Spec!));
    }

    [Theory]
    [InlineData("blackhole 10.2.0.0/16", "route type 'blackhole'")]
    [InlineData("10.2.0.0/16 nexthop via 10.0.0.1 dev eth0 nexthop via 10.0.0.2 dev eth0", "nexthop")]
    [InlineData("10.2.0.0/16 dev eth0 mtu 1400 advmss 1360", "mtu, advmss are not supported yet")]
    [InlineData("10.2.0.0/16 dev eth0 table nosuchtable", "unknown routing table 'nosuchtable'")]
    [InlineData("10.2.0.0/16 dev eth0 protocol static no_track", "protocol 'static'")]
    public void Routes_a_spec_cannot_express_are_errors_and_not_installed(string line, string error)
    {
        var mapped = KernelSpecs.Route(PlaneConfig.Route(line));
        Assert.Null(mapped.Spec);
        Assert.Contains(mapped.Errors, e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Route_tables_can_be_named_by_rt_tables()
    {
        var mapped = KernelSpecs.Route(PlaneConfig.Route("10.2.0.0/16 dev eth0 table vips"), new Dictionary<string, uint> { ["vips"] = 1234 });
        Assert.Equal(1234u, mapped.Spec!.Table);
    }

    [Theory]
    [InlineData("from 10.0.0.100 table 100 priority 1000", "v4 pref 1000 table 100 from 10.0.0.100/32 to - fwmark -/- iif - oif -")]
    [InlineData("from 10.0.0.0/24 to 192.168.0.0/16 lookup main pref 5", "v4 pref 5 table 254 from 10.0.0.0/24 to 192.168.0.0/16 fwmark -/- iif - oif -")]
    [InlineData("fwmark 0x10/0xff iif eth0 oif eth1 table 7 preference 9", "v4 pref 9 table 7 from - to - fwmark 16/255 iif eth0 oif eth1")]
    [InlineData("from fd00::/64 table 100 priority 10", "v6 pref 10 table 100 from fd00::/64 to - fwmark -/- iif - oif -")]
    [InlineData("inet6 fwmark 3 table 100 priority 11", "v6 pref 11 table 100 from - to - fwmark 3/- iif - oif -")]
    public void Rule_lines_become_the_rule_keepalived_adds(string line, string expected)
    {
        var mapped = KernelSpecs.Rule(PlaneConfig.Rule(line));
        Assert.Empty(mapped.Errors);
        Assert.Equal(expected, PlaneConfig.Describe(mapped.Spec!));
    }

    [Fact]
    public void A_rule_without_preference_lets_the_kernel_choose()
    {
        var mapped = KernelSpecs.Rule(PlaneConfig.Rule("from 10.0.0.100 table 100"));
        Assert.Null(mapped.Spec!.Priority);
    }

    [Theory]
    [InlineData("not from 10.0.0.1 table 100 priority 1", "'not'")]
    [InlineData("from 10.0.0.1 goto 100 priority 1", "rule actions other than a table")]
    [InlineData("from 10.0.0.1 table 100 priority 1 tos 0x10", "tos is not supported yet")]
    [InlineData("from 10.0.0.1 table unknowntable priority 1", "unknown routing table 'unknowntable'")]
    public void Rules_a_spec_cannot_express_are_errors_and_not_installed(string line, string error)
    {
        var mapped = KernelSpecs.Rule(PlaneConfig.Rule(line));
        Assert.Null(mapped.Spec);
        Assert.Contains(mapped.Errors, e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void A_track_group_is_reported_while_the_object_is_installed()
    {
        var config = PlaneConfig.Load("track_group G1 {\n group {\n VI_1\n }\n}\nstatic_ipaddress {\n10.0.0.5/24 dev eth0 track_group G1\n}\n");
        var mapped = KernelSpecs.Address(Assert.Single(config.StaticIpAddresses), "eth0");
        Assert.NotNull(mapped.Spec);
        Assert.Contains("track_group G1 is not supported yet", Assert.Single(mapped.Errors), StringComparison.Ordinal);
    }
}

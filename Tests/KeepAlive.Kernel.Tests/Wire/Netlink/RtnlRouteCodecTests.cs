using System.Net;
using KeepAlive.Kernel.Wire.Netlink;
using static KeepAlive.Kernel.Tests.Wire.Netlink.RtnlTestSupport;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Expected bytes derived by hand from rtnetlink.h: struct rtmsg {u8 family, dst_len, src_len, tos, table,
/// protocol, scope, type; u32 flags}, RTM_NEWROUTE 24, RTM_DELROUTE 25, RTA_DST 1, RTA_OIF 4, RTA_GATEWAY 5,
/// RTA_PRIORITY 6, RTA_PREFSRC 7, RTA_TABLE 15, RTN_UNICAST 1, RTPROT_KEEPALIVED 18.</summary>
public sealed class RtnlRouteCodecTests
{
    internal static readonly RouteInfo Route4 = new(IPAddress.Parse("10.1.0.0"), 16)
    {
        Gateway = IPAddress.Parse("192.168.1.1"),
        OutputInterface = 3,
        Metric = 100,
        Table = 100,
        PreferredSource = IPAddress.Parse("192.168.1.10"),
    };

    internal static readonly RouteInfo Default6 = new(IPAddress.IPv6Any, 0)
    {
        Gateway = IPAddress.Parse("fe80::1"),
        OutputInterface = 2,
        Table = 1000,
    };

    [Fact]
    public void Add_ipv4_route_with_every_attribute()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlRouteCodec.WriteAdd(ref w, Route4, 1));
        Assert.Equal(
            "4c000000" + "1800" + "0506" + "01000000" + "00000000" +
            "02100000" + "64120001" + "00000000" +
            "08000f00" + "64000000" +
            "08000100" + "0a010000" +
            "08000700" + "c0a8010a" +
            "08000500" + "c0a80101" +
            "08000400" + "03000000" +
            "08000600" + "64000000",
            Hex.Format(bytes));
    }

    [Fact]
    public void Delete_ipv6_default_route_in_a_table_above_255()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlRouteCodec.WriteDelete(ref w, Default6, 2));
        Assert.Equal(
            "40000000" + "1900" + "0500" + "02000000" + "00000000" +
            "0a000000" + "00120001" + "00000000" +
            "08000f00" + "e8030000" +
            "14000500" + "fe800000000000000000000000000001" +
            "08000400" + "02000000",
            Hex.Format(bytes));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Routes_round_trip_through_the_parser(bool delete)
    {
        foreach (var route in new[] { Route4, Default6, new RouteInfo(IPAddress.Parse("192.168.5.0"), 24) { OutputInterface = 4, Scope = RouteScope.Link } })
        {
            var bytes = Build((ref NetlinkWriter w) =>
            {
                if (delete)
                {
                    RtnlRouteCodec.WriteDelete(ref w, route, 1);
                }
                else
                {
                    RtnlRouteCodec.WriteAdd(ref w, route, 1);
                }
            });
            Assert.Equal(NetlinkDecodeError.None, RtnlRouteCodec.TryParse(Single(bytes), out var parsed, out var removed));
            Assert.Equal(route, parsed);
            Assert.Equal(delete, removed);
        }
    }

    [Fact]
    public void A_gateway_of_the_wrong_family_size_is_rejected()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlRouteCodec.WriteAdd(ref w, Route4 with { Gateway = IPAddress.Parse("fe80::1") }, 1));
        Assert.Equal(NetlinkDecodeError.WrongAttributeLength, RtnlRouteCodec.TryParse(Single(bytes), out var parsed, out _));
        Assert.Null(parsed);
    }
}

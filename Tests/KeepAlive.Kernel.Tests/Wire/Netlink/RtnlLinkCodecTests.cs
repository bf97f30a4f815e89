using KeepAlive.Kernel.Wire.Netlink;
using static KeepAlive.Kernel.Tests.Wire.Netlink.RtnlTestSupport;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Expected bytes derived by hand from rtnetlink.h (struct ifinfomsg {u8 family, u8 pad, u16 type, s32 index,
/// u32 flags, u32 change}; RTM_NEWLINK 16, RTM_DELLINK 17, RTM_GETLINK 18) and if_link.h (IFLA_ADDRESS 1,
/// IFLA_IFNAME 3, IFLA_MTU 4, IFLA_LINK 5, IFLA_OPERSTATE 16, IFLA_LINKINFO 18, IFLA_INFO_KIND 1, IFLA_INFO_DATA 2,
/// IFLA_MACVLAN_MODE 1, MACVLAN_MODE_PRIVATE 1, MACVLAN_MODE_BRIDGE 4); IFF_UP 0x1, IFF_RUNNING 0x40,
/// IFF_LOWER_UP 0x10000 from if.h.</summary>
public sealed class RtnlLinkCodecTests
{
    internal static readonly MacvlanSpec Vmac = new("vrrp.51", 2, MacvlanMode.Private) { HardwareAddress = [0x00, 0x00, 0x5e, 0x00, 0x01, 0x33] };

    [Fact]
    public void Add_macvlan_with_mac_and_private_mode()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteAddMacvlan(ref w, Vmac, 1));
        Assert.Equal(
            "5c000000" + "1000" + "0506" + "01000000" + "00000000" +
            "00000000000000000000000000000000" +
            "0c000300" + "767272702e353100" +
            "08000500" + "02000000" +
            "0a000100" + "00005e000133" + "0000" +
            "1c001200" + "0c000100" + "6d6163766c616e00" + "0c000200" + "08000100" + "01000000",
            Hex.Format(bytes));
    }

    [Fact]
    public void Delete_by_index_and_dump_request()
    {
        Assert.Equal(
            "20000000" + "1100" + "0500" + "02000000" + "00000000" + "00000000" + "07000000" + "00000000" + "00000000",
            Hex.Format(Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteDelete(ref w, 7, 2))));
        Assert.Equal(
            "20000000" + "1200" + "0103" + "03000000" + "00000000" + "00000000000000000000000000000000",
            Hex.Format(Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteDump(ref w, 3))));
    }

    [Theory]
    [InlineData(MacvlanMode.Private, true)]
    [InlineData(MacvlanMode.Bridge, false)]
    public void Macvlan_request_round_trips_through_the_link_parser(MacvlanMode mode, bool withMac)
    {
        var spec = Vmac with { Mode = mode, HardwareAddress = withMac ? Vmac.HardwareAddress : null };
        var bytes = Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteAddMacvlan(ref w, spec, 1));

        // A request has ifindex 0; the kernel's event carries the new index. Patch it in to parse the same body.
        bytes[16 + 4] = 9;
        Assert.Equal(NetlinkDecodeError.None, RtnlLinkCodec.TryParse(Single(bytes), out var link, out var removed));
        Assert.False(removed);
        Assert.Equal(9, link!.Index);
        Assert.Equal(spec.Name, link.Name);
        Assert.Equal(spec.ParentIndex, link.ParentIndex);
        Assert.Equal("macvlan", link.Kind);
        Assert.Equal(mode, link.MacvlanMode);
        Assert.Equal(spec.HardwareAddress, link.HardwareAddress);
    }

    // ifinfomsg {0, 0, ARPHRD_ETHER 1, index 2, flags 0x11043 (UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP), change 0},
    // IFLA_IFNAME "eth0", IFLA_MTU 1500, IFLA_OPERSTATE 6 (UP), IFLA_ADDRESS 52:54:00:12:34:56, IFLA_TXQLEN 1000.
    private const string Eth0UpBody =
        "0000" + "0100" + "02000000" + "43100100" + "00000000" +
        "09000300" + "6574683000000000" +
        "08000400" + "dc050000" +
        "05001000" + "06000000" +
        "0a000100" + "525400123456" + "0000" +
        "08000d00" + "e8030000";

    [Theory]
    [InlineData(16, false)]
    [InlineData(17, true)]
    public void Kernel_link_events_decode_flags_operstate_mtu_and_mac(byte type, bool expectRemoved)
    {
        var bytes = Hex.Parse("50000000" + type.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + "00" + "0000" + "00000000" + "00000000" + Eth0UpBody);
        Assert.Equal(NetlinkDecodeError.None, RtnlLinkCodec.TryParse(Single(bytes), out var link, out var removed));
        Assert.Equal(expectRemoved, removed);
        Assert.Equal(2, link!.Index);
        Assert.Equal("eth0", link.Name);
        Assert.True(link.IsUp);
        Assert.True(link.IsRunning);
        Assert.True(link.IsLowerUp);
        Assert.Equal(OperState.Up, link.OperState);
        Assert.Equal(1500u, link.Mtu);
        Assert.Equal(new byte[] { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, link.HardwareAddress);
        Assert.Null(link.Kind);
    }

    [Fact]
    public void Link_down_event_clears_the_flags()
    {
        // flags 0x1002 (BROADCAST|MULTICAST): not up, not running, no carrier; operstate 2 (DOWN).
        var body = Eth0UpBody.Replace("43100100", "02100000").Replace("05001000" + "06000000", "05001000" + "02000000");
        var bytes = Hex.Parse("50000000" + "1000" + "0000" + "00000000" + "00000000" + body);
        Assert.Equal(NetlinkDecodeError.None, RtnlLinkCodec.TryParse(Single(bytes), out var link, out _));
        Assert.False(link!.IsUp);
        Assert.False(link.IsRunning);
        Assert.False(link.IsLowerUp);
        Assert.Equal(OperState.Down, link.OperState);
    }

    [Fact]
    public void A_link_without_a_name_or_with_a_short_mtu_is_rejected()
    {
        var noName = Hex.Parse("28000000" + "1000" + "0000" + "00000000" + "00000000" + "0000010002000000" + "4310010000000000" + "08000400dc050000");
        Assert.Equal(NetlinkDecodeError.MissingAttribute, RtnlLinkCodec.TryParse(Single(noName), out _, out _));
        var shortMtu = Hex.Parse("26000000" + "1000" + "0000" + "00000000" + "00000000" + "0000010002000000" + "4310010000000000" + "06000400dc050000");
        Assert.Equal(NetlinkDecodeError.WrongAttributeLength, RtnlLinkCodec.TryParse(Single(shortMtu[..0x26]), out _, out _));
    }
}

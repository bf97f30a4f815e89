using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Netlink;
using static KeepAlive.Kernel.Tests.Wire.Netlink.RtnlTestSupport;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Expected bytes derived by hand from if_addr.h (struct ifaddrmsg {u8 family, u8 prefixlen, u8 flags,
/// u8 scope, u32 index}; IFA_ADDRESS 1, IFA_LOCAL 2, IFA_LABEL 3, IFA_BROADCAST 4, IFA_FLAGS 8) and rtnetlink.h
/// (RTM_NEWADDR 20, RTM_DELADDR 21, RTM_GETADDR 22).</summary>
public sealed class RtnlAddressCodecTests
{
    internal static readonly AddressInfo Vip4 = new(3, IPAddress.Parse("10.9.0.100"), 32) { Label = "eth0:vip" };
    internal static readonly AddressInfo Vip6 = new(2, IPAddress.Parse("fd00::1"), 64) { Flags = AddressFlags.NoDad };
    internal static readonly AddressInfo Broadcast4 = new(3, IPAddress.Parse("192.168.1.10"), 24) { Broadcast = IPAddress.Parse("192.168.1.255") };

    [Fact]
    public void Add_ipv4_with_label()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, Vip4, 1));
        Assert.Equal(
            "38000000" + "1400" + "0506" + "01000000" + "00000000" +
            "02200000" + "03000000" +
            "08000200" + "0a090064" +
            "08000100" + "0a090064" +
            "0d000300" + "657468303a766970" + "00000000",
            Hex.Format(bytes));
    }

    [Fact]
    public void Add_ipv6_sets_nodad_in_the_header_byte_and_ifa_flags()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, Vip6, 2));
        Assert.Equal(
            "48000000" + "1400" + "0506" + "02000000" + "00000000" +
            "0a400200" + "02000000" +
            "14000200" + "fd000000000000000000000000000001" +
            "14000100" + "fd000000000000000000000000000001" +
            "08000800" + "02000000",
            Hex.Format(bytes));
    }

    [Fact]
    public void Add_ipv6_deprecated_carries_ifa_cacheinfo_with_preferred_0_and_valid_forever_and_delete_does_not()
    {
        var deprecated = new AddressInfo(2, IPAddress.Parse("fd00::1"), 128) { Flags = AddressFlags.NoDad, PreferredLifetime = 0 };
        var add = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, deprecated, 5));
        Assert.Equal(
            "5c000000" + "1400" + "0506" + "05000000" + "00000000" +
            "0a800200" + "02000000" +
            "14000200" + "fd000000000000000000000000000001" +
            "14000100" + "fd000000000000000000000000000001" +
            "08000800" + "02000000" +
            "14000600" + "00000000" + "ffffffff" + "00000000" + "00000000",
            Hex.Format(add));
        var delete = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteDelete(ref w, deprecated, 6));
        Assert.DoesNotContain("14000600", Hex.Format(delete), StringComparison.Ordinal);
        var forever = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, deprecated with { PreferredLifetime = uint.MaxValue }, 7));
        Assert.Equal(add.Length - 20, forever.Length);
    }

    [Fact]
    public void Delete_ipv4_with_broadcast()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteDelete(ref w, Broadcast4, 3));
        Assert.Equal(
            "30000000" + "1500" + "0500" + "03000000" + "00000000" +
            "02180000" + "03000000" +
            "08000200c0a8010a" + "08000100c0a8010a" + "08000400c0a801ff",
            Hex.Format(bytes));
    }

    [Fact]
    public void Dump_request_is_a_bare_ifaddrmsg_with_the_family()
    {
        var bytes = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteDump(ref w, AddressFamily.InterNetwork, 4));
        Assert.Equal("18000000" + "1600" + "0103" + "04000000" + "00000000" + "02000000" + "00000000", Hex.Format(bytes));
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Built_messages_round_trip_through_the_parser(AddressInfo address, bool delete)
    {
        var bytes = Build((ref NetlinkWriter w) =>
        {
            if (delete)
            {
                RtnlAddressCodec.WriteDelete(ref w, address, 9);
            }
            else
            {
                RtnlAddressCodec.WriteAdd(ref w, address, 9);
            }
        });
        Assert.Equal(NetlinkDecodeError.None, RtnlAddressCodec.TryParse(Single(bytes), out var parsed, out var removed));
        Assert.Equal(address, parsed);
        Assert.Equal(delete, removed);
    }

    public static TheoryData<AddressInfo, bool> Addresses() => new()
    {
        { Vip4, false },
        { Vip6, false },
        { Broadcast4, true },
        { new AddressInfo(4, IPAddress.Parse("10.0.0.1"), 32) { Peer = IPAddress.Parse("10.0.0.2"), Scope = RouteScope.Link }, false },
    };

    [Fact]
    public void A_kernel_newaddr_event_decodes_including_flags_label_and_skipped_cacheinfo()
    {
        var bytes = Hex.Parse(
            "58000000" + "1400" + "0000" + "00000000" + "00000000" +
            "02188000" + "02000000" +
            "08000100c0a8010a" + "08000200c0a8010a" + "08000400c0a801ff" +
            "0900030065746830" + "00000000" +
            "0800080080000000" +
            "14000600" + "ffffffffffffffff1000000010000000");
        Assert.Equal(NetlinkDecodeError.None, RtnlAddressCodec.TryParse(Single(bytes), out var address, out var removed));
        Assert.False(removed);
        Assert.Equal(
            new AddressInfo(2, IPAddress.Parse("192.168.1.10"), 24)
            {
                Flags = AddressFlags.Permanent,
                Label = "eth0",
                Broadcast = IPAddress.Parse("192.168.1.255"),
            },
            address);
    }

    [Theory]
    [InlineData("02200000" + "03000000" + "0a000200" + "0a0900640000", NetlinkDecodeError.WrongAttributeLength)] // 6-byte IPv4
    [InlineData("02210000" + "03000000" + "080002000a090064", NetlinkDecodeError.InvalidValue)]                 // prefix 33
    [InlineData("07200000" + "03000000" + "080002000a090064", NetlinkDecodeError.InvalidValue)]                 // family 7
    [InlineData("02200000" + "00000000" + "080002000a090064", NetlinkDecodeError.InvalidValue)]                 // ifindex 0
    [InlineData("02200000" + "03000000", NetlinkDecodeError.MissingAttribute)]                                  // no address
    [InlineData("022000", NetlinkDecodeError.Truncated)]                                                        // short ifaddrmsg
    public void Malformed_events_are_rejected_with_a_reason(string body, NetlinkDecodeError expected)
    {
        var payload = Hex.Parse(body);
        var bytes = new byte[16 + payload.Length];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), bytes.Length);
        bytes[4] = 20;
        payload.CopyTo(bytes, 16);
        Assert.Equal(expected, RtnlAddressCodec.TryParse(Single(bytes), out var address, out _));
        Assert.Null(address);
    }
}

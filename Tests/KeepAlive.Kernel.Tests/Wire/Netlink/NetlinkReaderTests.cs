using System.Net;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Message and attribute iteration over hand-written bytes (netlink.h layouts).</summary>
public sealed class NetlinkReaderTests
{
    // NLMSG_DONE (len 20, type 3, flags MULTI) then an ACK echoing a 16-byte header (len 36, type 2, flags CAPPED).
    private const string DoneThenAck =
        "14000000" + "0300" + "0200" + "07000000" + "09000000" + "00000000" +
        "24000000" + "0200" + "0001" + "07000000" + "09000000" + "00000000" + "20000000200005000700000009000000";

    [Fact]
    public void A_datagram_with_two_messages_yields_both_then_ends_cleanly()
    {
        var bytes = Hex.Parse(DoneThenAck);
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var done));
        Assert.True(done.IsDone);
        Assert.True(done.IsMultipart);
        Assert.Equal(7u, done.Sequence);
        Assert.Equal(9u, done.PortId);
        Assert.True(reader.TryRead(out var ack));
        Assert.Equal(NetlinkDecodeError.None, ack.TryGetError(out var error));
        Assert.Equal(new NetlinkError(0, true, 0x20, 0x5, 7, 9), error);
        Assert.True(error.IsAck);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(NetlinkDecodeError.None, reader.Error);
    }

    [Theory]
    [InlineData("0f000000030000000000000000000000", NetlinkDecodeError.BadMessageLength)] // len 15 < header
    [InlineData("15000000030000000000000000000000", NetlinkDecodeError.BadMessageLength)] // len 21 > datagram
    [InlineData("1000000003000000000000000000", NetlinkDecodeError.Truncated)]             // 14 bytes
    public void Bad_message_lengths_stop_iteration_with_a_reason(string hex, NetlinkDecodeError expected)
    {
        var reader = new NetlinkMessageReader(Hex.Parse(hex));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(expected, reader.Error);
    }

    [Fact]
    public void An_unaligned_last_message_is_accepted_and_the_padding_of_earlier_ones_skipped()
    {
        // len 17 (one payload byte, padded to 20), then a 16-byte message.
        var bytes = Hex.Parse("11000000100000000000000000000000" + "aa000000" + "10000000030000000000000000000000");
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(1, first.Payload.Length);
        Assert.True(reader.TryRead(out var second));
        Assert.True(second.IsDone);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(NetlinkDecodeError.None, reader.Error);
    }

    [Fact]
    public void An_error_gives_the_positive_errno_and_the_echoed_request()
    {
        // error -17 (0xffffffef), uncapped, echo of a 20-byte request (type 0x20 flags 5 seq 1 pid 2, genl cmd 1).
        var bytes = Hex.Parse("28000000" + "0200" + "0000" + "01000000" + "02000000" + "efffffff" + "14000000200005000100000002000000" + "01010000");
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var message));
        Assert.Equal(NetlinkDecodeError.None, message.TryGetError(out var error));
        Assert.Equal(17, error.Errno);
        Assert.False(error.Capped);
        Assert.Equal("EEXIST (File exists)", error.Describe());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Extended_ack_text_is_read_after_the_echoed_request(bool capped)
    {
        // NLMSGERR_ATTR_MSG (1) "ipv4: Address already assigned\0": 31 bytes, nla_len 35 (0x23), padded to 36.
        var text = Hex.Format("ipv4: Address already assigned\0"u8);
        var echo = capped
            ? "40000000" + "1400" + "0506" + "01000000" + "00000000"                  // header of a 64-byte request
            : "18000000" + "1400" + "0506" + "01000000" + "00000000" + "0220000003000000"; // a whole 24-byte request
        var flags = capped ? "0003" : "0002"; // NLM_F_ACK_TLVS 0x200, plus NLM_F_CAPPED 0x100
        var body = "efffffff" + echo + "23000100" + text + "00";
        var bytes = Hex.Parse((16 + (body.Length / 2)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture) + "000000" + "0200" + flags + "0100000000000000" + body);
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var message));
        Assert.Equal(NetlinkDecodeError.None, message.TryGetError(out var error));
        Assert.Equal(17, error.Errno);
        Assert.Equal(capped, error.Capped);
        Assert.Equal(20, error.RequestType);
        Assert.Equal("ipv4: Address already assigned", error.ExtendedMessage);
        Assert.Equal("EEXIST (File exists): ipv4: Address already assigned", error.Describe());
    }

    [Theory]
    [InlineData("1400000002000000000000000000000000000000")]             // payload of 4: no echoed header
    [InlineData("24000000020000000000000000000000" + "01000000" + "00000000000000000000000000000000")] // positive error
    public void Malformed_errors_are_rejected(string hex)
    {
        var reader = new NetlinkMessageReader(Hex.Parse(hex));
        Assert.True(reader.TryRead(out var message));
        Assert.NotEqual(NetlinkDecodeError.None, message.TryGetError(out _));
    }

    [Fact]
    public void Attribute_types_are_masked_and_flags_reported()
    {
        // type 0x8001 (nested flag) holding u32 5 at type 0x4002 (net byte order flag).
        var bytes = Hex.Parse("0c000180" + "08000240" + "05000000");
        var reader = new NetlinkAttributeReader(bytes);
        Assert.True(reader.TryRead(out var nest));
        Assert.Equal(1, nest.Type);
        Assert.True(nest.HasNestedFlag);
        var inner = nest.Nested;
        Assert.True(inner.TryRead(out var value));
        Assert.Equal(2, value.Type);
        Assert.True(value.HasNetByteOrderFlag);
        Assert.True(value.TryGetU32(out var v));
        Assert.Equal(5u, v);
        Assert.False(inner.TryRead(out _));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(NetlinkDecodeError.None, reader.Error);
    }

    [Theory]
    [InlineData("03000100", NetlinkDecodeError.BadAttributeLength)] // nla_len 3 < 4
    [InlineData("09000100aabbccdd", NetlinkDecodeError.BadAttributeLength)] // nla_len 9 > 8 bytes left
    [InlineData("0800", NetlinkDecodeError.Truncated)]
    public void Bad_attribute_lengths_stop_iteration_with_a_reason(string hex, NetlinkDecodeError expected)
    {
        var reader = new NetlinkAttributeReader(Hex.Parse(hex));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(expected, reader.Error);
    }

    [Fact]
    public void Typed_getters_fail_cleanly_on_the_wrong_length()
    {
        var reader = new NetlinkAttributeReader(Hex.Parse("0700010001020300"));
        Assert.True(reader.TryRead(out var a));
        Assert.False(a.TryGetU8(out _));
        Assert.False(a.TryGetU16(out _));
        Assert.False(a.TryGetU32(out _));
        Assert.False(a.TryGetU64(out _));
        Assert.False(a.TryGetBe16(out _));
        Assert.False(a.TryGetBe32(out _));
        Assert.False(a.TryGetAddress(out _));
        Assert.False(a.TryGetAddress(10, out _));
        Assert.True(a.TryGetString(out _) is false); // bytes 01 02 03 are not printable
    }

    [Fact]
    public void Typed_getters_read_the_documented_byte_orders()
    {
        var reader = new NetlinkAttributeReader(Hex.Parse("0600010000500000" + "08000200c0a80001" + "0700030065746800"));
        Assert.True(reader.TryRead(out var port));
        Assert.True(port.TryGetBe16(out var p));
        Assert.Equal(80, p);
        Assert.True(port.TryGetU16(out var hostOrder));
        Assert.Equal(0x5000, hostOrder);
        Assert.True(reader.TryRead(out var address));
        Assert.True(address.TryGetAddress(out var ip));
        Assert.Equal(IPAddress.Parse("192.168.0.1"), ip);
        Assert.True(reader.TryRead(out var name));
        Assert.True(name.TryGetString(out var s));
        Assert.Equal("eth", s);
    }

    [Fact]
    public void Errno_text_covers_the_common_netlink_errors()
    {
        Assert.Equal("ENOENT (No such file or directory)", ErrnoText.Describe(2));
        Assert.Equal("ESRCH (No such process)", ErrnoText.Describe(3));
        Assert.Equal("EINVAL (Invalid argument)", ErrnoText.Describe(22));
        Assert.Equal("EADDRNOTAVAIL (Cannot assign requested address)", ErrnoText.Describe(99));
        Assert.Equal("errno 4000", ErrnoText.Describe(4000));
    }
}

using System.Net;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Byte layouts derived by hand from include/uapi/linux/netlink.h: nlmsghdr {u32 len, u16 type, u16 flags,
/// u32 seq, u32 pid}, nlattr {u16 len, u16 type}, NLA_ALIGNTO 4, NLA_F_NESTED 0x8000.</summary>
public sealed class NetlinkWriterTests
{
    private static string Write(Action<Builder> build, int size = 256)
    {
        var buffer = new byte[size];
        var builder = new Builder(buffer);
        build(builder);
        return builder.Result;
    }

    /// <summary>Closure-friendly wrapper: a ref struct cannot be captured, so each step re-creates the writer state.</summary>
    private sealed class Builder(byte[] buffer)
    {
        private readonly List<WriterStep> _steps = [];

        public string Result
        {
            get
            {
                var writer = new NetlinkWriter(buffer);
                foreach (var step in _steps)
                {
                    step(ref writer);
                }

                Assert.True(writer.Ok);
                return Hex.Format(writer.Written);
            }
        }

        public Builder Do(WriterStep step)
        {
            _steps.Add(step);
            return this;
        }
    }

    private delegate void WriterStep(ref NetlinkWriter writer);

    [Fact]
    public void Header_length_is_back_patched_and_fields_are_little_endian()
    {
        var hex = Write(b => b
            .Do((ref NetlinkWriter w) => w.BeginMessage(0x1234, 0x0305, 0x01020304, 0x0a0b0c0d))
            .Do((ref NetlinkWriter w) => w.WriteGenlHeader(7, 1))
            .Do((ref NetlinkWriter w) => w.EndMessage()));
        Assert.Equal("14000000" + "3412" + "0503" + "04030201" + "0d0c0b0a" + "07010000", hex);
    }

    [Fact]
    public void Scalar_attributes_have_their_size_in_nla_len_and_are_zero_padded_to_four()
    {
        var hex = Write(b => b
            .Do((ref NetlinkWriter w) => w.WriteU8(1, 0xab))
            .Do((ref NetlinkWriter w) => w.WriteU16(2, 0x1234))
            .Do((ref NetlinkWriter w) => w.WriteU32(3, 0x01020304))
            .Do((ref NetlinkWriter w) => w.WriteU64(4, 0x0102030405060708))
            .Do((ref NetlinkWriter w) => w.WriteBe16(5, 80))
            .Do((ref NetlinkWriter w) => w.WriteBe32(6, 0xffffff00)));
        Assert.Equal(
            "05000100ab000000" + "0600020034120000" + "0800030004030201" + "0c0004000807060504030201" +
            "0600050000500000" + "08000600ffffff00",
            hex);
    }

    [Fact]
    public void Strings_are_nul_terminated_and_addresses_are_network_order()
    {
        var hex = Write(b => b
            .Do((ref NetlinkWriter w) => w.WriteString(2, "IPVS"))
            .Do((ref NetlinkWriter w) => w.WriteString(6, ""))
            .Do((ref NetlinkWriter w) => w.WriteAddress(1, IPAddress.Parse("192.168.1.2")))
            .Do((ref NetlinkWriter w) => w.WriteAddress(3, IPAddress.Parse("10.0.0.1"), 16))
            .Do((ref NetlinkWriter w) => w.WriteAddress(1, IPAddress.Parse("fe80::1"))));
        Assert.Equal(
            "09000200" + "4950565300000000" + "05000600" + "00000000" + "08000100c0a80102" +
            "140003000a000001000000000000000000000000" + "14000100fe800000000000000000000000000001",
            hex);
    }

    [Fact]
    public void Strings_are_utf8_and_control_characters_cannot_end_them_early()
    {
        var hex = Write(b => b
            .Do((ref NetlinkWriter w) => w.WriteString(3, "é\0x")));
        Assert.Equal("09000300" + "c3a93f7800000000", hex); // "é" = c3 a9, NUL written as '?', then 'x', NUL
        var reader = new NetlinkAttributeReader(Hex.Parse(hex));
        Assert.True(reader.TryRead(out var a));
        Assert.True(a.TryGetString(out var s));
        Assert.Equal("é?x", s);
        Assert.False(new NetlinkAttributeReader(Hex.Parse("07000300c3280000")).TryRead(out var bad) && bad.TryGetString(out _)); // invalid UTF-8
    }

    [Fact]
    public void Nests_back_patch_their_length_and_set_nla_f_nested_only_when_asked()
    {
        var hex = Write(b => b
            .Do((ref NetlinkWriter w) =>
            {
                var outer = w.BeginNest(1, setNestedFlag: true);
                w.WriteU8(2, 1);
                var inner = w.BeginNest(3, setNestedFlag: false);
                w.WriteU32(4, 5);
                w.EndNest(inner);
                w.EndNest(outer);
            }));
        Assert.Equal("18000180" + "0500020001000000" + "0c000300" + "0800040005000000", hex);
    }

    [Fact]
    public void Two_messages_in_one_buffer_each_get_their_own_length()
    {
        var hex = Write(b => b
            .Do((ref NetlinkWriter w) =>
            {
                w.BeginMessage(3, 0, 0, 0);
                w.WriteRaw([1, 2, 3]);
                Assert.Equal(20, w.EndMessage());
                w.BeginMessage(3, 0, 0, 0);
                Assert.Equal(16, w.EndMessage());
            }));
        Assert.Equal("14000000030000000000000000000000" + "01020300" + "10000000030000000000000000000000", hex);
    }

    [Fact]
    public void Every_too_small_buffer_reports_overflow_and_never_throws()
    {
        var fullLength = 0;
        for (var size = 0; size <= 64; size++)
        {
            var writer = new NetlinkWriter(new byte[size]);
            writer.BeginMessage(0x20, 5, 1, 2);
            writer.WriteGenlHeader(1, 1);
            var nest = writer.BeginNest(1, true);
            writer.WriteString(6, "wlc");
            writer.WriteU16(1, 2);
            writer.EndNest(nest);
            var length = writer.EndMessage();
            if (writer.Ok)
            {
                fullLength = fullLength == 0 ? size : fullLength;
                Assert.Equal(40, length); // 16 nlmsghdr + 4 genl + 4 nest + 8 "wlc\0" + 8 u16
            }
            else
            {
                Assert.True(writer.Overflow);
                Assert.Equal(0, length);
            }
        }

        Assert.Equal(40, fullLength);
    }

    [Fact]
    public void Ending_a_message_that_was_never_begun_is_an_error_not_an_exception()
    {
        var writer = new NetlinkWriter(new byte[32]);
        Assert.Equal(0, writer.EndMessage());
        Assert.False(writer.Ok);
    }

    [Fact]
    public void An_open_message_is_not_ok()
    {
        var writer = new NetlinkWriter(new byte[32]);
        writer.BeginMessage(1, 0, 0, 0);
        Assert.False(writer.Ok);
        Assert.False(writer.Overflow);
    }

    [Fact]
    public void An_attribute_longer_than_nla_len_can_express_is_an_overflow()
    {
        var writer = new NetlinkWriter(new byte[70000]);
        writer.WriteBytes(1, new byte[65532]);
        Assert.True(writer.Overflow);
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Text;
using KeepAlive.Kernel.Wire.Netlink;
using KeepAlive.Kernel.Wire.Netlink.Nftables;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Kernel.Tests.Wire.Netlink.Nftables;

/// <summary>The nf_tables batch layout (linux/netfilter/nf_tables.h, nfnetlink.h): begin/end framing with the
/// subsystem in res_id, one ACKed message per operation with consecutive sequences, nested attributes flagged,
/// the address offsets of the drop rules, and elements of the other family left out. The real kernel accepting these
/// batches is NftablesVipFirewallTests (privileged).</summary>
public sealed class NftBatchWriterTests
{
    private static List<(ushort Type, ushort Flags, uint Sequence, byte[] Payload)> Messages(ReadOnlySpan<byte> bytes)
    {
        var list = new List<(ushort, ushort, uint, byte[])>();
        var reader = new NetlinkMessageReader(bytes);
        while (reader.TryRead(out var m))
            list.Add((m.Type, m.Flags, m.Sequence, m.Payload.ToArray()));
        Assert.Equal(NetlinkDecodeError.None, reader.Error);
        return list;
    }

    [Fact]
    public void A_batch_is_framed_by_begin_and_end_for_the_nftables_subsystem()
    {
        var buffer = new byte[4096];
        var w = new NftBatchWriter(buffer, 100, 7);
        w.Begin();
        w.AddTable(FamilyIPv4, "keepalived");
        w.DeleteTable(FamilyIPv4, "keepalived");
        w.End();
        Assert.True(w.Ok);
        var messages = Messages(w.Written);
        Assert.Equal([BatchBegin, (ushort)(10 << 8 | MsgNewTable), (ushort)(10 << 8 | MsgDelTable), BatchEnd], messages.Select(m => m.Type));
        Assert.Equal([100u, 101u, 102u, 103u], messages.Select(m => m.Sequence));
        Assert.Equal(2, w.AckedMessages);
        Assert.Equal(104u, w.NextSequence);
        foreach (var control in new[] { messages[0], messages[3] })
        {
            Assert.Equal(0, control.Payload[0]);
            Assert.Equal(10, BinaryPrimitives.ReadUInt16BigEndian(control.Payload.AsSpan(2)));
            Assert.Equal(FlagRequest, control.Flags);
        }
        Assert.Equal(FlagRequest | FlagAck | FlagCreate, messages[1].Flags);
        Assert.Equal(FlagRequest | FlagAck, messages[2].Flags);
        Assert.Equal(FamilyIPv4, messages[1].Payload[0]);
        Assert.Equal("keepalived\0", Encoding.ASCII.GetString(Top(messages[1].Payload, TableName)));
    }

    [Theory]
    [InlineData(FamilyIPv4, true, 16u, 4u)]
    [InlineData(FamilyIPv4, false, 12u, 4u)]
    [InlineData(FamilyIPv6, true, 24u, 16u)]
    [InlineData(FamilyIPv6, false, 8u, 16u)]
    public void A_drop_rule_loads_the_address_at_its_offset_looks_it_up_and_drops(byte family, bool destination, uint offset, uint length)
    {
        var buffer = new byte[4096];
        var w = new NftBatchWriter(buffer, 1);
        w.AddAddressDropRule(family, "keepalived", destination ? "in" : "out", "vips", destination);
        Assert.True(w.Ok);
        var rule = Messages(w.Written).Single().Payload;
        var expressions = Nested(rule, RuleExpressions);
        Assert.Equal(["payload", "lookup", "immediate"], expressions.Select(e => e.Name));
        var payload = expressions[0].Data;
        Assert.Equal(offset, Be32(payload, PayloadOffset));
        Assert.Equal(length, Be32(payload, PayloadLength));
        Assert.Equal(BaseNetworkHeader, Be32(payload, PayloadBase));
        Assert.Equal("vips\0", Encoding.ASCII.GetString(Attribute(expressions[1].Data.AsSpan(), LookupSet)));
        Assert.Equal(Register1, Be32(expressions[1].Data, LookupSourceRegister));
        var verdict = Attribute(Attribute(expressions[2].Data.AsSpan(), ImmediateData), DataVerdict);
        Assert.Equal(VerdictDrop, Be32(verdict, VerdictCode));
    }

    [Fact]
    public void Elements_of_the_other_family_are_left_out()
    {
        var buffer = new byte[4096];
        var w = new NftBatchWriter(buffer, 1);
        w.SetElements(FamilyIPv4, "keepalived", "vips", [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("fd00::1"), IPAddress.Parse("10.0.0.2")], add: true);
        var message = Messages(w.Written).Single();
        Assert.Equal((ushort)(10 << 8 | MsgNewSetElem), message.Type);
        var elements = Elements(Top(message.Payload, ElemListElements, expectNested: true));
        Assert.Equal(["10.0.0.1", "10.0.0.2"], elements);
    }

    [Fact]
    public void A_batch_that_does_not_fit_is_not_ok()
    {
        var buffer = new byte[200];
        var w = new NftBatchWriter(buffer, 1);
        w.Begin();
        w.SetElements(FamilyIPv6, "keepalived", "vips", Enumerable.Range(1, 50).Select(i => IPAddress.Parse($"fd00::{i:x}")), add: true);
        w.End();
        Assert.False(w.Ok);
    }

    [Fact]
    public void Every_nest_carries_the_nested_flag()
    {
        var buffer = new byte[8192];
        var w = new NftBatchWriter(buffer, 1);
        w.AddBaseChain(FamilyIPv6, "keepalived", "in", HookLocalIn, -1);
        w.AddIcmpv6AcceptRule("keepalived", "in", 135);
        var messages = Messages(w.Written);
        var hook = Top(messages[0].Payload, ChainHook, expectNested: true);
        Assert.Equal(HookLocalIn, Be32(hook, HookNumber));
        Assert.Equal(-1, (int)Be32(hook, HookPriority));
        Assert.Equal(["meta", "cmp", "payload", "cmp", "immediate"], Nested(messages[1].Payload, RuleExpressions).Select(e => e.Name));
    }

    private static byte[] Top(byte[] payloadWithFamilyHeader, ushort type, bool expectNested = false) =>
        Find(payloadWithFamilyHeader.AsSpan(4), type, expectNested);

    private static byte[] Attribute(ReadOnlySpan<byte> attributes, ushort type) => Find(attributes, type, false);

    private static byte[] Find(ReadOnlySpan<byte> attributes, ushort type, bool expectNested)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var a))
        {
            if (a.Type != type)
                continue;
            if (expectNested)
                Assert.True(a.HasNestedFlag);
            return a.Value.ToArray();
        }
        Assert.Fail($"attribute {type} missing");
        return [];
    }

    private static uint Be32(byte[] attributes, ushort type) => BinaryPrimitives.ReadUInt32BigEndian(Attribute(attributes.AsSpan(), type));

    private static List<(string Name, byte[] Data)> Nested(byte[] payload, ushort type)
    {
        var list = new List<(string, byte[])>();
        var reader = new NetlinkAttributeReader(Find(payload.AsSpan(4), type, true));
        while (reader.TryRead(out var element))
        {
            Assert.True(element.HasNestedFlag);
            var name = Encoding.ASCII.GetString(Attribute(element.Value, ExprName)).TrimEnd('\0');
            list.Add((name, Attribute(element.Value, ExprData)));
        }
        return list;
    }

    private static List<string> Elements(byte[] list)
    {
        var result = new List<string>();
        var reader = new NetlinkAttributeReader(list);
        while (reader.TryRead(out var element))
            result.Add(new IPAddress(Attribute(Attribute(element.Value, ElemKey), DataValue)).ToString());
        return result;
    }
}

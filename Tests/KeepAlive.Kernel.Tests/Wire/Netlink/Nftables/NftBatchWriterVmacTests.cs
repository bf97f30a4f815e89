using System.Buffers.Binary;
using System.Text;
using KeepAlive.Kernel.Wire.Netlink;
using KeepAlive.Kernel.Wire.Netlink.Nftables;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Kernel.Tests.Wire.Netlink.Nftables;

/// <summary>
/// The use_vmac messages, derived from keepalived 2.2.7 vrrp_nftables.c (<c>setup_rule_move_igmp</c>,
/// <c>setup_rule_drop_router_solicit</c>, <c>nft_setup_igmp</c>, <c>nft_update_vmac_element</c>) with nf_tables.h's
/// numbers: expressions in keepalived's order with its registers (1: the group address, 2: the interface), IGMP =
/// protocol 2 at offset 9, MLDv2 report = ICMPv6 type 143, router solicitation = 133, the destination address at
/// offset 16 / 24, the map iface_index : iface_index with host-order keys. NftablesVmacFirewallTests (privileged)
/// shows the kernel accepts them and <c>nft</c> lists keepalived's rules.
/// </summary>
public sealed class NftBatchWriterVmacTests
{
    [Fact]
    public void The_igmp_rule_duplicates_the_report_to_the_base_interface_and_drops_it()
    {
        var e = Expressions((ref NftBatchWriter w) => w.AddVmacReportMoveRule(FamilyIPv4, "keepalived", "out", "vmac_map"));
        Assert.Equal(["payload", "cmp", "payload", "meta", "cmp", "meta", "lookup", "dup", "counter", "immediate"], e.Select(x => x.Name));
        Assert.Equal((BaseNetworkHeader, 9u, 1u, Register1), Payload(e[0].Data));
        Assert.Equal([ProtocolIgmp], CmpValue(e[1].Data, Register1));
        Assert.Equal((BaseNetworkHeader, 16u, 4u, Register1), Payload(e[2].Data));
        AssertFromVmac(e.Skip(3).Take(4).ToList(), "vmac_map", mapped: true);
        Assert.Equal((Register1, Register2), (Be32(e[7].Data, DupAddressRegister), Be32(e[7].Data, DupDeviceRegister)));
        Assert.Empty(e[8].Data);
        Assert.Equal(VerdictDrop, Be32(Find(Find(e[9].Data, ImmediateData), DataVerdict), VerdictCode));
    }

    [Fact]
    public void The_mld_rule_matches_mldv2_reports_and_duplicates_them_to_the_ipv6_group()
    {
        var e = Expressions((ref NftBatchWriter w) => w.AddVmacReportMoveRule(FamilyIPv6, "keepalived", "out", "vmac_map"));
        Assert.Equal(["meta", "cmp", "payload", "cmp", "payload", "meta", "cmp", "meta", "lookup", "dup", "counter", "immediate"], e.Select(x => x.Name));
        Assert.Equal((MetaL4Protocol, Register1), (Be32(e[0].Data, MetaKey), Be32(e[0].Data, MetaDestRegister)));
        Assert.Equal([ProtocolIcmpv6], CmpValue(e[1].Data, Register1));
        Assert.Equal((BaseTransportHeader, 0u, 1u, Register1), Payload(e[2].Data));
        Assert.Equal([(byte)143], CmpValue(e[3].Data, Register1));
        Assert.Equal((BaseNetworkHeader, 24u, 16u, Register1), Payload(e[4].Data));
        AssertFromVmac(e.Skip(5).Take(4).ToList(), "vmac_map", mapped: true);
    }

    [Fact]
    public void The_router_solicitation_rule_looks_the_interface_up_in_the_set_and_drops()
    {
        var e = Expressions((ref NftBatchWriter w) => w.AddVmacRouterSolicitDropRule("keepalived", "out", "vmac_set"));
        Assert.Equal(["meta", "cmp", "payload", "cmp", "meta", "cmp", "meta", "lookup", "counter", "immediate"], e.Select(x => x.Name));
        Assert.Equal([(byte)133], CmpValue(e[3].Data, Register1));
        AssertFromVmac(e.Skip(4).Take(4).ToList(), "vmac_set", mapped: false);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_interface_map_and_set_have_iface_index_keys_in_host_order(bool map)
    {
        var payload = Single((ref NftBatchWriter w) => w.AddInterfaceSet(FamilyIPv6, "keepalived", map ? "vmac_map" : "vmac_set", 2, map), out var type);
        Assert.Equal((ushort)(SubsystemNftables << 8 | MsgNewSet), type);
        var a = payload.AsSpan(4).ToArray();
        Assert.Equal((map ? SetFlagMap : 0u, TypeInterfaceIndex, 4u), (Be32(a, SetFlags), Be32(a, SetKeyType), Be32(a, SetKeyLength)));
        Assert.Equal(map, Has(a, SetDataType));
        if (map)
            Assert.Equal((TypeInterfaceIndex, 4u), (Be32(a, SetDataType), Be32(a, SetDataLength)));
        // libnftnl user data: key (and data) byte order = host, each a type, a length and a host-order u32.
        Assert.Equal(map ? "000401000000010401000000" : "000401000000", Convert.ToHexString(Find(a, SetUserData)));
    }

    [Fact]
    public void A_map_element_is_the_vmac_index_with_the_base_index_both_host_order()
    {
        var payload = Single((ref NftBatchWriter w) => w.InterfaceElement(FamilyIPv4, "keepalived", "vmac_map", 7, 2, add: true), out var type);
        Assert.Equal((ushort)(SubsystemNftables << 8 | MsgNewSetElem), type);
        var element = Find(Find(payload.AsSpan(4).ToArray(), ElemListElements), ListElement);
        Assert.Equal("07000000", Convert.ToHexString(Find(Find(element, ElemKey), DataValue)));
        Assert.Equal("02000000", Convert.ToHexString(Find(Find(element, ElemData), DataValue)));

        var deleted = Single((ref NftBatchWriter w) => w.InterfaceElement(FamilyIPv6, "keepalived", "vmac_set", 7, 0, add: false), out type);
        Assert.Equal((ushort)(SubsystemNftables << 8 | MsgDelSetElem), type);
        Assert.False(Has(Find(Find(deleted.AsSpan(4).ToArray(), ElemListElements), ListElement), ElemData));
    }

    /// <summary><c>meta oifkind</c> into register 2 equal to "macvlan" padded to 16 bytes, <c>meta oif</c> into
    /// register 2, looked up in <paramref name="set"/> (through a map: the result back in register 2).</summary>
    private static void AssertFromVmac(List<(string Name, byte[] Data)> e, string set, bool mapped)
    {
        Assert.Equal((MetaOutputInterfaceKind, Register2), (Be32(e[0].Data, MetaKey), Be32(e[0].Data, MetaDestRegister)));
        Assert.Equal("macvlan\0\0\0\0\0\0\0\0\0", Encoding.ASCII.GetString(CmpValue(e[1].Data, Register2)));
        Assert.Equal((MetaOutputInterface, Register2), (Be32(e[2].Data, MetaKey), Be32(e[2].Data, MetaDestRegister)));
        Assert.Equal(set + "\0", Encoding.ASCII.GetString(Find(e[3].Data, LookupSet)));
        Assert.Equal(Register2, Be32(e[3].Data, LookupSourceRegister));
        Assert.Equal(mapped, Has(e[3].Data, LookupDestRegister));
        if (mapped)
            Assert.Equal(Register2, Be32(e[3].Data, LookupDestRegister));
    }

    private delegate void Write(ref NftBatchWriter writer);

    private static byte[] Single(Write write, out ushort type)
    {
        var buffer = new byte[4096];
        var w = new NftBatchWriter(buffer, 1);
        write(ref w);
        Assert.True(w.Ok);
        var reader = new NetlinkMessageReader(w.Written);
        Assert.True(reader.TryRead(out var m));
        type = m.Type;
        var payload = m.Payload.ToArray();
        Assert.False(reader.TryRead(out _));
        return payload;
    }

    private static List<(string Name, byte[] Data)> Expressions(Write write)
    {
        var payload = Single(write, out _);
        var list = new List<(string, byte[])>();
        var reader = new NetlinkAttributeReader(Find(payload.AsSpan(4).ToArray(), RuleExpressions));
        while (reader.TryRead(out var element))
        {
            var value = element.Value.ToArray();
            list.Add((Encoding.ASCII.GetString(Find(value, ExprName)).TrimEnd('\0'), Find(value, ExprData)));
        }
        return list;
    }

    private static (uint Base, uint Offset, uint Length, uint Register) Payload(byte[] data) =>
        (Be32(data, PayloadBase), Be32(data, PayloadOffset), Be32(data, PayloadLength), Be32(data, PayloadDestRegister));

    private static byte[] CmpValue(byte[] data, uint register)
    {
        Assert.Equal((register, CmpEqual), (Be32(data, CmpSourceRegister), Be32(data, CmpOp)));
        return Find(Find(data, CmpData), DataValue);
    }

    private static bool Has(byte[] attributes, ushort type)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var a))
        {
            if (a.Type == type)
                return true;
        }
        return false;
    }

    private static byte[] Find(byte[] attributes, ushort type)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.TryRead(out var a))
        {
            if (a.Type == type)
                return a.Value.ToArray();
        }
        Assert.Fail($"attribute {type} missing");
        return [];
    }

    private static uint Be32(byte[] attributes, ushort type) => BinaryPrimitives.ReadUInt32BigEndian(Find(attributes, type));
}

using System.Buffers.Binary;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Kernel.Wire.Netlink.Nftables;

/// <summary>
/// The use_vmac part of the firewall (keepalived 2.2.7 vrrp_nftables.c <c>nft_setup_igmp</c>): a VMAC (macvlan)
/// interface must not send IGMP or MLD reports with the virtual MAC as source, so in the <c>out</c> chain they are
/// duplicated to the same group on the VMAC's base interface and dropped on the VMAC; IPv6 router solicitations from a
/// VMAC are dropped. The VMACs are the keys of the map <c>vmac_map</c> (VMAC ifindex : base ifindex) and, for IPv6,
/// of the set <c>vmac_set</c>.
/// </summary>
public ref partial struct NftBatchWriter
{
    /// <summary>The macvlan kind as <c>meta oifkind</c> yields it: the name padded to IFNAMSIZ.</summary>
    private static ReadOnlySpan<byte> MacvlanKind => "macvlan\0\0\0\0\0\0\0\0\0"u8;

    /// <summary><c>add map FAMILY TABLE NAME { type iface_index : iface_index; }</c> (<paramref name="map"/>), else
    /// <c>add set FAMILY TABLE NAME { type iface_index; }</c>. Indexes are in host byte order, which the user data
    /// tells <c>nft</c> (as keepalived's <c>setup_set</c> does), so it lists them as numbers it can read.</summary>
    public void AddInterfaceSet(byte family, string table, string set, uint id, bool map)
    {
        Open(MsgNewSet, family, FlagCreate);
        _writer.WriteString(SetTable, table);
        _writer.WriteString(SetName, set);
        _writer.WriteBe32(SetFlags, map ? SetFlagMap : 0);
        _writer.WriteBe32(SetKeyType, TypeInterfaceIndex);
        _writer.WriteBe32(SetKeyLength, 4);
        if (map)
        {
            _writer.WriteBe32(SetDataType, TypeInterfaceIndex);
            _writer.WriteBe32(SetDataLength, 4);
        }
        _writer.WriteBe32(SetId, id);
        Span<byte> user = [UserDataKeyByteOrder, 4, 0, 0, 0, 0, UserDataDataByteOrder, 4, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(user[2..], ByteOrderHost);
        BinaryPrimitives.WriteUInt32LittleEndian(user[8..], ByteOrderHost);
        _writer.WriteBytes(SetUserData, map ? user : user[..6]);
        Close();
    }

    /// <summary>
    /// IPv4: <c>add rule ip TABLE CHAIN ip protocol igmp meta oifkind "macvlan" dup to ip daddr device oif map @MAP
    /// counter drop</c>; IPv6: the same for <c>icmpv6 type mld2-listener-report</c> to <c>ip6 daddr</c>.
    /// </summary>
    public void AddVmacReportMoveRule(byte family, string table, string chain, string map)
    {
        var expressions = OpenRule(family, table, chain);
        if (family == FamilyIPv4)
        {
            Payload(BaseNetworkHeader, 9, 1);                       // ip protocol
            Compare(ProtocolIgmp);
            Payload(BaseNetworkHeader, 16, 4);                      // ip daddr
        }
        else
        {
            Icmpv6Type(Icmpv6Mld2Report);
            Payload(BaseNetworkHeader, 24, 16);                     // ip6 daddr
        }
        FromVmac(map, mapToBase: true);
        var dup = Expression("dup");
        _writer.WriteBe32(DupAddressRegister, Register1);
        _writer.WriteBe32(DupDeviceRegister, Register2);
        EndExpression(dup);
        CountAndDrop();
        CloseRule(expressions);
    }

    /// <summary><c>add rule ip6 TABLE CHAIN icmpv6 type nd-router-solicit meta oifkind "macvlan" oif @SET counter
    /// drop</c>.</summary>
    public void AddVmacRouterSolicitDropRule(string table, string chain, string set)
    {
        var expressions = OpenRule(FamilyIPv6, table, chain);
        Icmpv6Type(Icmpv6RouterSolicit);
        FromVmac(set, mapToBase: false);
        CountAndDrop();
        CloseRule(expressions);
    }

    /// <summary>Adds (<paramref name="add"/>) or deletes one VMAC of an interface set, or of a map with its base
    /// interface (<paramref name="baseIndex"/> non-zero): <c>add|delete element FAMILY TABLE SET { VMAC [: BASE] }</c>.
    /// Interface indexes are in host byte order, as nft's iface_index type is.</summary>
    public void InterfaceElement(byte family, string table, string set, uint vmacIndex, uint baseIndex, bool add)
    {
        Open(add ? MsgNewSetElem : MsgDelSetElem, family, add ? FlagCreate : (ushort)0);
        _writer.WriteString(ElemListTable, table);
        _writer.WriteString(ElemListSet, set);
        var list = _writer.BeginNest(ElemListElements, setNestedFlag: true);
        var element = _writer.BeginNest(ListElement, setNestedFlag: true);
        var key = _writer.BeginNest(ElemKey, setNestedFlag: true);
        _writer.WriteU32(DataValue, vmacIndex);
        _writer.EndNest(key);
        if (baseIndex != 0)
        {
            var data = _writer.BeginNest(ElemData, setNestedFlag: true);
            _writer.WriteU32(DataValue, baseIndex);
            _writer.EndNest(data);
        }
        _writer.EndNest(element);
        _writer.EndNest(list);
        Close();
    }

    /// <summary><c>meta oifkind "macvlan" oif @SET</c>, register 2; through a map the base's index is left in
    /// register 2.</summary>
    private void FromVmac(string set, bool mapToBase)
    {
        Meta(MetaOutputInterfaceKind, Register2);
        Compare(MacvlanKind, Register2);
        Meta(MetaOutputInterface, Register2);
        var lookup = Expression("lookup");
        _writer.WriteString(LookupSet, set);
        _writer.WriteBe32(LookupSourceRegister, Register2);
        if (mapToBase)
            _writer.WriteBe32(LookupDestRegister, Register2);
        EndExpression(lookup);
    }

    private void CountAndDrop()
    {
        EndExpression(Expression("counter"));
        Verdict(VerdictDrop);
    }
}

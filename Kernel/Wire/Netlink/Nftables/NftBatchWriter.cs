using System.Buffers.Binary;
using System.Net;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Kernel.Wire.Netlink.Nftables;

/// <summary>
/// Writes one nf_tables transaction: a batch (NFNL_MSG_BATCH_BEGIN … NFNL_MSG_BATCH_END) whose messages the kernel
/// applies all or none. Every message between begin and end asks for an ACK, so the caller knows which one failed.
/// Only what the VIP firewall needs: tables, base chains, address sets, rules that match an address against a set or
/// an ICMPv6 type, and set elements. Pure: bytes into the caller's buffer; check <see cref="Ok"/> before sending.
/// </summary>
public ref partial struct NftBatchWriter
{
    private NetlinkWriter _writer;
    private readonly uint _portId;

    public NftBatchWriter(Span<byte> buffer, uint firstSequence, uint portId = 0)
    {
        _writer = new NetlinkWriter(buffer);
        _portId = portId;
        FirstSequence = firstSequence;
        NextSequence = firstSequence;
    }

    /// <summary>The sequence of the batch-begin message.</summary>
    public uint FirstSequence { get; }

    /// <summary>The sequence the next message gets; after <see cref="End"/>, one past the batch-end message.</summary>
    public uint NextSequence { get; private set; }

    /// <summary>How many messages asked for an ACK (every one between begin and end).</summary>
    public int AckedMessages { get; private set; }

    public readonly bool Ok => _writer.Ok;

    public readonly ReadOnlySpan<byte> Written => _writer.Written;

    public void Begin() => Control(BatchBegin);

    public void End() => Control(BatchEnd);

    /// <summary><c>add table FAMILY NAME</c> (no error when it exists).</summary>
    public void AddTable(byte family, string table)
    {
        Open(MsgNewTable, family, FlagCreate);
        _writer.WriteString(TableName, table);
        Close();
    }

    /// <summary><c>delete table FAMILY NAME</c> with its chains, sets and rules (ENOENT when absent).</summary>
    public void DeleteTable(byte family, string table)
    {
        Open(MsgDelTable, family, 0);
        _writer.WriteString(TableName, table);
        Close();
    }

    /// <summary>A base chain <c>{ type filter hook HOOK priority PRIORITY; policy accept; }</c>.</summary>
    public void AddBaseChain(byte family, string table, string chain, uint hook, int priority)
    {
        Open(MsgNewChain, family, FlagCreate);
        _writer.WriteString(ChainTable, table);
        _writer.WriteString(ChainName, chain);
        var nest = _writer.BeginNest(ChainHook, setNestedFlag: true);
        _writer.WriteBe32(HookNumber, hook);
        _writer.WriteBe32(HookPriority, unchecked((uint)priority));
        _writer.EndNest(nest);
        _writer.WriteBe32(ChainPolicy, VerdictAccept);
        _writer.WriteString(ChainType, "filter");
        Close();
    }

    /// <summary>A named address set: <c>add set FAMILY TABLE NAME { type ipv4_addr|ipv6_addr; }</c>.</summary>
    public void AddAddressSet(byte family, string table, string set, uint id)
    {
        Open(MsgNewSet, family, FlagCreate);
        _writer.WriteString(SetTable, table);
        _writer.WriteString(SetName, set);
        _writer.WriteBe32(SetFlags, 0);
        _writer.WriteBe32(SetKeyType, family == FamilyIPv4 ? TypeIPv4Address : TypeIPv6Address);
        _writer.WriteBe32(SetKeyLength, family == FamilyIPv4 ? 4u : 16u);
        _writer.WriteBe32(SetId, id);
        Close();
    }

    /// <summary><c>add rule FAMILY TABLE CHAIN ip[6] daddr|saddr @SET drop</c>.</summary>
    public void AddAddressDropRule(byte family, string table, string chain, string set, bool matchDestination)
    {
        var expressions = OpenRule(family, table, chain);
        bool v4 = family == FamilyIPv4;
        uint offset = v4 ? (matchDestination ? 16u : 12u) : (matchDestination ? 24u : 8u);
        Payload(BaseNetworkHeader, offset, v4 ? 4u : 16u);
        var lookup = Expression("lookup");
        _writer.WriteString(LookupSet, set);
        _writer.WriteBe32(LookupSourceRegister, Register1);
        EndExpression(lookup);
        Verdict(VerdictDrop);
        CloseRule(expressions);
    }

    /// <summary><c>add rule ip6 TABLE CHAIN meta l4proto ipv6-icmp icmpv6 type TYPE accept</c> (neighbour discovery
    /// must still reach and leave a VIP that is otherwise dropped).</summary>
    public void AddIcmpv6AcceptRule(string table, string chain, byte icmpType)
    {
        var expressions = OpenRule(FamilyIPv6, table, chain);
        Icmpv6Type(icmpType);
        Verdict(VerdictAccept);
        CloseRule(expressions);
    }

    /// <summary>Adds (<paramref name="add"/>) or deletes set elements: <c>add|delete element FAMILY TABLE SET { … }</c>.
    /// Adding an element that exists is not an error; deleting one that does not exist is (ENOENT).</summary>
    public void SetElements(byte family, string table, string set, IEnumerable<IPAddress> addresses, bool add)
    {
        Open(add ? MsgNewSetElem : MsgDelSetElem, family, add ? FlagCreate : (ushort)0);
        _writer.WriteString(ElemListTable, table);
        _writer.WriteString(ElemListSet, set);
        var list = _writer.BeginNest(ElemListElements, setNestedFlag: true);
        Span<byte> bytes = stackalloc byte[16];
        foreach (var address in addresses)
        {
            if (!address.TryWriteBytes(bytes, out int length) || length != (family == FamilyIPv4 ? 4 : 16))
                continue;
            var element = _writer.BeginNest(ListElement, setNestedFlag: true);
            var key = _writer.BeginNest(ElemKey, setNestedFlag: true);
            _writer.WriteBytes(DataValue, bytes[..length]);
            _writer.EndNest(key);
            _writer.EndNest(element);
        }
        _writer.EndNest(list);
        Close();
    }

    private void Control(ushort type)
    {
        _writer.BeginMessage(type, FlagRequest, NextSequence++, _portId);
        Span<byte> header = stackalloc byte[4];
        header[0] = 0;
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], SubsystemNftables);
        _writer.WriteRaw(header);
        _writer.EndMessage();
    }

    private void Open(byte message, byte family, ushort flags)
    {
        _writer.BeginMessage((ushort)((SubsystemNftables << 8) | message), (ushort)(FlagRequest | FlagAck | flags), NextSequence++, _portId);
        Span<byte> header = stackalloc byte[4];
        header[0] = family;
        header[1] = 0;
        header[2] = 0;
        header[3] = 0;
        _writer.WriteRaw(header);
        AckedMessages++;
    }

    private void Close() => _writer.EndMessage();

    /// <summary>Opens <c>add rule FAMILY TABLE CHAIN</c> (appended) up to its expression list.</summary>
    private NestToken OpenRule(byte family, string table, string chain)
    {
        Open(MsgNewRule, family, FlagCreate | FlagAppend);
        _writer.WriteString(RuleTable, table);
        _writer.WriteString(RuleChain, chain);
        return _writer.BeginNest(RuleExpressions, setNestedFlag: true);
    }

    private void CloseRule(NestToken expressions)
    {
        _writer.EndNest(expressions);
        Close();
    }

    private (NestToken Element, NestToken Data) Expression(string name)
    {
        var element = _writer.BeginNest(ListElement, setNestedFlag: true);
        _writer.WriteString(ExprName, name);
        return (element, _writer.BeginNest(ExprData, setNestedFlag: true));
    }

    private void EndExpression((NestToken Element, NestToken Data) expression)
    {
        _writer.EndNest(expression.Data);
        _writer.EndNest(expression.Element);
    }

    /// <summary><c>meta l4proto ipv6-icmp icmpv6 type TYPE</c>, in register 1.</summary>
    private void Icmpv6Type(byte icmpType)
    {
        Meta(MetaL4Protocol, Register1);
        Compare(ProtocolIcmpv6);
        Payload(BaseTransportHeader, 0, 1);
        Compare(icmpType);
    }

    private void Meta(uint key, uint register)
    {
        var meta = Expression("meta");
        _writer.WriteBe32(MetaKey, key);
        _writer.WriteBe32(MetaDestRegister, register);
        EndExpression(meta);
    }

    private void Payload(uint @base, uint offset, uint length, uint register = Register1)
    {
        var payload = Expression("payload");
        _writer.WriteBe32(PayloadDestRegister, register);
        _writer.WriteBe32(PayloadBase, @base);
        _writer.WriteBe32(PayloadOffset, offset);
        _writer.WriteBe32(PayloadLength, length);
        EndExpression(payload);
    }

    private void Compare(byte value) => Compare([value], Register1);

    private void Compare(scoped ReadOnlySpan<byte> value, uint register)
    {
        var cmp = Expression("cmp");
        _writer.WriteBe32(CmpSourceRegister, register);
        _writer.WriteBe32(CmpOp, CmpEqual);
        var data = _writer.BeginNest(CmpData, setNestedFlag: true);
        _writer.WriteBytes(DataValue, value);
        _writer.EndNest(data);
        EndExpression(cmp);
    }

    private void Verdict(uint code)
    {
        var immediate = Expression("immediate");
        _writer.WriteBe32(ImmediateDestRegister, RegisterVerdict);
        var data = _writer.BeginNest(ImmediateData, setNestedFlag: true);
        var verdict = _writer.BeginNest(DataVerdict, setNestedFlag: true);
        _writer.WriteBe32(VerdictCode, code);
        _writer.EndNest(verdict);
        _writer.EndNest(data);
        EndExpression(immediate);
    }
}

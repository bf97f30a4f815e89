namespace KeepAlive.Kernel.Wire.Netlink.Nftables;

/// <summary>The nf_tables netlink numbers used here (linux/netfilter/nf_tables.h, nfnetlink.h).</summary>
public static class NftConstants
{
    public const byte SubsystemNftables = 10;
    public const ushort BatchBegin = 0x10;
    public const ushort BatchEnd = 0x11;

    public const byte MsgNewTable = 0, MsgDelTable = 2, MsgNewChain = 3, MsgNewRule = 6, MsgNewSet = 9, MsgGetSetElem = 13;
    public const byte MsgNewSetElem = 12, MsgDelSetElem = 14;

    public const byte FamilyIPv4 = 2, FamilyIPv6 = 10;

    public const ushort TableName = 1;
    public const ushort ChainTable = 1, ChainName = 3, ChainHook = 4, ChainPolicy = 5, ChainType = 7;
    public const ushort HookNumber = 1, HookPriority = 2;
    public const uint HookLocalIn = 1, HookLocalOut = 3;
    public const uint VerdictDrop = 0, VerdictAccept = 1;

    public const ushort SetTable = 1, SetName = 2, SetFlags = 3, SetKeyType = 4, SetKeyLength = 5, SetDataType = 6, SetDataLength = 7, SetId = 10, SetUserData = 13;

    /// <summary>libnftnl's set user data (NFTNL_UDATA_SET_KEYBYTEORDER, _DATABYTEORDER; nft's BYTEORDER_HOST_ENDIAN):
    /// how <c>nft</c> shows a set's keys and data. The kernel ignores it.</summary>
    public const byte UserDataKeyByteOrder = 0, UserDataDataByteOrder = 1, ByteOrderHost = 1;

    /// <summary>NFT_SET_MAP: a set whose elements carry data (a map).</summary>
    public const uint SetFlagMap = 0x8;

    /// <summary>nft's datatype numbers for a set key or map data: ipv4_addr, ipv6_addr, iface_index.</summary>
    public const uint TypeIPv4Address = 7, TypeIPv6Address = 8, TypeInterfaceIndex = 20;

    public const ushort ElemListTable = 1, ElemListSet = 2, ElemListElements = 3, ListElement = 1, ElemKey = 1, ElemData = 2, DataValue = 1;
    public const ushort DataVerdict = 2, VerdictCode = 1;

    public const ushort RuleTable = 1, RuleChain = 2, RuleExpressions = 4;
    public const ushort ExprName = 1, ExprData = 2;
    public const ushort PayloadDestRegister = 1, PayloadBase = 2, PayloadOffset = 3, PayloadLength = 4;
    public const uint BaseNetworkHeader = 1, BaseTransportHeader = 2;
    public const ushort LookupSet = 1, LookupSourceRegister = 2, LookupDestRegister = 3;
    public const ushort DupAddressRegister = 1, DupDeviceRegister = 2;
    public const ushort ImmediateDestRegister = 1, ImmediateData = 2;
    public const ushort MetaDestRegister = 1, MetaKey = 2;
    public const uint MetaOutputInterface = 5, MetaL4Protocol = 16, MetaOutputInterfaceKind = 27;
    public const ushort CmpSourceRegister = 1, CmpOp = 2, CmpData = 3;
    public const uint CmpEqual = 0;
    public const uint RegisterVerdict = 0, Register1 = 1, Register2 = 2;

    /// <summary>IP protocol numbers: IGMP, ICMPv6.</summary>
    public const byte ProtocolIgmp = 2, ProtocolIcmpv6 = 58;

    /// <summary>ICMPv6 types: router solicitation, MLDv2 listener report.</summary>
    public const byte Icmpv6RouterSolicit = 133, Icmpv6Mld2Report = 143;

    public const ushort FlagRequest = 0x1, FlagAck = 0x4, FlagCreate = 0x400, FlagAppend = 0x800;
}

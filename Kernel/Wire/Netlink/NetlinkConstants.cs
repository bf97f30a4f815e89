namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Numbers from include/uapi/linux/netlink.h and genetlink.h. They never leave Kernel/Wire.</summary>
internal static class NetlinkConstants
{
    public const int HeaderLength = 16;          // struct nlmsghdr
    public const int AttributeHeaderLength = 4;  // struct nlattr
    public const int GenlHeaderLength = 4;       // struct genlmsghdr
    public const int ErrorPayloadMinimum = 4;    // struct nlmsgerr.error

    public const ushort MessageNoop = 0x1;
    public const ushort MessageError = 0x2;
    public const ushort MessageDone = 0x3;
    public const ushort MessageOverrun = 0x4;
    public const ushort MinimumType = 0x10;      // NLMSG_MIN_TYPE, also GENL_ID_CTRL

    public const ushort FlagRequest = 0x01;
    public const ushort FlagMulti = 0x02;
    public const ushort FlagAck = 0x04;
    public const ushort FlagDump = 0x300;        // NLM_F_ROOT | NLM_F_MATCH
    public const ushort FlagReplace = 0x100;
    public const ushort FlagExclusive = 0x200;
    public const ushort FlagCreate = 0x400;
    public const ushort FlagCapped = 0x100;      // on NLMSG_ERROR: only the request header was echoed
    public const ushort FlagAckTlvs = 0x200;

    public const ushort AttributeNested = 0x8000;          // NLA_F_NESTED
    public const ushort AttributeNetByteOrder = 0x4000;    // NLA_F_NET_BYTEORDER
    public const ushort AttributeTypeMask = 0x3fff;

    public const ushort GenlControlId = 0x10;    // GENL_ID_CTRL
    public const byte CtrlCmdNewFamily = 1;
    public const byte CtrlCmdGetFamily = 3;
    public const byte CtrlVersion = 1;
    public const ushort CtrlAttrFamilyId = 1;
    public const ushort CtrlAttrFamilyName = 2;
    public const ushort CtrlAttrVersion = 3;
    public const ushort CtrlAttrHeaderSize = 4;
    public const ushort CtrlAttrMaxAttr = 5;

    public const byte AfInet = 2;
    public const byte AfInet6 = 10;

    /// <summary>NLMSG_ALIGN / NLA_ALIGN: round up to a multiple of 4.</summary>
    public static int Align(int length) => (length + 3) & ~3;
}

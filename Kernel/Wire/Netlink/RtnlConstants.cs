namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Numbers from include/uapi/linux/rtnetlink.h, if_addr.h, if_link.h, if.h and fib_rules.h. They never
/// leave Kernel/Wire: callers speak <see cref="AddressInfo"/>, <see cref="LinkInfo"/>, <see cref="RouteInfo"/> and
/// <see cref="RuleInfo"/>.</summary>
internal static class RtnlConstants
{
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort NewAddr = 20;
    public const ushort DelAddr = 21;
    public const ushort GetAddr = 22;
    public const ushort NewRoute = 24;
    public const ushort DelRoute = 25;
    public const ushort NewRule = 32;
    public const ushort DelRule = 33;

    public const int IfInfoMsgLength = 16;   // ifi_family, pad, ifi_type u16, ifi_index s32, ifi_flags u32, ifi_change u32
    public const int IfAddrMsgLength = 8;    // ifa_family, ifa_prefixlen, ifa_flags, ifa_scope, ifa_index u32
    public const int RtMsgLength = 12;       // family, dst_len, src_len, tos, table, protocol, scope, type, flags u32
    public const int FibRuleHdrLength = 12;  // family, dst_len, src_len, tos, table, res1, res2, action, flags u32

    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaLabel = 3;
    public const ushort IfaBroadcast = 4;
    public const ushort IfaCacheInfo = 6;
    public const ushort IfaFlags = 8;

    public const ushort RtaDst = 1;
    public const ushort RtaOif = 4;
    public const ushort RtaGateway = 5;
    public const ushort RtaPriority = 6;
    public const ushort RtaPrefSrc = 7;
    public const ushort RtaTable = 15;

    public const byte RtnUnicast = 1;
    public const byte RtTableUnspec = 0;

    public const ushort FraDst = 1;
    public const ushort FraSrc = 2;
    public const ushort FraIifName = 3;
    public const ushort FraPriority = 6;
    public const ushort FraFwMark = 10;
    public const ushort FraTable = 15;
    public const ushort FraFwMask = 16;
    public const ushort FraOifName = 17;
    public const byte FrActToTbl = 1;

    public const ushort IflaAddress = 1;
    public const ushort IflaIfName = 3;
    public const ushort IflaMtu = 4;
    public const ushort IflaLink = 5;
    public const ushort IflaOperState = 16;
    public const ushort IflaLinkInfo = 18;
    public const ushort IflaInfoKind = 1;
    public const ushort IflaInfoData = 2;
    public const ushort IflaMacvlanMode = 1;

    public const uint IffUp = 0x1;
    public const uint IffRunning = 0x40;
    public const uint IffLowerUp = 0x10000;
}

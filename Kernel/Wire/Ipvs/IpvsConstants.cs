namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Numbers from include/uapi/linux/ip_vs.h (generic netlink family "IPVS", version 1). They never leave
/// Kernel/Wire: callers speak <see cref="IpvsService"/>, <see cref="IpvsDestination"/> and friends.</summary>
internal static class IpvsConstants
{
    public const string FamilyName = "IPVS";
    public const byte GenlVersion = 1;
    public const int AddressFieldLength = 16;   // union nf_inet_addr

    public const byte CmdNewService = 1;
    public const byte CmdSetService = 2;
    public const byte CmdDelService = 3;
    public const byte CmdGetService = 4;
    public const byte CmdNewDest = 5;
    public const byte CmdSetDest = 6;
    public const byte CmdDelDest = 7;
    public const byte CmdGetDest = 8;
    public const byte CmdNewDaemon = 9;
    public const byte CmdDelDaemon = 10;
    public const byte CmdGetDaemon = 11;
    public const byte CmdSetConfig = 12;
    public const byte CmdGetConfig = 13;
    public const byte CmdSetInfo = 14;
    public const byte CmdGetInfo = 15;
    public const byte CmdZero = 16;
    public const byte CmdFlush = 17;

    public const ushort CmdAttrService = 1;
    public const ushort CmdAttrDest = 2;
    public const ushort CmdAttrDaemon = 3;
    public const ushort CmdAttrTimeoutTcp = 4;
    public const ushort CmdAttrTimeoutTcpFin = 5;
    public const ushort CmdAttrTimeoutUdp = 6;

    public const ushort SvcAttrAf = 1;
    public const ushort SvcAttrProtocol = 2;
    public const ushort SvcAttrAddr = 3;
    public const ushort SvcAttrPort = 4;
    public const ushort SvcAttrFwmark = 5;
    public const ushort SvcAttrSchedName = 6;
    public const ushort SvcAttrFlags = 7;
    public const ushort SvcAttrTimeout = 8;
    public const ushort SvcAttrNetmask = 9;
    public const ushort SvcAttrStats = 10;
    public const ushort SvcAttrPeName = 11;
    public const ushort SvcAttrStats64 = 12;

    public const ushort DestAttrAddr = 1;
    public const ushort DestAttrPort = 2;
    public const ushort DestAttrFwdMethod = 3;
    public const ushort DestAttrWeight = 4;
    public const ushort DestAttrUThresh = 5;
    public const ushort DestAttrLThresh = 6;
    public const ushort DestAttrActiveConns = 7;
    public const ushort DestAttrInactConns = 8;
    public const ushort DestAttrPersistConns = 9;
    public const ushort DestAttrStats = 10;
    public const ushort DestAttrAddrFamily = 11;
    public const ushort DestAttrStats64 = 12;
    public const ushort DestAttrTunType = 13;
    public const ushort DestAttrTunPort = 14;
    public const ushort DestAttrTunFlags = 15;

    public const ushort DaemonAttrState = 1;
    public const ushort DaemonAttrMcastIfn = 2;
    public const ushort DaemonAttrSyncId = 3;
    public const ushort DaemonAttrSyncMaxLen = 4;
    public const ushort DaemonAttrMcastGroup = 5;
    public const ushort DaemonAttrMcastGroup6 = 6;
    public const ushort DaemonAttrMcastPort = 7;
    public const ushort DaemonAttrMcastTtl = 8;

    public const ushort StatsAttrConns = 1;
    public const ushort StatsAttrInPkts = 2;
    public const ushort StatsAttrOutPkts = 3;
    public const ushort StatsAttrInBytes = 4;
    public const ushort StatsAttrOutBytes = 5;
    public const ushort StatsAttrCps = 6;
    public const ushort StatsAttrInPps = 7;
    public const ushort StatsAttrOutPps = 8;
    public const ushort StatsAttrInBps = 9;
    public const ushort StatsAttrOutBps = 10;

    public const ushort InfoAttrVersion = 1;
    public const ushort InfoAttrConnTabSize = 2;

    public const uint SvcFlagPersistent = 0x01;
    public const uint SvcFlagHashed = 0x02;
    public const uint SvcFlagOnePacket = 0x04;
    public const uint SvcFlagSched1 = 0x08;
    public const uint SvcFlagSched2 = 0x10;
    public const uint SvcFlagSched3 = 0x20;

    public const uint ForwardMask = 0x7;        // IP_VS_CONN_F_FWD_MASK
    public const int SchedNameMax = 16;         // IP_VS_SCHEDNAME_MAXLEN (incl. NUL)
}

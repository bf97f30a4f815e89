using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Builds IPVS generic netlink requests byte-for-byte as ipvsadm 1.31 does (attribute order, NLA_F_NESTED on
/// the command nests, a 16-byte address field, network-order ports). The familyId parameters take the
/// id resolved with <see cref="GenlControlCodec.WriteGetFamily"/>; do-requests carry NLM_F_REQUEST|ACK, dumps add
/// NLM_F_DUMP. Check <see cref="NetlinkWriter.Ok"/> after writing.</summary>
public static class IpvsRequests
{
    private const ushort DoFlags = NetlinkConstants.FlagRequest | NetlinkConstants.FlagAck;
    private const ushort DumpFlags = DoFlags | NetlinkConstants.FlagDump;

    /// <summary>CTRL_CMD_GETFAMILY for "IPVS".</summary>
    public static void WriteResolveFamily(ref NetlinkWriter writer, uint sequence) =>
        GenlControlCodec.WriteGetFamily(ref writer, IpvsConstants.FamilyName, sequence);

    /// <summary>GET_INFO (version, connection table size); reply SET_INFO then an ACK.</summary>
    public static void WriteGetInfo(ref NetlinkWriter writer, ushort familyId, uint sequence) =>
        WriteEmpty(ref writer, familyId, IpvsConstants.CmdGetInfo, DoFlags, sequence);

    /// <summary>NEW_SERVICE with every service attribute.</summary>
    public static void WriteAddService(ref NetlinkWriter writer, ushort familyId, IpvsService service, uint sequence) =>
        WriteService(ref writer, familyId, IpvsConstants.CmdNewService, DoFlags, service, ServiceForm.Full, sequence);

    /// <summary>SET_SERVICE with every service attribute.</summary>
    public static void WriteEditService(ref NetlinkWriter writer, ushort familyId, IpvsService service, uint sequence) =>
        WriteService(ref writer, familyId, IpvsConstants.CmdSetService, DoFlags, service, ServiceForm.Full, sequence);

    /// <summary>DEL_SERVICE: the service's identity with an empty scheduler (as ipvsadm sends it).</summary>
    public static void WriteDeleteService(ref NetlinkWriter writer, ushort familyId, IpvsService service, uint sequence) =>
        WriteService(ref writer, familyId, IpvsConstants.CmdDelService, DoFlags, service, ServiceForm.Identity, sequence);

    /// <summary>GET_SERVICE dump of all services (NEW_SERVICE per service, then NLMSG_DONE).</summary>
    public static void WriteGetServices(ref NetlinkWriter writer, ushort familyId, uint sequence) =>
        WriteEmpty(ref writer, familyId, IpvsConstants.CmdGetService, DumpFlags, sequence);

    /// <summary>GET_SERVICE of one service (not a dump; one NEW_SERVICE reply).</summary>
    public static void WriteGetService(ref NetlinkWriter writer, ushort familyId, IpvsService service, uint sequence) =>
        WriteService(ref writer, familyId, IpvsConstants.CmdGetService, DoFlags, service, ServiceForm.Lookup, sequence);

    /// <summary>FLUSH: remove every service.</summary>
    public static void WriteFlush(ref NetlinkWriter writer, ushort familyId, uint sequence) =>
        WriteEmpty(ref writer, familyId, IpvsConstants.CmdFlush, DoFlags, sequence);

    /// <summary>ZERO the counters of all services, or of <paramref name="service"/> only.</summary>
    public static void WriteZero(ref NetlinkWriter writer, ushort familyId, uint sequence, IpvsService? service = null)
    {
        if (service is null)
        {
            WriteEmpty(ref writer, familyId, IpvsConstants.CmdZero, DoFlags, sequence);
        }
        else
        {
            WriteService(ref writer, familyId, IpvsConstants.CmdZero, DoFlags, service, ServiceForm.Identity, sequence);
        }
    }

    /// <summary>NEW_DEST: the service identity then the destination.</summary>
    public static void WriteAddDestination(ref NetlinkWriter writer, ushort familyId, IpvsService service, IpvsDestination destination, uint sequence) =>
        WriteDestination(ref writer, familyId, IpvsConstants.CmdNewDest, service, destination, sequence);

    /// <summary>SET_DEST: the service identity then the full destination.</summary>
    public static void WriteEditDestination(ref NetlinkWriter writer, ushort familyId, IpvsService service, IpvsDestination destination, uint sequence) =>
        WriteDestination(ref writer, familyId, IpvsConstants.CmdSetDest, service, destination, sequence);

    /// <summary>DEL_DEST: the service identity then the destination.</summary>
    public static void WriteDeleteDestination(ref NetlinkWriter writer, ushort familyId, IpvsService service, IpvsDestination destination, uint sequence) =>
        WriteDestination(ref writer, familyId, IpvsConstants.CmdDelDest, service, destination, sequence);

    /// <summary>GET_DEST dump of one service's destinations (only the service key is sent).</summary>
    public static void WriteGetDestinations(ref NetlinkWriter writer, ushort familyId, IpvsService service, uint sequence) =>
        WriteService(ref writer, familyId, IpvsConstants.CmdGetDest, DumpFlags, service, ServiceForm.Key, sequence);

    /// <summary>GET_CONFIG (timeouts); reply SET_CONFIG then an ACK.</summary>
    public static void WriteGetTimeouts(ref NetlinkWriter writer, ushort familyId, uint sequence) =>
        WriteEmpty(ref writer, familyId, IpvsConstants.CmdGetConfig, DoFlags, sequence);

    /// <summary>SET_CONFIG with TIMEOUT_TCP, TIMEOUT_TCP_FIN and TIMEOUT_UDP (0 = leave unchanged).</summary>
    public static void WriteSetTimeouts(ref NetlinkWriter writer, ushort familyId, IpvsTimeouts timeouts, uint sequence)
    {
        Begin(ref writer, familyId, IpvsConstants.CmdSetConfig, DoFlags, sequence);
        writer.WriteU32(IpvsConstants.CmdAttrTimeoutTcp, timeouts.Tcp);
        writer.WriteU32(IpvsConstants.CmdAttrTimeoutTcpFin, timeouts.TcpFin);
        writer.WriteU32(IpvsConstants.CmdAttrTimeoutUdp, timeouts.Udp);
        writer.EndMessage();
    }

    /// <summary>NEW_DAEMON: STATE, MCAST_IFN, SYNC_ID, then SYNC_MAXLEN, MCAST_GROUP(6), MCAST_PORT, MCAST_TTL when set.</summary>
    public static void WriteStartDaemon(ref NetlinkWriter writer, ushort familyId, IpvsDaemon daemon, uint sequence)
    {
        Begin(ref writer, familyId, IpvsConstants.CmdNewDaemon, DoFlags, sequence);
        var nest = writer.BeginNest(IpvsConstants.CmdAttrDaemon, setNestedFlag: true);
        writer.WriteU32(IpvsConstants.DaemonAttrState, (uint)daemon.State);
        writer.WriteString(IpvsConstants.DaemonAttrMcastIfn, daemon.Interface);
        writer.WriteU32(IpvsConstants.DaemonAttrSyncId, daemon.SyncId);
        if (daemon.MaxLength is { } maxLength)
        {
            writer.WriteU16(IpvsConstants.DaemonAttrSyncMaxLen, maxLength);
        }

        if (daemon.Group is { } group)
        {
            var v6 = group.AddressFamily == AddressFamily.InterNetworkV6;
            writer.WriteAddress(v6 ? IpvsConstants.DaemonAttrMcastGroup6 : IpvsConstants.DaemonAttrMcastGroup, group);
        }

        if (daemon.Port is { } port)
        {
            writer.WriteU16(IpvsConstants.DaemonAttrMcastPort, port);
        }

        if (daemon.Ttl is { } ttl)
        {
            writer.WriteU8(IpvsConstants.DaemonAttrMcastTtl, ttl);
        }

        writer.EndNest(nest);
        writer.EndMessage();
    }

    /// <summary>DEL_DAEMON for the <paramref name="state"/> role (ipvsadm sends an empty interface and sync id 0).</summary>
    public static void WriteStopDaemon(ref NetlinkWriter writer, ushort familyId, IpvsSyncState state, uint sequence)
    {
        Begin(ref writer, familyId, IpvsConstants.CmdDelDaemon, DoFlags, sequence);
        var nest = writer.BeginNest(IpvsConstants.CmdAttrDaemon, setNestedFlag: true);
        writer.WriteU32(IpvsConstants.DaemonAttrState, (uint)state);
        writer.WriteString(IpvsConstants.DaemonAttrMcastIfn, string.Empty);
        writer.WriteU32(IpvsConstants.DaemonAttrSyncId, 0);
        writer.EndNest(nest);
        writer.EndMessage();
    }

    /// <summary>GET_DAEMON dump (NEW_DAEMON per running daemon, then NLMSG_DONE).</summary>
    public static void WriteGetDaemons(ref NetlinkWriter writer, ushort familyId, uint sequence) =>
        WriteEmpty(ref writer, familyId, IpvsConstants.CmdGetDaemon, DumpFlags, sequence);

    private static void Begin(ref NetlinkWriter writer, ushort familyId, byte command, ushort flags, uint sequence)
    {
        writer.BeginMessage(familyId, flags, sequence, 0);
        writer.WriteGenlHeader(command, IpvsConstants.GenlVersion);
    }

    private static void WriteEmpty(ref NetlinkWriter writer, ushort familyId, byte command, ushort flags, uint sequence)
    {
        Begin(ref writer, familyId, command, flags, sequence);
        writer.EndMessage();
    }

    private static void WriteService(ref NetlinkWriter writer, ushort familyId, byte command, ushort flags, IpvsService service, ServiceForm form, uint sequence)
    {
        Begin(ref writer, familyId, command, flags, sequence);
        IpvsServiceEncoding.Write(ref writer, service, form);
        writer.EndMessage();
    }

    private static void WriteDestination(ref NetlinkWriter writer, ushort familyId, byte command, IpvsService service, IpvsDestination destination, uint sequence)
    {
        Begin(ref writer, familyId, command, DoFlags, sequence);
        IpvsServiceEncoding.Write(ref writer, service, ServiceForm.Identity);
        IpvsDestinationEncoding.Write(ref writer, destination);
        writer.EndMessage();
    }
}

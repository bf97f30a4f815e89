using System.Net;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Decodes IPVS replies: SET_INFO, NEW_SERVICE and NEW_DEST dump messages (with their counters),
/// SET_CONFIG, NEW_DAEMON, and NLMSG_ERROR (ACK or error). Every parser checks that nlmsg_type is the resolved family
/// id and the genl command is the expected one, accepts nests with or without NLA_F_NESTED, and returns a
/// <see cref="NetlinkDecodeError"/> instead of throwing.</summary>
public static class IpvsReplies
{
    /// <summary>SET_INFO: INFO_VERSION and INFO_CONN_TAB_SIZE.</summary>
    public static NetlinkDecodeError TryParseInfo(NetlinkMessage message, ushort familyId, out IpvsInfo? info)
    {
        info = null;
        var error = Open(message, familyId, IpvsConstants.CmdSetInfo, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        uint? version = null, size = null;
        while (attributes.TryRead(out var a))
        {
            if (a.Type == IpvsConstants.InfoAttrVersion)
            {
                version = a.TryGetU32(out var v) ? v : null;
                if (version is null)
                {
                    return NetlinkDecodeError.WrongAttributeLength;
                }
            }
            else if (a.Type == IpvsConstants.InfoAttrConnTabSize)
            {
                size = a.TryGetU32(out var s) ? s : null;
                if (size is null)
                {
                    return NetlinkDecodeError.WrongAttributeLength;
                }
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        if (version is null || size is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        info = new IpvsInfo(version.Value, size.Value);
        return NetlinkDecodeError.None;
    }

    /// <summary>One NEW_SERVICE message of a GET_SERVICE reply.</summary>
    public static NetlinkDecodeError TryParseService(NetlinkMessage message, ushort familyId, out IpvsServiceEntry? entry)
    {
        entry = null;
        var error = OpenNest(message, familyId, IpvsConstants.CmdNewService, IpvsConstants.CmdAttrService, out var nest);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        error = IpvsServiceDecoding.TryParse(nest, out var service, out var stats);
        entry = service is null ? null : new IpvsServiceEntry(service, stats);
        return error;
    }

    /// <summary>One NEW_DEST message of a GET_DEST reply.</summary>
    public static NetlinkDecodeError TryParseDestination(NetlinkMessage message, ushort familyId, out IpvsDestinationEntry? entry)
    {
        entry = null;
        var error = OpenNest(message, familyId, IpvsConstants.CmdNewDest, IpvsConstants.CmdAttrDest, out var nest);
        return error != NetlinkDecodeError.None ? error : IpvsDestinationDecoding.TryParse(nest, out entry);
    }

    /// <summary>SET_CONFIG (the GET_CONFIG reply): TCP and TCP_FIN timeouts required, UDP 0 when absent.</summary>
    public static NetlinkDecodeError TryParseTimeouts(NetlinkMessage message, ushort familyId, out IpvsTimeouts? timeouts)
    {
        timeouts = null;
        var error = Open(message, familyId, IpvsConstants.CmdSetConfig, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        uint? tcp = null, fin = null, udp = null;
        while (attributes.TryRead(out var a))
        {
            if (a.Type is < IpvsConstants.CmdAttrTimeoutTcp or > IpvsConstants.CmdAttrTimeoutUdp)
            {
                continue;
            }

            if (!a.TryGetU32(out var v))
            {
                return NetlinkDecodeError.WrongAttributeLength;
            }

            switch (a.Type)
            {
                case IpvsConstants.CmdAttrTimeoutTcp: tcp = v; break;
                case IpvsConstants.CmdAttrTimeoutTcpFin: fin = v; break;
                default: udp = v; break;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        if (tcp is null || fin is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        timeouts = new IpvsTimeouts(tcp.Value, fin.Value, udp ?? 0);
        return NetlinkDecodeError.None;
    }

    /// <summary>One NEW_DAEMON message of a GET_DAEMON reply.</summary>
    public static NetlinkDecodeError TryParseDaemon(NetlinkMessage message, ushort familyId, out IpvsDaemon? daemon)
    {
        daemon = null;
        var error = OpenNest(message, familyId, IpvsConstants.CmdNewDaemon, IpvsConstants.CmdAttrDaemon, out var nest);
        return error != NetlinkDecodeError.None ? error : IpvsDaemonDecoding.TryParse(nest, out daemon);
    }

    /// <summary>NLMSG_ERROR: an ACK, or an error worded as ipvsadm words it when the echoed request (uncapped errors
    /// echo it whole) names the operation; otherwise the errno text.</summary>
    public static NetlinkDecodeError TryParseError(NetlinkMessage message, ushort familyId, out IpvsError? result)
    {
        result = null;
        var error = message.TryGetError(out var nlError);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        var operation = IpvsOperation.Unknown;
        var echoed = message.Payload[4..];
        if (!nlError.Capped && nlError.RequestType == familyId && echoed.Length > 16)
        {
            operation = IpvsErrorText.Operation(echoed[16]);
        }

        result = new IpvsError(nlError.Errno, operation, nlError.IsAck ? "ok" : IpvsErrorText.Describe(operation, nlError.Errno));
        return NetlinkDecodeError.None;
    }

    private static NetlinkDecodeError Open(NetlinkMessage message, ushort familyId, byte command, out NetlinkAttributeReader attributes)
    {
        attributes = default;
        if (message.Type != familyId || familyId < 0x10)
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var error = message.TryGetGenl(out var genl, out attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        return genl.Command == command ? NetlinkDecodeError.None : NetlinkDecodeError.UnexpectedType;
    }

    private static NetlinkDecodeError OpenNest(NetlinkMessage message, ushort familyId, byte command, ushort nestType, out NetlinkAttributeReader nest)
    {
        nest = default;
        var error = Open(message, familyId, command, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        var found = false;
        while (attributes.TryRead(out var a))
        {
            if (a.Type == nestType && !found)
            {
                nest = a.Nested;
                found = true;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        return found ? NetlinkDecodeError.None : NetlinkDecodeError.MissingAttribute;
    }

    internal static bool TryFamily(ushort wire, out byte family)
    {
        family = (byte)wire;
        return wire is 2 or 10;
    }

    internal static IPAddress? Address(ReadOnlySpan<byte> field, byte family)
    {
        var size = family == 10 ? 16 : 4;
        if (field.Length != 16 && field.Length != size)
        {
            return null;
        }

        return new IPAddress(field[..size]);
    }
}

using System.Net;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>RTM_NEWROUTE/RTM_DELROUTE requests and their decoding (rtmsg + RTA_*).</summary>
public static class RtnlRouteCodec
{
    /// <summary>RTM_NEWROUTE with NLM_F_REQUEST|ACK|CREATE|EXCL: rtmsg {family, dst_len, 0, 0, table (0 when it does
    /// not fit a byte), protocol, scope, RTN_UNICAST, 0}, then RTA_TABLE, RTA_DST (unless a default route),
    /// RTA_PREFSRC, RTA_GATEWAY, RTA_OIF, RTA_PRIORITY when set.</summary>
    public static void WriteAdd(ref NetlinkWriter writer, RouteInfo route, uint sequence) =>
        Write(ref writer, RtnlConstants.NewRoute, RtnlFlags.Create, route, sequence);

    /// <summary>RTM_DELROUTE with NLM_F_REQUEST|ACK and the same body as <see cref="WriteAdd"/>.</summary>
    public static void WriteDelete(ref NetlinkWriter writer, RouteInfo route, uint sequence) =>
        Write(ref writer, RtnlConstants.DelRoute, RtnlFlags.Do, route, sequence);

    /// <summary>Decodes an RTM_NEWROUTE/RTM_DELROUTE message; <paramref name="removed"/> is true for RTM_DELROUTE.</summary>
    public static NetlinkDecodeError TryParse(NetlinkMessage message, out RouteInfo? route, out bool removed)
    {
        route = null;
        removed = message.Type == RtnlConstants.DelRoute;
        if (message.Type is not (RtnlConstants.NewRoute or RtnlConstants.DelRoute))
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var error = message.TrySplit(RtnlConstants.RtMsgLength, out var header, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        var family = header[0];
        if (!RtnlFamily.TryFromByte(family, out _) || header[1] > RtnlFamily.MaxPrefix(family))
        {
            return NetlinkDecodeError.InvalidValue;
        }

        IPAddress? destination = null, gateway = null, source = null;
        uint? oif = null, metric = null;
        uint table = header[4];
        while (attributes.TryRead(out var a))
        {
            switch (a.Type)
            {
                case RtnlConstants.RtaDst:
                    error = RtnlFamily.TryAddress(a, family, out destination);
                    break;
                case RtnlConstants.RtaGateway:
                    error = RtnlFamily.TryAddress(a, family, out gateway);
                    break;
                case RtnlConstants.RtaPrefSrc:
                    error = RtnlFamily.TryAddress(a, family, out source);
                    break;
                case RtnlConstants.RtaOif:
                    error = a.TryGetU32(out var o) && o <= int.MaxValue ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    oif = o;
                    break;
                case RtnlConstants.RtaPriority:
                    error = a.TryGetU32(out var m) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    metric = m;
                    break;
                case RtnlConstants.RtaTable:
                    error = a.TryGetU32(out table) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    break;
            }

            if (error != NetlinkDecodeError.None)
            {
                return error;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        route = new RouteInfo(destination ?? RtnlFamily.Any(family), header[1])
        {
            Gateway = gateway,
            PreferredSource = source,
            OutputInterface = (int?)oif,
            Metric = metric,
            Table = table,
            Protocol = (RouteProtocol)header[5],
            Scope = (RouteScope)header[6],
        };
        return NetlinkDecodeError.None;
    }

    private static void Write(ref NetlinkWriter writer, ushort type, ushort flags, RouteInfo route, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.RtMsgLength];
        header.Clear();
        header[0] = RtnlFamily.ToByte(route.Family);
        header[1] = route.PrefixLength;
        header[4] = route.Table <= byte.MaxValue ? (byte)route.Table : RtnlConstants.RtTableUnspec;
        header[5] = (byte)route.Protocol;
        header[6] = (byte)route.Scope;
        header[7] = RtnlConstants.RtnUnicast;

        writer.BeginMessage(type, flags, sequence, 0);
        writer.WriteRaw(header);
        writer.WriteU32(RtnlConstants.RtaTable, route.Table);
        if (route.PrefixLength > 0)
        {
            writer.WriteAddress(RtnlConstants.RtaDst, route.Destination);
        }

        if (route.PreferredSource is { } source)
        {
            writer.WriteAddress(RtnlConstants.RtaPrefSrc, source);
        }

        if (route.Gateway is { } gateway)
        {
            writer.WriteAddress(RtnlConstants.RtaGateway, gateway);
        }

        if (route.OutputInterface is { } oif)
        {
            writer.WriteU32(RtnlConstants.RtaOif, (uint)oif);
        }

        if (route.Metric is { } metric)
        {
            writer.WriteU32(RtnlConstants.RtaPriority, metric);
        }

        writer.EndMessage();
    }
}

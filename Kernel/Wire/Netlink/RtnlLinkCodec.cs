using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>RTM_NEWLINK (macvlan creation), RTM_DELLINK, the RTM_GETLINK dump request, and RTM_NEWLINK/RTM_DELLINK
/// events decoded into <see cref="LinkInfo"/> (ifinfomsg + IFLA_*).</summary>
public static class RtnlLinkCodec
{
    private const string MacvlanKind = "macvlan";

    /// <summary>RTM_NEWLINK with NLM_F_REQUEST|ACK|CREATE|EXCL: an empty ifinfomsg, IFLA_IFNAME, IFLA_LINK (parent),
    /// IFLA_ADDRESS when a MAC is given, and IFLA_LINKINFO{IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA{IFLA_MACVLAN_MODE}}.
    /// Nests are written without NLA_F_NESTED, as iproute2 does.</summary>
    public static void WriteAddMacvlan(ref NetlinkWriter writer, MacvlanSpec macvlan, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.IfInfoMsgLength];
        header.Clear();
        writer.BeginMessage(RtnlConstants.NewLink, RtnlFlags.Create, sequence, 0);
        writer.WriteRaw(header);
        writer.WriteString(RtnlConstants.IflaIfName, macvlan.Name);
        writer.WriteU32(RtnlConstants.IflaLink, (uint)macvlan.ParentIndex);
        if (macvlan.HardwareAddress is { } mac)
        {
            writer.WriteBytes(RtnlConstants.IflaAddress, mac);
        }

        var linkInfo = writer.BeginNest(RtnlConstants.IflaLinkInfo, setNestedFlag: false);
        writer.WriteString(RtnlConstants.IflaInfoKind, MacvlanKind);
        var data = writer.BeginNest(RtnlConstants.IflaInfoData, setNestedFlag: false);
        writer.WriteU32(RtnlConstants.IflaMacvlanMode, (uint)macvlan.Mode);
        writer.EndNest(data);
        writer.EndNest(linkInfo);
        writer.EndMessage();
    }

    /// <summary>RTM_DELLINK with NLM_F_REQUEST|ACK for interface <paramref name="index"/>.</summary>
    public static void WriteDelete(ref NetlinkWriter writer, int index, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.IfInfoMsgLength];
        header.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        writer.BeginMessage(RtnlConstants.DelLink, RtnlFlags.Do, sequence, 0);
        writer.WriteRaw(header);
        writer.EndMessage();
    }

    /// <summary>RTM_GETLINK dump request (NLM_F_REQUEST|DUMP) with an AF_UNSPEC ifinfomsg.</summary>
    public static void WriteDump(ref NetlinkWriter writer, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.IfInfoMsgLength];
        header.Clear();
        writer.BeginMessage(RtnlConstants.GetLink, RtnlFlags.Dump, sequence, 0);
        writer.WriteRaw(header);
        writer.EndMessage();
    }

    /// <summary>Decodes an RTM_NEWLINK/RTM_DELLINK message; <paramref name="removed"/> is true for RTM_DELLINK.</summary>
    public static NetlinkDecodeError TryParse(NetlinkMessage message, out LinkInfo? link, out bool removed)
    {
        link = null;
        removed = message.Type == RtnlConstants.DelLink;
        if (message.Type is not (RtnlConstants.NewLink or RtnlConstants.DelLink))
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var error = message.TrySplit(RtnlConstants.IfInfoMsgLength, out var header, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        var index = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (index <= 0)
        {
            return NetlinkDecodeError.InvalidValue;
        }

        string? name = null, kind = null;
        uint? mtu = null, parent = null;
        byte[]? mac = null;
        MacvlanMode? mode = null;
        var operState = OperState.Unknown;
        while (attributes.TryRead(out var a))
        {
            switch (a.Type)
            {
                case RtnlConstants.IflaIfName:
                    error = RtnlFamily.TryString(a, out name);
                    break;
                case RtnlConstants.IflaMtu:
                    error = a.TryGetU32(out var m) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    mtu = m;
                    break;
                case RtnlConstants.IflaLink:
                    error = a.TryGetU32(out var p) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    parent = p;
                    break;
                case RtnlConstants.IflaAddress:
                    error = a.Value.Length <= 32 ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    mac = a.Value.ToArray();
                    break;
                case RtnlConstants.IflaOperState:
                    error = a.TryGetU8(out var o) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength;
                    operState = (OperState)o;
                    break;
                case RtnlConstants.IflaLinkInfo:
                    error = TryParseLinkInfo(a.Nested, out kind, out mode);
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

        if (name is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        link = new LinkInfo(index, name)
        {
            RawFlags = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
            OperState = operState,
            Mtu = mtu,
            HardwareAddress = mac,
            ParentIndex = parent is { } pi && pi <= int.MaxValue ? (int)pi : null,
            Kind = kind,
            MacvlanMode = mode,
        };
        return NetlinkDecodeError.None;
    }

    private static NetlinkDecodeError TryParseLinkInfo(NetlinkAttributeReader attributes, out string? kind, out MacvlanMode? mode)
    {
        kind = null;
        mode = null;
        var dataSeen = false;
        NetlinkAttributeReader data = default;
        while (attributes.TryRead(out var a))
        {
            if (a.Type == RtnlConstants.IflaInfoKind && RtnlFamily.TryString(a, out kind) != NetlinkDecodeError.None)
            {
                return NetlinkDecodeError.InvalidValue;
            }

            if (a.Type == RtnlConstants.IflaInfoData)
            {
                data = a.Nested;
                dataSeen = true;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        if (!dataSeen || kind != MacvlanKind)
        {
            return NetlinkDecodeError.None;
        }

        while (data.TryRead(out var d))
        {
            if (d.Type == RtnlConstants.IflaMacvlanMode)
            {
                if (!d.TryGetU32(out var m))
                {
                    return NetlinkDecodeError.WrongAttributeLength;
                }

                mode = (MacvlanMode)m;
            }
        }

        return data.Error;
    }
}

using System.Buffers.Binary;
using System.Net;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>RTM_NEWADDR/RTM_DELADDR requests and events, and the RTM_GETADDR dump request (ifaddrmsg + IFA_*).</summary>
public static class RtnlAddressCodec
{
    /// <summary>RTM_NEWADDR with NLM_F_REQUEST|ACK|CREATE|EXCL: ifaddrmsg, IFA_LOCAL, IFA_ADDRESS, then IFA_BROADCAST,
    /// IFA_LABEL and IFA_FLAGS when set (IFA_FLAGS carries all flags; the u8 header field their low byte), and
    /// IFA_CACHEINFO when the preferred lifetime is not forever.</summary>
    public static void WriteAdd(ref NetlinkWriter writer, AddressInfo address, uint sequence) =>
        Write(ref writer, RtnlConstants.NewAddr, RtnlFlags.Create, address, sequence);

    /// <summary>RTM_DELADDR with NLM_F_REQUEST|ACK and the same body as <see cref="WriteAdd"/>.</summary>
    public static void WriteDelete(ref NetlinkWriter writer, AddressInfo address, uint sequence) =>
        Write(ref writer, RtnlConstants.DelAddr, RtnlFlags.Do, address, sequence);

    /// <summary>RTM_GETADDR dump request (NLM_F_REQUEST|DUMP) for one family (or AF_UNSPEC for all).</summary>
    public static void WriteDump(ref NetlinkWriter writer, System.Net.Sockets.AddressFamily family, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.IfAddrMsgLength];
        header.Clear();
        header[0] = RtnlFamily.ToByte(family);
        writer.BeginMessage(RtnlConstants.GetAddr, RtnlFlags.Dump, sequence, 0);
        writer.WriteRaw(header);
        writer.EndMessage();
    }

    /// <summary>Decodes an RTM_NEWADDR/RTM_DELADDR message; <paramref name="removed"/> is true for RTM_DELADDR.</summary>
    public static NetlinkDecodeError TryParse(NetlinkMessage message, out AddressInfo? address, out bool removed)
    {
        address = null;
        removed = message.Type == RtnlConstants.DelAddr;
        if (message.Type is not (RtnlConstants.NewAddr or RtnlConstants.DelAddr))
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var error = message.TrySplit(RtnlConstants.IfAddrMsgLength, out var header, out var attributes);
        if (error != NetlinkDecodeError.None)
        {
            return error;
        }

        var family = header[0];
        var prefix = header[1];
        if (!RtnlFamily.TryFromByte(family, out _) || prefix > RtnlFamily.MaxPrefix(family))
        {
            return NetlinkDecodeError.InvalidValue;
        }

        var index = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (index is 0 or > int.MaxValue)
        {
            return NetlinkDecodeError.InvalidValue;
        }

        IPAddress? local = null, peer = null, broadcast = null;
        string? label = null;
        var flags = (uint)header[2];
        while (attributes.TryRead(out var a))
        {
            error = a.Type switch
            {
                RtnlConstants.IfaLocal => RtnlFamily.TryAddress(a, family, out local),
                RtnlConstants.IfaAddress => RtnlFamily.TryAddress(a, family, out peer),
                RtnlConstants.IfaBroadcast => RtnlFamily.TryAddress(a, family, out broadcast),
                RtnlConstants.IfaLabel => RtnlFamily.TryString(a, out label),
                RtnlConstants.IfaFlags => a.TryGetU32(out flags) ? NetlinkDecodeError.None : NetlinkDecodeError.WrongAttributeLength,
                _ => NetlinkDecodeError.None,
            };
            if (error != NetlinkDecodeError.None)
            {
                return error;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        var primary = local ?? peer;
        if (primary is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        address = new AddressInfo((int)index, primary, prefix)
        {
            Flags = (AddressFlags)flags,
            Scope = (RouteScope)header[3],
            Broadcast = broadcast,
            Label = label,
            Peer = local is not null && peer is not null && !peer.Equals(local) ? peer : null,
        };
        return NetlinkDecodeError.None;
    }

    private static void Write(ref NetlinkWriter writer, ushort type, ushort flags, AddressInfo address, uint sequence)
    {
        var family = RtnlFamily.ToByte(address.Family);
        Span<byte> header = stackalloc byte[RtnlConstants.IfAddrMsgLength];
        header[0] = family;
        header[1] = address.PrefixLength;
        header[2] = (byte)((uint)address.Flags & 0xff);
        header[3] = (byte)address.Scope;
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)address.InterfaceIndex);

        writer.BeginMessage(type, flags, sequence, 0);
        writer.WriteRaw(header);
        writer.WriteAddress(RtnlConstants.IfaLocal, address.Address);
        writer.WriteAddress(RtnlConstants.IfaAddress, address.Peer ?? address.Address);
        if (address.Broadcast is { } broadcast)
        {
            writer.WriteAddress(RtnlConstants.IfaBroadcast, broadcast);
        }

        if (address.Label is { } label)
        {
            writer.WriteString(RtnlConstants.IfaLabel, label);
        }

        if (address.Flags != AddressFlags.None)
        {
            writer.WriteU32(RtnlConstants.IfaFlags, (uint)address.Flags);
        }

        if (type == RtnlConstants.NewAddr && address.PreferredLifetime is { } preferred && preferred != uint.MaxValue)
        {
            // struct ifa_cacheinfo { ifa_prefered, ifa_valid, cstamp, tstamp }: valid forever, as keepalived.
            Span<byte> cacheInfo = stackalloc byte[16];
            cacheInfo.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo, preferred);
            BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo[4..], uint.MaxValue);
            writer.WriteBytes(RtnlConstants.IfaCacheInfo, cacheInfo);
        }

        writer.EndMessage();
    }
}

/// <summary>nlmsg_flags combinations the rtnetlink requests use.</summary>
internal static class RtnlFlags
{
    public const ushort Do = NetlinkConstants.FlagRequest | NetlinkConstants.FlagAck;
    public const ushort Create = Do | NetlinkConstants.FlagCreate | NetlinkConstants.FlagExclusive;
    public const ushort Dump = NetlinkConstants.FlagRequest | NetlinkConstants.FlagDump;
}

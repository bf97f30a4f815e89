using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>A decoded NLMSG_ERROR: <see cref="Errno"/> is the positive errno (0 for an ACK) and the echoed request
/// header tells which request it answers. <see cref="Capped"/> says only the request header was echoed.
/// <see cref="ExtendedMessage"/> is the kernel's extended-ack text (NLMSGERR_ATTR_MSG, e.g. "ipv4: Address already
/// assigned") when the socket enabled NETLINK_EXT_ACK, else null.</summary>
public readonly record struct NetlinkError(int Errno, bool Capped, ushort RequestType, ushort RequestFlags, uint RequestSequence, uint RequestPortId)
{
    private const ushort ExtAckAttrMessage = 1; // NLMSGERR_ATTR_MSG

    /// <summary>NLMSGERR_ATTR_MSG, when present.</summary>
    public string? ExtendedMessage { get; init; }

    /// <summary>True for an ACK (error 0).</summary>
    public bool IsAck => Errno == 0;

    /// <summary>The errno name and text, e.g. "EEXIST (File exists)", followed by the extended-ack text if any.</summary>
    public string Describe() => ExtendedMessage is null ? ErrnoText.Describe(Errno) : $"{ErrnoText.Describe(Errno)}: {ExtendedMessage}";

    internal static NetlinkDecodeError TryParse(NetlinkMessage message, out NetlinkError error)
    {
        error = default;
        if (!message.IsError)
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        var payload = message.Payload;
        if (payload.Length < NetlinkConstants.ErrorPayloadMinimum + NetlinkConstants.HeaderLength)
        {
            return NetlinkDecodeError.Truncated;
        }

        var raw = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (raw > 0 || raw < -4095)
        {
            return NetlinkDecodeError.InvalidValue;
        }

        var echoed = payload[NetlinkConstants.ErrorPayloadMinimum..];
        var capped = (message.Flags & NetlinkConstants.FlagCapped) != 0;
        var extended = TryExtendedMessage(message.Flags, capped, echoed, out var text);
        if (extended != NetlinkDecodeError.None)
        {
            return extended;
        }

        error = new NetlinkError(
            -raw,
            capped,
            BinaryPrimitives.ReadUInt16LittleEndian(echoed[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(echoed[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(echoed[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(echoed[12..]))
        {
            ExtendedMessage = text,
        };
        return NetlinkDecodeError.None;
    }

    /// <summary>With NLM_F_ACK_TLVS, attributes follow the echoed request (its header only when capped).</summary>
    private static NetlinkDecodeError TryExtendedMessage(ushort flags, bool capped, ReadOnlySpan<byte> echoed, out string? text)
    {
        text = null;
        if ((flags & NetlinkConstants.FlagAckTlvs) == 0)
        {
            return NetlinkDecodeError.None;
        }

        var echoedLength = capped ? NetlinkConstants.HeaderLength : (long)BinaryPrimitives.ReadUInt32LittleEndian(echoed);
        var start = (echoedLength + 3) & ~3L;
        if (echoedLength < NetlinkConstants.HeaderLength || start > echoed.Length)
        {
            return NetlinkDecodeError.BadMessageLength;
        }

        var attributes = new NetlinkAttributeReader(echoed[(int)start..]);
        while (attributes.TryRead(out var a))
        {
            if (a.Type == ExtAckAttrMessage && a.TryGetString(out var s))
            {
                text = s;
            }
        }

        return attributes.Error;
    }
}

using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>One netlink message whose nlmsg_len was already validated by <see cref="NetlinkMessageReader"/>: the
/// nlmsghdr fields and the payload after it.</summary>
public readonly ref struct NetlinkMessage
{
    /// <summary>Wraps one whole message (header included); <paramref name="bytes"/> must be at least 16 bytes.</summary>
    internal NetlinkMessage(ReadOnlySpan<byte> bytes) => Bytes = bytes;

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>nlmsg_type.</summary>
    public ushort Type => Bytes.Length < NetlinkConstants.HeaderLength ? (ushort)0 : BinaryPrimitives.ReadUInt16LittleEndian(Bytes[4..]);

    /// <summary>nlmsg_flags.</summary>
    public ushort Flags => Bytes.Length < NetlinkConstants.HeaderLength ? (ushort)0 : BinaryPrimitives.ReadUInt16LittleEndian(Bytes[6..]);

    /// <summary>nlmsg_seq.</summary>
    public uint Sequence => Bytes.Length < NetlinkConstants.HeaderLength ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(Bytes[8..]);

    /// <summary>nlmsg_pid.</summary>
    public uint PortId => Bytes.Length < NetlinkConstants.HeaderLength ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(Bytes[12..]);

    /// <summary>The bytes after the nlmsghdr.</summary>
    public ReadOnlySpan<byte> Payload => Bytes.Length < NetlinkConstants.HeaderLength ? default : Bytes[NetlinkConstants.HeaderLength..];

    /// <summary>NLMSG_DONE: the end of a dump.</summary>
    public bool IsDone => Type == NetlinkConstants.MessageDone;

    /// <summary>NLMSG_ERROR: an ACK (error 0) or an error.</summary>
    public bool IsError => Type == NetlinkConstants.MessageError;

    /// <summary>NLM_F_MULTI: part of a multipart (dump) reply.</summary>
    public bool IsMultipart => (Flags & NetlinkConstants.FlagMulti) != 0;

    /// <summary>Decodes an NLMSG_ERROR message (an ACK when <see cref="NetlinkError.Errno"/> is 0).</summary>
    public NetlinkDecodeError TryGetError(out NetlinkError error) => NetlinkError.TryParse(this, out error);

    /// <summary>Splits a generic netlink message into its genlmsghdr and its attributes.</summary>
    public NetlinkDecodeError TryGetGenl(out GenlHeader header, out NetlinkAttributeReader attributes)
    {
        header = default;
        attributes = default;
        var payload = Payload;
        if (Type < NetlinkConstants.MinimumType)
        {
            return NetlinkDecodeError.UnexpectedType;
        }

        if (payload.Length < NetlinkConstants.GenlHeaderLength)
        {
            return NetlinkDecodeError.Truncated;
        }

        header = new GenlHeader(payload[0], payload[1]);
        attributes = new NetlinkAttributeReader(payload[NetlinkConstants.GenlHeaderLength..]);
        return NetlinkDecodeError.None;
    }

    /// <summary>Splits a message with a fixed family header of <paramref name="headerLength"/> bytes (ifinfomsg,
    /// ifaddrmsg, rtmsg, fib_rule_hdr) into that header and its attributes.</summary>
    public NetlinkDecodeError TrySplit(int headerLength, out ReadOnlySpan<byte> familyHeader, out NetlinkAttributeReader attributes)
    {
        familyHeader = default;
        attributes = default;
        var payload = Payload;
        if (headerLength < 0 || payload.Length < headerLength)
        {
            return NetlinkDecodeError.Truncated;
        }

        familyHeader = payload[..headerLength];
        var start = NetlinkConstants.Align(headerLength);
        attributes = new NetlinkAttributeReader(start >= payload.Length ? default : payload[start..]);
        return NetlinkDecodeError.None;
    }
}

/// <summary>A genlmsghdr: the family's command and version.</summary>
public readonly record struct GenlHeader(byte Command, byte Version);

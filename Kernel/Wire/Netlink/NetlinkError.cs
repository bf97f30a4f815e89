using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>A decoded NLMSG_ERROR: <see cref="Errno"/> is the positive errno (0 for an ACK) and the echoed request
/// header tells which request it answers. <see cref="Capped"/> says only the request header was echoed.</summary>
public readonly record struct NetlinkError(int Errno, bool Capped, ushort RequestType, ushort RequestFlags, uint RequestSequence, uint RequestPortId)
{
    /// <summary>True for an ACK (error 0).</summary>
    public bool IsAck => Errno == 0;

    /// <summary>The errno name and text, e.g. "EEXIST (File exists)".</summary>
    public string Describe() => ErrnoText.Describe(Errno);

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
        error = new NetlinkError(
            -raw,
            (message.Flags & NetlinkConstants.FlagCapped) != 0,
            BinaryPrimitives.ReadUInt16LittleEndian(echoed[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(echoed[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(echoed[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(echoed[12..]));
        return NetlinkDecodeError.None;
    }
}

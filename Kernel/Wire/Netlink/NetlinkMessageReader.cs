using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Iterates the netlink messages of one datagram. Each nlmsg_len is checked against the header size and the
/// bytes left; the next message starts at the 4-byte aligned end of the previous one. After a bad length the reader
/// stops and reports it in <see cref="Error"/>. Never throws, allocation-free.</summary>
public ref struct NetlinkMessageReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads the messages of <paramref name="datagram"/>.</summary>
    public NetlinkMessageReader(ReadOnlySpan<byte> datagram)
    {
        _remaining = datagram;
        Error = NetlinkDecodeError.None;
    }

    /// <summary>Why iteration stopped early; <see cref="NetlinkDecodeError.None"/> when the datagram was consumed.</summary>
    public NetlinkDecodeError Error { get; private set; }

    /// <summary>Reads the next message; false at the end of the datagram or on a malformed header.</summary>
    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (_remaining.IsEmpty || Error != NetlinkDecodeError.None)
        {
            return false;
        }

        if (_remaining.Length < NetlinkConstants.HeaderLength)
        {
            Error = NetlinkDecodeError.Truncated;
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(_remaining);
        if (length < NetlinkConstants.HeaderLength || length > (uint)_remaining.Length)
        {
            Error = NetlinkDecodeError.BadMessageLength;
            return false;
        }

        var bytes = _remaining[..(int)length];
        var next = NetlinkConstants.Align((int)length);
        _remaining = next >= _remaining.Length ? default : _remaining[next..];
        message = new NetlinkMessage(bytes);
        return true;
    }
}

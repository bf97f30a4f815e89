using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Iterates the attributes of a message or of a nest. Each nla_len is checked against the attribute header
/// and the bytes left; the next attribute starts at the 4-byte aligned end. NLA_F_NESTED and NLA_F_NET_BYTEORDER are
/// masked off the type (kernel replies omit NLA_F_NESTED, requests set it; both are accepted). Never throws.</summary>
public ref struct NetlinkAttributeReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Reads the attributes in <paramref name="attributes"/>.</summary>
    public NetlinkAttributeReader(ReadOnlySpan<byte> attributes)
    {
        _remaining = attributes;
        Error = NetlinkDecodeError.None;
    }

    /// <summary>Why iteration stopped early; <see cref="NetlinkDecodeError.None"/> when all bytes were consumed.</summary>
    public NetlinkDecodeError Error { get; private set; }

    /// <summary>Reads the next attribute; false at the end or on a malformed attribute header.</summary>
    public bool TryRead(out NetlinkAttribute attribute)
    {
        attribute = default;
        if (_remaining.IsEmpty || Error != NetlinkDecodeError.None)
        {
            return false;
        }

        if (_remaining.Length < NetlinkConstants.AttributeHeaderLength)
        {
            Error = NetlinkDecodeError.Truncated;
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(_remaining);
        if (length < NetlinkConstants.AttributeHeaderLength || length > _remaining.Length)
        {
            Error = NetlinkDecodeError.BadAttributeLength;
            return false;
        }

        var rawType = BinaryPrimitives.ReadUInt16LittleEndian(_remaining[2..]);
        attribute = new NetlinkAttribute(rawType, _remaining[NetlinkConstants.AttributeHeaderLength..length]);
        var next = NetlinkConstants.Align(length);
        _remaining = next >= _remaining.Length ? default : _remaining[next..];
        return true;
    }
}

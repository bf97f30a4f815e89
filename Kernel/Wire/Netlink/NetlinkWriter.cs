using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>Writes netlink messages into a caller-owned buffer: nlmsghdr (length back-patched by
/// <see cref="EndMessage"/>), an optional genlmsghdr or fixed family header, and 4-byte aligned attributes with zero
/// padding. Nests are opened with <see cref="BeginNest"/> and closed with the returned token, which back-patches the
/// nest length. Running out of room never throws: the writer stops writing and <see cref="Overflow"/> becomes true,
/// so a caller checks <see cref="Ok"/> once at the end. Allocation-free.</summary>
public ref struct NetlinkWriter
{
    private readonly Span<byte> _buffer;
    private int _position;
    private int _messageStart;

    /// <summary>Starts writing at the beginning of <paramref name="buffer"/>.</summary>
    public NetlinkWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        _messageStart = -1;
        Overflow = false;
    }

    /// <summary>True once any write did not fit; everything written after that point is dropped.</summary>
    public bool Overflow { get; private set; }

    /// <summary>True while every write so far fitted and no message is left open.</summary>
    public readonly bool Ok => !Overflow && _messageStart < 0;

    /// <summary>Bytes written so far (all messages).</summary>
    public readonly int Length => _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    /// <summary>Opens a message: writes an nlmsghdr whose length is filled in by <see cref="EndMessage"/>.</summary>
    public void BeginMessage(ushort type, ushort flags, uint sequence, uint portId)
    {
        var header = Reserve(NetlinkConstants.HeaderLength);
        if (header.IsEmpty)
        {
            return;
        }

        _messageStart = _position - NetlinkConstants.HeaderLength;
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], portId);
    }

    /// <summary>Writes a genlmsghdr {cmd, version, reserved 0}.</summary>
    public void WriteGenlHeader(byte command, byte version)
    {
        var header = Reserve(NetlinkConstants.GenlHeaderLength);
        if (!header.IsEmpty)
        {
            header[0] = command;
            header[1] = version;
        }
    }

    /// <summary>Writes a fixed family header (ifaddrmsg, rtmsg, ...) verbatim, zero-padded to 4 bytes.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        var target = Reserve(bytes.Length);
        if (!target.IsEmpty)
        {
            bytes.CopyTo(target);
        }
    }

    /// <summary>Closes the open message, back-patching nlmsg_len. Returns the message length, or 0 when the message
    /// overflowed or none was open.</summary>
    public int EndMessage()
    {
        if (_messageStart < 0)
        {
            Overflow = true;
            return 0;
        }

        var start = _messageStart;
        _messageStart = -1;
        if (Overflow)
        {
            return 0;
        }

        var length = _position - start;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[start..], (uint)length);
        return length;
    }

    /// <summary>A u8 attribute (nla_len 5, padded to 8).</summary>
    public void WriteU8(ushort type, byte value)
    {
        var v = BeginAttribute(type, 1);
        if (!v.IsEmpty)
        {
            v[0] = value;
        }
    }

    /// <summary>A host-order u16 attribute (nla_len 6, padded to 8).</summary>
    public void WriteU16(ushort type, ushort value)
    {
        var v = BeginAttribute(type, 2);
        if (!v.IsEmpty)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(v, value);
        }
    }

    /// <summary>A host-order u32 attribute.</summary>
    public void WriteU32(ushort type, uint value)
    {
        var v = BeginAttribute(type, 4);
        if (!v.IsEmpty)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        }
    }

    /// <summary>A host-order u64 attribute.</summary>
    public void WriteU64(ushort type, ulong value)
    {
        var v = BeginAttribute(type, 8);
        if (!v.IsEmpty)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(v, value);
        }
    }

    /// <summary>A network-order (big-endian) u16 attribute, e.g. a port.</summary>
    public void WriteBe16(ushort type, ushort value)
    {
        var v = BeginAttribute(type, 2);
        if (!v.IsEmpty)
        {
            BinaryPrimitives.WriteUInt16BigEndian(v, value);
        }
    }

    /// <summary>A network-order (big-endian) u32 attribute, e.g. an IPv4 mask.</summary>
    public void WriteBe32(ushort type, uint value)
    {
        var v = BeginAttribute(type, 4);
        if (!v.IsEmpty)
        {
            BinaryPrimitives.WriteUInt32BigEndian(v, value);
        }
    }

    /// <summary>An attribute whose value is <paramref name="value"/> verbatim.</summary>
    public void WriteBytes(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var v = BeginAttribute(type, value.Length);
        if (!v.IsEmpty)
        {
            value.CopyTo(v);
        }
    }

    /// <summary>A NUL-terminated UTF-8 string attribute (nla_len includes the NUL). Control characters, which no
    /// interface, scheduler or label name may contain, are written as '?' so the string cannot end early.</summary>
    public void WriteString(ushort type, scoped ReadOnlySpan<char> value)
    {
        var size = System.Text.Encoding.UTF8.GetByteCount(value);
        var v = BeginAttribute(type, size + 1);
        if (v.IsEmpty)
        {
            return;
        }

        System.Text.Encoding.UTF8.GetBytes(value, v);
        for (var i = 0; i < size; i++)
        {
            if (v[i] < 0x20)
            {
                v[i] = (byte)'?';
            }
        }

        v[size] = 0;
    }

    /// <summary>An address attribute in network order: 4 bytes for IPv4, 16 for IPv6.</summary>
    public void WriteAddress(ushort type, IPAddress address)
    {
        var size = address.AddressFamily == AddressFamily.InterNetworkV6 ? 16 : 4;
        var v = BeginAttribute(type, size);
        if (!v.IsEmpty && !address.TryWriteBytes(v, out _))
        {
            Overflow = true;
        }
    }

    /// <summary>An address in a zero-filled fixed-size field (IPVS's 16-byte <c>union nf_inet_addr</c>).</summary>
    public void WriteAddress(ushort type, IPAddress address, int fieldSize)
    {
        var v = BeginAttribute(type, fieldSize);
        if (!v.IsEmpty && !address.TryWriteBytes(v, out _))
        {
            Overflow = true;
        }
    }

    /// <summary>Opens a nested attribute; pass the token to <see cref="EndNest"/>. <paramref name="setNestedFlag"/>
    /// sets NLA_F_NESTED in the type (generic netlink requests do, iproute2's rtnetlink requests do not).</summary>
    public NestToken BeginNest(ushort type, bool setNestedFlag)
    {
        var start = _position;
        var t = setNestedFlag ? (ushort)(type | NetlinkConstants.AttributeNested) : type;
        var header = Reserve(NetlinkConstants.AttributeHeaderLength);
        if (header.IsEmpty)
        {
            return new NestToken(-1);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], t);
        return new NestToken(start);
    }

    /// <summary>Closes a nest, back-patching its nla_len. A nest longer than 65535 bytes is an overflow.</summary>
    public void EndNest(NestToken token)
    {
        if (Overflow || token.Offset < 0 || token.Offset >= _position)
        {
            Overflow = true;
            return;
        }

        var length = _position - token.Offset;
        if (length > ushort.MaxValue)
        {
            Overflow = true;
            return;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[token.Offset..], (ushort)length);
    }

    private Span<byte> BeginAttribute(ushort type, int valueLength)
    {
        var total = NetlinkConstants.AttributeHeaderLength + valueLength;
        if (total > ushort.MaxValue)
        {
            Overflow = true;
            return default;
        }

        var span = Reserve(total);
        if (span.IsEmpty)
        {
            return default;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)total);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        var value = span[NetlinkConstants.AttributeHeaderLength..];
        return value.IsEmpty ? span[..0] : value;
    }

    /// <summary>Reserves <paramref name="length"/> bytes plus zero padding to 4; returns the unpadded span, or an
    /// empty span (and sets <see cref="Overflow"/>) when it does not fit.</summary>
    private Span<byte> Reserve(int length)
    {
        var padded = NetlinkConstants.Align(length);
        if (Overflow || length <= 0 || padded > _buffer.Length - _position)
        {
            Overflow = true;
            return default;
        }

        var span = _buffer.Slice(_position, padded);
        span.Clear();
        _position += padded;
        return span[..length];
    }
}

/// <summary>Where an open nest starts; returned by <see cref="NetlinkWriter.BeginNest"/>.</summary>
public readonly struct NestToken
{
    internal NestToken(int offset) => Offset = offset;

    internal int Offset { get; }
}

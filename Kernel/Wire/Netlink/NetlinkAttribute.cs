using System.Buffers.Binary;
using System.Net;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>One attribute: its type (flags masked off) and value bytes. The typed getters return false when the value
/// has the wrong size, so a hostile length is a clean failure, never an exception.</summary>
public readonly ref struct NetlinkAttribute
{
    private readonly ushort _rawType;

    internal NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> value)
    {
        _rawType = rawType;
        Value = value;
    }

    /// <summary>The attribute type with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off.</summary>
    public ushort Type => (ushort)(_rawType & NetlinkConstants.AttributeTypeMask);

    /// <summary>NLA_F_NESTED was set by the sender.</summary>
    public bool HasNestedFlag => (_rawType & NetlinkConstants.AttributeNested) != 0;

    /// <summary>NLA_F_NET_BYTEORDER was set by the sender.</summary>
    public bool HasNetByteOrderFlag => (_rawType & NetlinkConstants.AttributeNetByteOrder) != 0;

    /// <summary>The value bytes (nla_len minus the header, without padding).</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>The attributes inside this one (for a nest).</summary>
    public NetlinkAttributeReader Nested => new(Value);

    /// <summary>A 1-byte value.</summary>
    public bool TryGetU8(out byte value)
    {
        value = Value.Length == 1 ? Value[0] : (byte)0;
        return Value.Length == 1;
    }

    /// <summary>A host-order 2-byte value.</summary>
    public bool TryGetU16(out ushort value) => BinaryPrimitives.TryReadUInt16LittleEndian(Value, out value) && Value.Length == 2;

    /// <summary>A host-order 4-byte value.</summary>
    public bool TryGetU32(out uint value) => BinaryPrimitives.TryReadUInt32LittleEndian(Value, out value) && Value.Length == 4;

    /// <summary>A host-order 4-byte signed value.</summary>
    public bool TryGetS32(out int value) => BinaryPrimitives.TryReadInt32LittleEndian(Value, out value) && Value.Length == 4;

    /// <summary>A host-order 8-byte value.</summary>
    public bool TryGetU64(out ulong value) => BinaryPrimitives.TryReadUInt64LittleEndian(Value, out value) && Value.Length == 8;

    /// <summary>A network-order 2-byte value.</summary>
    public bool TryGetBe16(out ushort value) => BinaryPrimitives.TryReadUInt16BigEndian(Value, out value) && Value.Length == 2;

    /// <summary>A network-order 4-byte value.</summary>
    public bool TryGetBe32(out uint value) => BinaryPrimitives.TryReadUInt32BigEndian(Value, out value) && Value.Length == 4;

    /// <summary>A NUL-terminated UTF-8 string (the kernel always terminates; a value without NUL is taken whole).
    /// Fails on invalid UTF-8 and on control characters, which interface, scheduler and label names never contain.</summary>
    public bool TryGetString(out string value)
    {
        value = string.Empty;
        var bytes = Value;
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            bytes = bytes[..nul];
        }

        foreach (var b in bytes)
        {
            if (b is < 0x20 or 0x7f)
            {
                return false;
            }
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        value = System.Text.Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>An address of exactly 4 (IPv4) or 16 (IPv6) network-order bytes.</summary>
    public bool TryGetAddress(out IPAddress? address)
    {
        address = Value.Length is 4 or 16 ? new IPAddress(Value) : null;
        return address is not null;
    }

    /// <summary>An address in a 16-byte field whose meaning depends on <paramref name="family"/> (IPVS's
    /// <c>union nf_inet_addr</c>: IPv4 uses the first 4 bytes).</summary>
    public bool TryGetAddress(byte family, out IPAddress? address)
    {
        address = null;
        if (family == NetlinkConstants.AfInet && Value.Length >= 4)
        {
            address = new IPAddress(Value[..4]);
        }
        else if (family == NetlinkConstants.AfInet6 && Value.Length >= 16)
        {
            address = new IPAddress(Value[..16]);
        }

        return address is not null;
    }
}

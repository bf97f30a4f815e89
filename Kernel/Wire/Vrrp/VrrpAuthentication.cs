using System.Text;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>VRRPv2 authentication types (RFC 2338 §5.3.6; keepalived keeps 1 and 2).</summary>
public enum VrrpAuthType : byte
{
    /// <summary>No authentication: 8 zero bytes of auth data.</summary>
    None = 0,

    /// <summary>Simple text password, NUL-padded to 8 bytes.</summary>
    Password = 1,

    /// <summary>IPsec AH (keepalived's own HMAC-MD5-96); the advert then travels as IP protocol 51.</summary>
    IpsecAh = 2,
}

/// <summary>What VRRPv2 authentication an instance uses: the type and, for a password, its 8 bytes as sent
/// (keepalived truncates auth_pass to 8 characters and pads it with NULs).</summary>
public readonly struct VrrpAuthentication : IEquatable<VrrpAuthentication>
{
    private readonly ulong _data;

    private VrrpAuthentication(VrrpAuthType type, ulong data)
    {
        Type = type;
        _data = data;
    }

    /// <summary>No authentication.</summary>
    public static VrrpAuthentication None => default;

    /// <summary>IPsec AH keyed with the first 8 bytes of <paramref name="password"/> (NUL-padded), as keepalived.
    /// The advert's own 8 auth bytes stay zero; <see cref="WriteKey"/> gives the key of VrrpAh's HMAC.</summary>
    public static VrrpAuthentication IpsecAh(string password) => new(VrrpAuthType.IpsecAh, Password(password)._data);

    /// <summary>The 8 key bytes (the password NUL-padded) of PASS or AH.</summary>
    public void WriteKey(Span<byte> destination) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, _data);

    /// <summary>Authentication type.</summary>
    public VrrpAuthType Type { get; }

    /// <summary>A PASS authentication with the first 8 bytes of <paramref name="password"/> (UTF-8), NUL-padded.</summary>
    public static VrrpAuthentication Password(string password)
    {
        Span<byte> bytes = stackalloc byte[VrrpConstants.V2AuthDataLength];
        bytes.Clear();
        var utf8 = Encoding.UTF8.GetBytes(password);
        utf8.AsSpan(0, Math.Min(utf8.Length, bytes.Length)).CopyTo(bytes);
        return new VrrpAuthentication(VrrpAuthType.Password, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    /// <summary>Writes the 8 auth-data bytes of an advert (zeros unless PASS).</summary>
    public void WriteData(Span<byte> destination)
    {
        if (Type == VrrpAuthType.Password)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, _data);
        else
            destination[..VrrpConstants.V2AuthDataLength].Clear();
    }

    /// <summary>True when <paramref name="received"/> (8 bytes) carries this password, compared in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> received)
    {
        Span<byte> mine = stackalloc byte[VrrpConstants.V2AuthDataLength];
        WriteData(mine);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(mine, received[..VrrpConstants.V2AuthDataLength]);
    }

    public bool Equals(VrrpAuthentication other) => Type == other.Type && _data == other._data;

    public override bool Equals(object? obj) => obj is VrrpAuthentication other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Type, _data);

    public static bool operator ==(VrrpAuthentication left, VrrpAuthentication right) => left.Equals(right);

    public static bool operator !=(VrrpAuthentication left, VrrpAuthentication right) => !left.Equals(right);

    /// <summary>Never shows the password.</summary>
    public override string ToString() => Type.ToString();
}

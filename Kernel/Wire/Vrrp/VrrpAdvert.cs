using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>
/// A decoded advertisement: the header fields plus where its addresses lie in the packet it was decoded from (so
/// decoding allocates nothing; <see cref="AddressAt"/> reads one address when it is wanted).
/// </summary>
public readonly record struct VrrpAdvert(
    byte Version,
    byte Vrid,
    byte Priority,
    byte AddressCount,
    VrrpAuthType AuthType,
    int IntervalCentiseconds,
    ushort Checksum,
    VrrpChecksumFlavour ChecksumFlavour,
    AddressFamily Family)
{
    /// <summary>The advertisement interval: v2 carries seconds, v3 centiseconds.</summary>
    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalCentiseconds * 10L);

    /// <summary>Bytes per address for this family.</summary>
    public int AddressLength => Family == AddressFamily.InterNetworkV6 ? 16 : 4;

    /// <summary>The bytes of address <paramref name="index"/> in <paramref name="packet"/> (the span decoded).</summary>
    public ReadOnlySpan<byte> AddressBytes(ReadOnlySpan<byte> packet, int index) =>
        packet.Slice(VrrpConstants.HeaderLength + index * AddressLength, AddressLength);

    /// <summary>Address <paramref name="index"/> of <paramref name="packet"/> (allocates the IPAddress).</summary>
    public IPAddress AddressAt(ReadOnlySpan<byte> packet, int index) => new(AddressBytes(packet, index));
}

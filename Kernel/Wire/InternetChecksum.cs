using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire;

/// <summary>The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement sum of the data
/// taken as big-endian 16-bit words (an odd last byte is padded with zero), with the IPv4 and IPv6 pseudo-headers
/// that VRRPv3 and ICMPv6 put in front. Sums are accumulated in 32 bits and folded at the end.</summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running sum.</summary>
    public static uint Accumulate(uint sum, ReadOnlySpan<byte> data)
    {
        ulong acc = sum;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
            acc += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            acc += (uint)data[i] << 8;
        while (acc >> 32 != 0)
            acc = (acc & 0xffffffff) + (acc >> 32);
        return (uint)acc;
    }

    /// <summary>The checksum of a running sum: folded to 16 bits and complemented.</summary>
    public static ushort Finish(uint sum)
    {
        while (sum >> 16 != 0)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>The checksum of <paramref name="data"/> alone.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Accumulate(0, data));

    /// <summary>The sum of the IPv4 pseudo-header: source, destination, zero, protocol, upper-layer length.</summary>
    public static uint PseudoHeaderV4(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte protocol, int length)
    {
        uint sum = Accumulate(0, source[..4]);
        sum = Accumulate(sum, destination[..4]);
        return Accumulate(sum, [0, protocol, (byte)(length >> 8), (byte)length]);
    }

    /// <summary>The sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, 32-bit upper-layer length,
    /// three zero bytes, next header.</summary>
    public static uint PseudoHeaderV6(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, byte nextHeader, int length)
    {
        uint sum = Accumulate(0, source[..16]);
        sum = Accumulate(sum, destination[..16]);
        return Accumulate(sum, [(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0, 0, 0, nextHeader]);
    }

    /// <summary>The pseudo-header sum for <paramref name="source"/> and <paramref name="destination"/> of the same
    /// family; false when the families differ or are neither IPv4 nor IPv6.</summary>
    public static bool TryPseudoHeader(IPAddress source, IPAddress destination, byte protocol, int length, out uint sum)
    {
        sum = 0;
        if (source.AddressFamily != destination.AddressFamily)
            return false;
        Span<byte> src = stackalloc byte[16];
        Span<byte> dst = stackalloc byte[16];
        if (!source.TryWriteBytes(src, out int srcLength) || !destination.TryWriteBytes(dst, out int dstLength) || srcLength != dstLength)
            return false;
        if (source.AddressFamily == AddressFamily.InterNetwork)
            sum = PseudoHeaderV4(src, dst, protocol, length);
        else if (source.AddressFamily == AddressFamily.InterNetworkV6)
            sum = PseudoHeaderV6(src, dst, protocol, length);
        else
            return false;
        return true;
    }
}

using System.Buffers.Binary;
using System.Net;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>RFC 1071 checksum, and the VRRPv3 pseudo-header sums (RFC 5798 §5.2.8), written for these tests.</summary>
public static class InternetChecksum
{
    /// <summary>True when the message's checksum field is right: the one's-complement sum of pseudo-header and
    /// message, checksum included, is 0xffff.</summary>
    public static bool IsValidVrrpV3(IPAddress source, IPAddress destination, ReadOnlySpan<byte> message)
    {
        var pseudo = new List<byte>();
        pseudo.AddRange(source.GetAddressBytes());
        pseudo.AddRange(destination.GetAddressBytes());
        if (source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, message.Length);
            pseudo.AddRange(length);
            pseudo.AddRange(new byte[] { 0, 0, 0, 112 });
        }
        else
        {
            pseudo.AddRange(new byte[] { 0, 112, (byte)(message.Length >> 8), (byte)message.Length });
        }
        return Sum([.. pseudo, .. message.ToArray()]) == 0xffff;
    }

    /// <summary>The RFC 1071 one's-complement sum of 16-bit big-endian words (odd length padded with zero), folded.</summary>
    public static int Sum(ReadOnlySpan<byte> data)
    {
        long sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (data.Length % 2 == 1)
            sum += data[^1] << 8;
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        return (int)sum;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>Outcome of checking an IPsec-AH-protected VRRPv2 packet, in keepalived's order.</summary>
public enum VrrpAhResult
{
    Ok = 0,

    /// <summary>Not an IPv4 packet carrying AH, or shorter than its headers say.</summary>
    Malformed,

    /// <summary>An AH packet for another protocol: not ours, dropped silently (keepalived returns DROP).</summary>
    NotVrrp,

    /// <summary>The HMAC-MD5-96 integrity check value does not match: wrong password or altered packet.</summary>
    BadIcv,

    /// <summary>The SPI is not the sender's IPv4 address (keepalived's rule for choosing SPIs).</summary>
    BadSpi,

    /// <summary>The sequence number is not above the last one accepted: a replay.</summary>
    Replay,
}

/// <summary>
/// VRRPv2 "auth_type AH" as keepalived 2.2.7 builds it (vrrp.c vrrp_build_ipsecah / vrrp_in_chk_ipsecah; an RFC 2402
/// header, not kernel IPsec): IPv4 header (protocol 51) + AH (next header 112, payload length 4, SPI = source
/// address, sequence number, 12-byte ICV) + the VRRP message. The ICV is HMAC-MD5 truncated to 96 bits, keyed with
/// the 8 auth bytes (auth_pass NUL-padded), over the IP header with TOS, fragment offset, checksum and (unicast only)
/// TTL zeroed, the AH header with a zero ICV, and the VRRP message. Pure; allocation-free.
/// </summary>
public static class VrrpAh
{
    public const byte ProtocolNumber = 51;
    public const int IpHeaderLength = 20;
    public const int AhHeaderLength = 24;
    private const int IcvLength = 12;
    private const int IcvOffset = 12;
    private const byte PayloadLengthWords = 4;
    private const int MaxPacket = 2048;

    /// <summary>Writes the whole IPv4 packet (for a raw socket with IP_HDRINCL) around <paramref name="vrrpMessage"/>.</summary>
    /// <param name="destination">Receives the packet.</param>
    /// <param name="source">IPv4 source (4 bytes); also the SPI unless <paramref name="spi"/> is given.</param>
    /// <param name="target">IPv4 destination (4 bytes): the group or a unicast peer.</param>
    /// <param name="ipId">The IP identification (keepalived counts from 1).</param>
    /// <param name="ttl">255 (or the configured unicast TTL).</param>
    /// <param name="unicast">Unicast adverts exclude the TTL from the ICV.</param>
    /// <param name="key">The 8 auth bytes.</param>
    /// <param name="sequence">The AH sequence number (keepalived increments it per advert, from 1).</param>
    /// <param name="vrrpMessage">A VRRPv2 message with auth type 2 and zero auth data.</param>
    /// <param name="written">Packet length.</param>
    /// <param name="spi">Override of the SPI (tests of the receive check).</param>
    public static bool TryBuild(Span<byte> destination, ReadOnlySpan<byte> source, ReadOnlySpan<byte> target, ushort ipId, byte ttl, bool unicast,
        ReadOnlySpan<byte> key, uint sequence, ReadOnlySpan<byte> vrrpMessage, out int written, uint? spi = null)
    {
        written = 0;
        int length = IpHeaderLength + AhHeaderLength + vrrpMessage.Length;
        if (source.Length != 4 || target.Length != 4 || destination.Length < length || length > MaxPacket)
            return false;
        var packet = destination[..length];
        var ip = packet[..IpHeaderLength];
        ip[0] = 0x45;
        ip[1] = 0xc0;                                    // TOS: network control, as keepalived
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], ipId);
        ip[6] = 0;
        ip[7] = 0;
        ip[8] = ttl;
        ip[9] = ProtocolNumber;
        ip[10] = 0;
        ip[11] = 0;
        source.CopyTo(ip[12..]);
        target.CopyTo(ip[16..]);

        var ah = packet.Slice(IpHeaderLength, AhHeaderLength);
        ah[0] = VrrpConstants.ProtocolNumber;
        ah[1] = PayloadLengthWords;
        ah[2] = 0;
        ah[3] = 0;
        if (spi is { } s)
            BinaryPrimitives.WriteUInt32BigEndian(ah[4..], s);
        else
            source.CopyTo(ah[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(ah[8..], sequence);
        ah.Slice(IcvOffset, IcvLength).Clear();
        vrrpMessage.CopyTo(packet[(IpHeaderLength + AhHeaderLength)..]);

        Span<byte> icv = stackalloc byte[16];
        if (!TryIcv(packet, unicast, key, icv))
            return false;
        icv[..IcvLength].CopyTo(ah[IcvOffset..]);
        // The kernel fills the header checksum of an IP_HDRINCL packet; computing it here keeps the bytes complete.
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));
        written = length;
        return true;
    }

    /// <summary>Checks a received IPv4 packet (IP header included, as a raw IPv4 socket delivers it). On success
    /// <paramref name="vrrpOffset"/> is where the VRRP message starts and <paramref name="sequence"/> the sequence
    /// number, which the caller stores as the new <paramref name="lastSequence"/>.</summary>
    public static VrrpAhResult Verify(ReadOnlySpan<byte> packet, bool unicast, ReadOnlySpan<byte> key, uint lastSequence, out int vrrpOffset, out uint sequence)
    {
        vrrpOffset = 0;
        sequence = 0;
        if (packet.Length < IpHeaderLength || packet[0] >> 4 != 4 || packet[9] != ProtocolNumber || packet.Length > MaxPacket)
            return VrrpAhResult.Malformed;
        int ihl = (packet[0] & 0x0f) * 4;
        if (ihl < IpHeaderLength || packet.Length < ihl + AhHeaderLength)
            return VrrpAhResult.Malformed;
        var ah = packet.Slice(ihl, AhHeaderLength);
        if (ah[0] != VrrpConstants.ProtocolNumber)
            return VrrpAhResult.NotVrrp;
        if (ah[1] != PayloadLengthWords)
            return VrrpAhResult.Malformed;

        Span<byte> copy = stackalloc byte[packet.Length];
        packet.CopyTo(copy);
        copy.Slice(ihl + IcvOffset, IcvLength).Clear();
        Span<byte> icv = stackalloc byte[16];
        if (!TryIcv(copy, unicast, key, icv))
            return VrrpAhResult.Malformed;
        if (!CryptographicOperations.FixedTimeEquals(icv[..IcvLength], ah.Slice(IcvOffset, IcvLength)))
            return VrrpAhResult.BadIcv;
        if (!ah.Slice(4, 4).SequenceEqual(packet.Slice(12, 4)))
            return VrrpAhResult.BadSpi;
        sequence = BinaryPrimitives.ReadUInt32BigEndian(ah[8..]);
        if (sequence <= lastSequence)
            return VrrpAhResult.Replay;
        vrrpOffset = ihl + AhHeaderLength;
        return VrrpAhResult.Ok;
    }

    /// <summary>The VRID of the VRRP message inside an AH packet, to find the instance (and so the key) before the
    /// packet can be verified: not authenticated yet. False when the packet is too short to hold one.</summary>
    public static bool TryPeekVrid(ReadOnlySpan<byte> packet, out byte vrid)
    {
        vrid = 0;
        if (packet.Length < IpHeaderLength)
            return false;
        int at = (packet[0] & 0x0f) * 4 + AhHeaderLength + 1;
        if (at >= packet.Length)
            return false;
        vrid = packet[at];
        return true;
    }

    /// <summary>HMAC-MD5 of the packet with the mutable IP fields zeroed (the ICV field must already be zero).</summary>
    private static bool TryIcv(Span<byte> packet, bool unicast, ReadOnlySpan<byte> key, Span<byte> icv)
    {
        // Zero the mutable fields in place, hash, then restore them. IP options (IHL > 5) are covered as they are,
        // as keepalived does.
        byte tos = packet[1], frag0 = packet[6], frag1 = packet[7], ttl = packet[8], check0 = packet[10], check1 = packet[11];
        packet[1] = 0;
        packet[6] = 0;
        packet[7] = 0;
        packet[10] = 0;
        packet[11] = 0;
        if (unicast)
            packet[8] = 0;
        bool ok = HMACMD5.TryHashData(key, packet, icv, out int n) && n == 16;
        packet[1] = tos;
        packet[6] = frag0;
        packet[7] = frag1;
        packet[8] = ttl;
        packet[10] = check0;
        packet[11] = check1;
        return ok;
    }
}

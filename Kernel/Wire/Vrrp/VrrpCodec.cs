using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>
/// Encodes and decodes VRRP advertisements, v2 (RFC 3768) and v3 (RFC 5798 / RFC 9568), IPv4 and IPv6. The bytes are
/// the VRRP message alone (what a raw IP socket sends and, after the IP header, receives). Decoding checks in the
/// order of vrrp-rules.md "Receive validation" and reports the first failure as a <see cref="VrrpDiscard"/>; it never
/// throws and never allocates.
/// </summary>
public static class VrrpCodec
{
    private static readonly byte[] MulticastV4 = [224, 0, 0, 18];

    /// <summary>Decodes <paramref name="packet"/>; <see cref="VrrpDiscard.None"/> means <paramref name="advert"/> is valid.</summary>
    public static VrrpDiscard TryDecode(ReadOnlySpan<byte> packet, in VrrpReceiveContext context, out VrrpAdvert advert)
    {
        advert = default;
        var family = context.Source?.AddressFamily ?? AddressFamily.Unspecified;
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return VrrpDiscard.BadVersion;

        // V3-R1
        if (context.CheckTtl && context.TtlOrHopLimit >= 0 && context.TtlOrHopLimit != VrrpConstants.Ttl)
            return VrrpDiscard.BadTtl;

        // V3-R2 (and V2-F1: VRRPv2 is IPv4 only)
        if (packet.Length < 1)
            return VrrpDiscard.BadLength;
        int version = packet[0] >> 4;
        if (version != context.Version || version is not (2 or 3) || (version == 2 && family == AddressFamily.InterNetworkV6))
            return VrrpDiscard.BadVersion;
        if ((packet[0] & 0x0f) != VrrpConstants.TypeAdvertisement)
            return VrrpDiscard.BadType;

        // V3-R3: exactly the header, the addresses and (v2) the auth data.
        if (packet.Length < VrrpConstants.HeaderLength)
            return VrrpDiscard.BadLength;
        int count = packet[3];
        int addressLength = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        int expected = VrrpConstants.HeaderLength + count * addressLength + (version == 2 ? VrrpConstants.V2AuthDataLength : 0);
        if (packet.Length != expected)
            return VrrpDiscard.BadLength;

        // V3-R4
        if (!TryMatchChecksum(packet, version, family, context, out var flavour))
            return VrrpDiscard.BadChecksum;

        // V3-R7
        int interval = version == 2 ? packet[5] * 100 : ((packet[4] & 0x0f) << 8) | packet[5];
        if (interval == 0)
            return VrrpDiscard.ZeroInterval;
        if (count == 0)
            return VrrpDiscard.NoAddresses;

        // V2-R1
        var authType = VrrpAuthType.None;
        if (version == 2)
        {
            byte type = packet[4];
            if (type > (byte)VrrpAuthType.IpsecAh || type != (byte)context.Authentication.Type)
                return VrrpDiscard.AuthTypeMismatch;
            authType = (VrrpAuthType)type;
            // A password is compared here. AH adverts arrive as IP protocol 51 and are verified with their IP header
            // by VrrpAh before this message is decoded; an AH type seen here unverified is refused.
            if (authType == VrrpAuthType.Password && !context.Authentication.Matches(packet[^VrrpConstants.V2AuthDataLength..]))
                return VrrpDiscard.AuthFailure;
            if (authType == VrrpAuthType.IpsecAh && !context.AhVerified)
                return VrrpDiscard.AuthFailure;
        }

        advert = new VrrpAdvert((byte)version, packet[1], packet[2], (byte)count, authType, interval,
            BinaryPrimitives.ReadUInt16BigEndian(packet[6..]), flavour, family);
        return VrrpDiscard.None;
    }

    /// <summary>The checksum flavours tried for a packet, the configured one first.</summary>
    private static bool TryMatchChecksum(ReadOnlySpan<byte> packet, int version, AddressFamily family, in VrrpReceiveContext context, out VrrpChecksumFlavour flavour)
    {
        if (version == 2)
        {
            flavour = VrrpChecksumFlavour.MessageOnly;
            return InternetChecksum.Compute(packet) == 0;
        }
        if (family == AddressFamily.InterNetworkV6)
        {
            flavour = VrrpChecksumFlavour.PseudoHeader;
            return Verifies(packet, flavour, context.Source, context.Destination);
        }
        flavour = context.ChecksumFlavour;
        if (Verifies(packet, flavour, context.Source, context.Destination))
            return true;
        if (context.ChecksumPolicy == VrrpChecksumPolicy.Detect)
        {
            foreach (var other in (ReadOnlySpan<VrrpChecksumFlavour>)[VrrpChecksumFlavour.PseudoHeader, VrrpChecksumFlavour.MessageOnly, VrrpChecksumFlavour.OldUnicastPseudoHeader])
            {
                if (other != context.ChecksumFlavour && Verifies(packet, other, context.Source, context.Destination))
                {
                    flavour = other;
                    return true;
                }
            }
        }
        return false;
    }

    private static bool Verifies(ReadOnlySpan<byte> message, VrrpChecksumFlavour flavour, IPAddress source, IPAddress destination) =>
        TrySum(message.Length, flavour, source, destination, out uint sum) && InternetChecksum.Finish(InternetChecksum.Accumulate(sum, message)) == 0;

    /// <summary>The pseudo-header part of the checksum sum for a flavour (0 for message-only).</summary>
    private static bool TrySum(int length, VrrpChecksumFlavour flavour, IPAddress source, IPAddress destination, out uint sum)
    {
        sum = 0;
        switch (flavour)
        {
            case VrrpChecksumFlavour.MessageOnly:
                return true;
            case VrrpChecksumFlavour.PseudoHeader:
                return destination is not null && InternetChecksum.TryPseudoHeader(source, destination, VrrpConstants.ProtocolNumber, length, out sum);
            case VrrpChecksumFlavour.OldUnicastPseudoHeader:
            {
                if (source.AddressFamily != AddressFamily.InterNetwork)
                    return false;
                Span<byte> src = stackalloc byte[4];
                if (!source.TryWriteBytes(src, out _))
                    return false;
                sum = InternetChecksum.PseudoHeaderV4(src, MulticastV4, VrrpConstants.ProtocolNumber, length);
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>
    /// Writes an advert into <paramref name="destination"/>: header, the pre-serialised addresses of
    /// <paramref name="addresses"/> (network order, 4 or 16 bytes each, matching <paramref name="source"/>'s family),
    /// v2 auth data, and the checksum in the flavour the spec names (v2: message only; v3/IPv6: pseudo-header).
    /// </summary>
    public static bool TryEncode(Span<byte> destination, in VrrpAdvertSpec spec, ReadOnlySpan<byte> addresses, IPAddress source, IPAddress peer,
        out int written, out VrrpEncodeError error)
    {
        written = 0;
        var family = source.AddressFamily;
        int addressLength = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        error = Check(spec, addresses.Length, addressLength, family, peer);
        if (error != VrrpEncodeError.None)
            return false;
        int count = addresses.Length / addressLength;
        int length = VrrpConstants.HeaderLength + addresses.Length + (spec.Version == 2 ? VrrpConstants.V2AuthDataLength : 0);
        if (destination.Length < length)
        {
            error = VrrpEncodeError.BufferTooSmall;
            return false;
        }
        var message = destination[..length];
        message[0] = (byte)(spec.Version << 4 | VrrpConstants.TypeAdvertisement);
        message[1] = spec.Vrid;
        message[2] = spec.Priority;
        message[3] = (byte)count;
        if (spec.Version == 2)
        {
            message[4] = (byte)spec.Authentication.Type;
            message[5] = (byte)(spec.IntervalCentiseconds / 100);
        }
        else
        {
            // 4 reserved bits zero (V3-F5), 12 bits of centiseconds.
            BinaryPrimitives.WriteUInt16BigEndian(message[4..], (ushort)spec.IntervalCentiseconds);
        }
        message[6] = 0;
        message[7] = 0;
        addresses.CopyTo(message[VrrpConstants.HeaderLength..]);
        if (spec.Version == 2)
            spec.Authentication.WriteData(message[^VrrpConstants.V2AuthDataLength..]);

        var flavour = spec.Version == 2 ? VrrpChecksumFlavour.MessageOnly
            : family == AddressFamily.InterNetworkV6 ? VrrpChecksumFlavour.PseudoHeader
            : spec.ChecksumFlavour;
        if (!TrySum(length, flavour, source, peer, out uint sum))
        {
            error = VrrpEncodeError.FamilyMismatch;
            return false;
        }
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], InternetChecksum.Finish(InternetChecksum.Accumulate(sum, message)));
        written = length;
        return true;
    }

    private static VrrpEncodeError Check(in VrrpAdvertSpec spec, int addressBytes, int addressLength, AddressFamily family, IPAddress peer)
    {
        if (spec.Version is not (2 or 3) || family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (spec.Version == 2 && family == AddressFamily.InterNetworkV6))
            return VrrpEncodeError.BadVersion;
        if (peer is null || peer.AddressFamily != family)
            return VrrpEncodeError.FamilyMismatch;
        if (spec.Vrid == 0)
            return VrrpEncodeError.BadVrid;
        if (addressBytes == 0 || addressBytes % addressLength != 0 || addressBytes / addressLength > VrrpConstants.MaxAddresses)
            return VrrpEncodeError.BadAddressCount;
        bool intervalOk = spec.Version == 2
            ? spec.IntervalCentiseconds % 100 == 0 && spec.IntervalCentiseconds / 100 is >= 1 and <= 255
            : spec.IntervalCentiseconds is >= 1 and <= VrrpConstants.MaxV3IntervalCentiseconds;
        return intervalOk ? VrrpEncodeError.None : VrrpEncodeError.BadInterval;
    }
}

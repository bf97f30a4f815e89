using System.Buffers.Binary;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>What a packet read by a PING_CHECK means (<see cref="IcmpEcho.Inspect"/>).</summary>
public enum IcmpReplyKind
{
    /// <summary>Not about our echo (another id or sequence, another type, a bad checksum, malformed): keep waiting.</summary>
    Ignored,

    /// <summary>The echo reply to our request.</summary>
    EchoReply,

    /// <summary>A destination unreachable quoting our request.</summary>
    Unreachable,
}

/// <summary>The verdict on one packet, with a reason for the log.</summary>
public readonly record struct IcmpReplyVerdict(IcmpReplyKind Kind, string Reason);

/// <summary>
/// The ICMP and ICMPv6 echo of keepalived 2.2.7's PING_CHECK (check/check_ping.c ping_it, recv_it, ping6_it,
/// recv6_it), pure: a request carries an 8-byte header (type 8 / 128, code 0, our identifier and sequence) and
/// keepalived's 128-byte filler. keepalived reads from a ping socket, where the kernel delivers only replies to its
/// identifier; we read a raw socket (no <c>ping_group_range</c> rewrite needed), so <see cref="Inspect"/> does that
/// filtering: an echo reply with our identifier and sequence passes; a destination unreachable that quotes our
/// request fails at once (keepalived waits for its timeout then, same verdict). IPv4 packets arrive with their IP
/// header, whose length is validated, and the ICMP checksum is verified (the kernel hands raw sockets packets before
/// checking it); ICMPv6 arrives without its header, its checksum already checked by the kernel. Never throws.
/// </summary>
public static class IcmpEcho
{
    /// <summary>keepalived's ICMP_BUFSIZE: bytes of filler after the header.</summary>
    public const int PayloadLength = 128;

    /// <summary>ICMP echo header size.</summary>
    public const int HeaderLength = 8;

    private const byte EchoRequestV4 = 8;
    private const byte EchoReplyV4 = 0;
    private const byte UnreachableV4 = 3;
    private const byte EchoRequestV6 = 128;
    private const byte EchoReplyV6 = 129;
    private const byte UnreachableV6 = 1;
    private const int Ipv6HeaderLength = 40;
    private const byte ProtocolIcmp = 1;

    /// <summary>The echo request; for IPv4 with its checksum (for ICMPv6 the kernel fills it in).</summary>
    public static byte[] Request(bool ipv6, ushort identifier, ushort sequence)
    {
        var packet = new byte[HeaderLength + PayloadLength];
        packet[0] = ipv6 ? EchoRequestV6 : EchoRequestV4;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        UdpReplyRule.Filler(PayloadLength).CopyTo(packet, HeaderLength);
        if (!ipv6)
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        return packet;
    }

    /// <summary>What <paramref name="packet"/> (as read from a raw socket of that family) means for our request.</summary>
    public static IcmpReplyVerdict Inspect(ReadOnlySpan<byte> packet, bool ipv6, ushort identifier, ushort sequence)
    {
        ReadOnlySpan<byte> icmp;
        if (ipv6)
        {
            icmp = packet;
        }
        else
        {
            if (!TrySkipIpv4Header(packet, out icmp, out var why))
                return new(IcmpReplyKind.Ignored, why);
            if (Checksum(icmp) != 0)
                return new(IcmpReplyKind.Ignored, "bad ICMP checksum");
        }
        if (icmp.Length < HeaderLength)
            return new(IcmpReplyKind.Ignored, $"too short for ICMP ({icmp.Length} bytes)");
        byte type = icmp[0];
        byte code = icmp[1];
        if (type == (ipv6 ? EchoReplyV6 : EchoReplyV4))
        {
            if (!SameEcho(icmp, identifier, sequence))
                return new(IcmpReplyKind.Ignored, "an echo reply to another request");
            return code == 0 ? new(IcmpReplyKind.EchoReply, "echo reply") : new(IcmpReplyKind.Ignored, $"echo reply with code {code}");
        }
        if (type == (ipv6 ? UnreachableV6 : UnreachableV4))
        {
            var quoted = icmp[HeaderLength..];
            ReadOnlySpan<byte> original;
            if (ipv6)
            {
                if (quoted.Length < Ipv6HeaderLength + HeaderLength)
                    return new(IcmpReplyKind.Ignored, "an unreachable quoting too little");
                original = quoted[Ipv6HeaderLength..];
            }
            else if (!TrySkipIpv4Header(quoted, out original, out _))
            {
                return new(IcmpReplyKind.Ignored, "an unreachable quoting a malformed header");
            }
            if (original.Length < HeaderLength || original[0] != (ipv6 ? EchoRequestV6 : EchoRequestV4) || !SameEcho(original, identifier, sequence))
                return new(IcmpReplyKind.Ignored, "an unreachable about another packet");
            return new(IcmpReplyKind.Unreachable, $"destination unreachable (ICMP{(ipv6 ? "v6" : "")} code {code})");
        }
        return new(IcmpReplyKind.Ignored, $"ICMP type {type}");
    }

    private static bool SameEcho(ReadOnlySpan<byte> icmp, ushort identifier, ushort sequence) =>
        BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]) == identifier && BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]) == sequence;

    private static bool TrySkipIpv4Header(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload, out string why)
    {
        payload = default;
        if (packet.Length < 20)
        {
            why = $"too short for IPv4 ({packet.Length} bytes)";
            return false;
        }
        if (packet[0] >> 4 != 4)
        {
            why = $"IP version {packet[0] >> 4}";
            return false;
        }
        int headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < 20 || headerLength > packet.Length)
        {
            why = $"bad IPv4 header length {headerLength}";
            return false;
        }
        if (packet[9] != ProtocolIcmp)
        {
            why = $"IP protocol {packet[9]}";
            return false;
        }
        payload = packet[headerLength..];
        why = "";
        return true;
    }

    /// <summary>The Internet checksum (RFC 1071); 0 over a packet whose checksum is right.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length)
            sum += (uint)(data[i] << 8);
        while (sum > 0xFFFF)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }
}

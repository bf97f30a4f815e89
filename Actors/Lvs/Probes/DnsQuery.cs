using System.Buffers.Binary;
using System.Text;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>What a datagram received by a DNS_CHECK means (<see cref="DnsQuery.Inspect"/>).</summary>
public enum DnsReplyKind
{
    /// <summary>Not an answer to our query (too short, another id, a query, another question, malformed): keep
    /// waiting, as keepalived's dns_recv_thread re-arms its read.</summary>
    Ignored,

    /// <summary>Our answer, with a non-zero RCODE: the check fails.</summary>
    Failed,

    /// <summary>Our answer, RCODE 0 (NOERROR): the check passes, whatever the answer count.</summary>
    Passed,
}

/// <summary>The verdict on one datagram, with a reason for the log.</summary>
public readonly record struct DnsReplyVerdict(DnsReplyKind Kind, string Reason);

/// <summary>
/// The DNS side of keepalived 2.2.7's DNS_CHECK (check/check_dns.c dns_make_query, dns_recv_thread), pure.
/// <list type="bullet">
/// <item>The query: a random id, flags RD only, one question (the name cut at every dot into labels, a trailing
/// dot or the name "." or "" meaning the root), the type, class IN.</item>
/// <item>A datagram passes when it carries our id, has QR set and RCODE 0; RCODE ≠ 0 fails. The answer count is
/// not looked at (keepalived does not either: an empty NOERROR answer passes).</item>
/// <item>Stricter than keepalived, which reads only the first 4 bytes of a datagram of 8 or more: we need the full
/// 12-byte header, and when the reply echoes a question (QDCOUNT ≥ 1) it must be well formed and ours (name compared
/// ignoring ASCII case, type, class IN), else the datagram is ignored as a stray or spoofed one (RFC 5452 §9.1).</item>
/// </list>
/// Never throws on a received datagram.
/// </summary>
public static class DnsQuery
{
    /// <summary>The DNS header size.</summary>
    public const int HeaderLength = 12;

    /// <summary>RFC 1035 limits.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>RFC 1035 §3.1: a name on the wire is at most 255 bytes.</summary>
    public const int MaxNameLength = 255;

    private const ushort ClassIn = 1;
    private const ushort FlagRecursionDesired = 0x0100;
    private const int MaxPointerJumps = 64;

    private static readonly (string Name, ushort Code)[] Types =
    [
        ("A", 1), ("NS", 2), ("CNAME", 5), ("SOA", 6), ("MX", 15), ("TXT", 16), ("AAAA", 28), ("RRSIG", 46), ("DNSKEY", 48),
    ];

    private static readonly string[] RcodeNames =
        ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];

    /// <summary>The type code of a keepalived type name (case-insensitive); null when unknown.</summary>
    public static ushort? TypeCode(string name)
    {
        foreach (var (n, code) in Types)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                return code;
        return null;
    }

    /// <summary>The name in wire form, or null with <paramref name="error"/> when it cannot be sent (an empty label
    /// inside it, a label over 63 bytes or a name over 255: keepalived would send a malformed query).</summary>
    public static byte[]? EncodeName(string name, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wire = new List<byte>();
        if (name.Length > 0 && name != ".")
        {
            var trimmed = name.EndsWith('.') ? name[..^1] : name;
            foreach (var label in trimmed.Split('.'))
            {
                var bytes = Encoding.UTF8.GetBytes(label);
                if (bytes.Length == 0)
                {
                    error = $"the name '{name}' has an empty label";
                    return null;
                }
                if (bytes.Length > MaxLabelLength)
                {
                    error = $"the label '{label}' of '{name}' is longer than {MaxLabelLength} bytes";
                    return null;
                }
                wire.Add((byte)bytes.Length);
                wire.AddRange(bytes);
            }
        }
        wire.Add(0);
        if (wire.Count > MaxNameLength)
        {
            error = $"the name '{name}' is longer than {MaxNameLength} bytes on the wire";
            return null;
        }
        error = null;
        return wire.ToArray();
    }

    /// <summary>The query datagram: header (id, RD, QDCOUNT 1), the question (<paramref name="wireName"/> from
    /// <see cref="EncodeName"/>, <paramref name="type"/>, IN).</summary>
    public static byte[] Encode(ushort id, ReadOnlySpan<byte> wireName, ushort type)
    {
        var message = new byte[HeaderLength + wireName.Length + 4];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], FlagRecursionDesired);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1);
        wireName.CopyTo(span[HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(span[(HeaderLength + wireName.Length)..], type);
        BinaryPrimitives.WriteUInt16BigEndian(span[(HeaderLength + wireName.Length + 2)..], ClassIn);
        return message;
    }

    /// <summary>What <paramref name="reply"/> means for the query (<paramref name="id"/>, <paramref name="wireName"/>,
    /// <paramref name="type"/>).</summary>
    public static DnsReplyVerdict Inspect(ReadOnlySpan<byte> reply, ushort id, ReadOnlySpan<byte> wireName, ushort type)
    {
        if (reply.Length < HeaderLength)
            return new(DnsReplyKind.Ignored, $"too short for a DNS message ({reply.Length} bytes)");
        ushort replyId = BinaryPrimitives.ReadUInt16BigEndian(reply);
        if (replyId != id)
            return new(DnsReplyKind.Ignored, $"id {replyId:x4} is not ours ({id:x4})");
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(reply[2..]);
        if ((flags & 0x8000) == 0)
            return new(DnsReplyKind.Ignored, "a query, not a response");
        ushort questions = BinaryPrimitives.ReadUInt16BigEndian(reply[4..]);
        if (questions > 0)
        {
            int offset = HeaderLength;
            if (!NameEquals(reply, ref offset, wireName, out var why))
                return new(DnsReplyKind.Ignored, why);
            if (offset + 4 > reply.Length)
                return new(DnsReplyKind.Ignored, "the question is truncated");
            ushort qtype = BinaryPrimitives.ReadUInt16BigEndian(reply[offset..]);
            ushort qclass = BinaryPrimitives.ReadUInt16BigEndian(reply[(offset + 2)..]);
            if (qtype != type || qclass != ClassIn)
                return new(DnsReplyKind.Ignored, $"answers another question (type {qtype}, class {qclass})");
        }
        int rcode = flags & 0x000F;
        if (rcode != 0)
            return new(DnsReplyKind.Failed, $"rcode = {rcode} ({RcodeName(rcode)})");
        ushort answers = BinaryPrimitives.ReadUInt16BigEndian(reply[6..]);
        return new(DnsReplyKind.Passed, $"rcode 0, {answers} answer(s)");
    }

    private static string RcodeName(int rcode) => rcode < RcodeNames.Length ? RcodeNames[rcode] : "unknown";

    /// <summary>Reads the name at <paramref name="offset"/> (following compression pointers, which must point
    /// backwards, at most <see cref="MaxPointerJumps"/> times) and compares it with <paramref name="expected"/>;
    /// <paramref name="offset"/> ends after the name as it sits in the message.</summary>
    private static bool NameEquals(ReadOnlySpan<byte> message, ref int offset, ReadOnlySpan<byte> expected, out string why)
    {
        int position = offset;
        int expectedAt = 0;
        int jumps = 0;
        int? resumeAt = null;
        while (true)
        {
            if (position >= message.Length)
            {
                why = "the question name is truncated";
                return false;
            }
            byte length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length)
                {
                    why = "the question name is truncated";
                    return false;
                }
                int target = ((length & 0x3F) << 8) | message[position + 1];
                resumeAt ??= position + 2;
                if (target >= position || ++jumps > MaxPointerJumps)
                {
                    why = "the question name has a compression loop";
                    return false;
                }
                position = target;
                continue;
            }
            if ((length & 0xC0) != 0)
            {
                why = $"the question name has an unknown label type 0x{length:x2}";
                return false;
            }
            if (position + 1 + length > message.Length)
            {
                why = "the question name is truncated";
                return false;
            }
            if (expectedAt + 1 + length > expected.Length || expected[expectedAt] != length
                || !AsciiEqualsIgnoreCase(message.Slice(position + 1, length), expected.Slice(expectedAt + 1, length)))
            {
                why = "answers another name";
                return false;
            }
            expectedAt += 1 + length;
            position += 1 + length;
            if (length == 0)
            {
                offset = resumeAt ?? position;
                why = "";
                return true;
            }
        }
    }

    private static bool AsciiEqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
            return false;
        for (int i = 0; i < a.Length; i++)
        {
            byte x = a[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(a[i] | 0x20) : a[i];
            byte y = b[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(b[i] | 0x20) : b[i];
            if (x != y)
                return false;
        }
        return true;
    }
}

using System.Text;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// UDP_CHECK's datagram rules (keepalived 2.2.7 check/check_udp.c check_udp_reply, core/layer4.c udp_bind_connect,
/// lib/parser.c read_hex_str), pure.
/// <list type="bullet">
/// <item>The payload is the configured hex bytes; without one keepalived sends 32 bytes of "keepalived check - "
/// repeated.</item>
/// <item>Only when <c>require_reply</c> gives a pattern are the reply's length (min_reply_length..max_reply_length;
/// keepalived reads max+1 bytes, so a longer reply fails; we read it whole, same verdict) and its first bytes checked: the first
/// min(reply length, pattern length) bytes must equal the pattern, an <c>x</c> nibble matching anything. A reply
/// shorter than the pattern passes if its bytes match (keepalived compares only what arrived).</item>
/// <item><c>require_reply</c> without a pattern accepts any reply, even an empty one.</item>
/// </list>
/// </summary>
/// <param name="Data">The pattern bytes (a wildcard nibble is 0).</param>
/// <param name="Mask">Per byte, the bits to ignore (0x0f, 0xf0, 0xff for wildcards); null when there is none.</param>
/// <param name="MinLength">min_reply_length.</param>
/// <param name="MaxLength">max_reply_length.</param>
public sealed record UdpReplyRule(byte[] Data, byte[]? Mask, int MinLength, int MaxLength)
{
    /// <summary>keepalived's UDP_BUFSIZE: the size of the default payload.</summary>
    public const int DefaultPayloadLength = 32;

    /// <summary>keepalived's filler (layer4.c set_buf), also the PING_CHECK payload.</summary>
    public static byte[] Filler(int length)
    {
        var text = Encoding.ASCII.GetBytes("keepalived check - ");
        var buffer = new byte[length];
        for (int i = 0; i < length; i++)
            buffer[i] = text[i % text.Length];
        return buffer;
    }

    /// <summary>The datagram to send: the configured payload (normalised hex pairs from the binder), else the
    /// filler. Null when the configured text is not hex (the binder reports that and keeps none).</summary>
    public static byte[]? Payload(string? hex)
    {
        if (hex is null)
            return Filler(DefaultPayloadLength);
        var parsed = ParseHex(hex, wildcards: false);
        return parsed?.Data;
    }

    /// <summary>The rule of a require_reply pattern; null when there is no pattern or it is not hex.</summary>
    public static UdpReplyRule? From(string? pattern, int minLength, int maxLength)
    {
        if (pattern is null || ParseHex(pattern, wildcards: true) is not { } parsed)
            return null;
        return new UdpReplyRule(parsed.Data, parsed.Mask, Math.Max(0, minLength), Math.Max(0, maxLength));
    }

    /// <summary>Null when <paramref name="reply"/> (the whole datagram) passes, else why it does not.</summary>
    public string? Mismatch(ReadOnlySpan<byte> reply)
    {
        if (reply.Length < MinLength)
            return $"reply of {reply.Length} bytes is shorter than min_reply_length {MinLength}";
        if (reply.Length > MaxLength)
            return $"reply of {reply.Length} bytes is longer than max_reply_length {MaxLength}";
        int n = Math.Min(reply.Length, Data.Length);
        for (int i = 0; i < n; i++)
        {
            int ignore = Mask is null ? 0 : Mask[i];
            if (((reply[i] ^ Data[i]) & ~ignore & 0xff) != 0)
                return $"reply data mismatch at byte {i} (0x{reply[i]:x2}, expected 0x{Data[i]:x2}{(ignore != 0 ? $" mask 0x{(~ignore & 0xff):x2}" : "")})";
        }
        return null;
    }

    /// <summary>read_hex_str: blanks between bytes, a lone nibble is a byte's low half, <c>x</c> a wildcard nibble.</summary>
    private static (byte[] Data, byte[]? Mask)? ParseHex(string text, bool wildcards)
    {
        var data = new List<byte>();
        var mask = new List<byte>();
        bool anyMask = false;
        int i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t')
                i++;
            if (i >= text.Length)
                break;
            if (Nibble(text[i++], wildcards) is not { } hi)
                return null;
            int value = hi.Value, ignore = hi.Wild ? 0x0f : 0;
            if (i < text.Length && text[i] != ' ')
            {
                if (Nibble(text[i++], wildcards) is not { } lo)
                    return null;
                value = (value << 4) | lo.Value;
                ignore = (ignore << 4) | (lo.Wild ? 0x0f : 0);
            }
            anyMask |= ignore != 0;
            data.Add((byte)value);
            mask.Add((byte)ignore);
        }
        if (data.Count == 0)
            return null;
        return (data.ToArray(), anyMask ? mask.ToArray() : null);
    }

    private static (int Value, bool Wild)? Nibble(char c, bool wildcards)
    {
        if (char.IsAsciiHexDigit(c))
            return (Convert.ToInt32(c.ToString(), 16), false);
        if (wildcards && c is 'x' or 'X')
            return (0, true);
        return null;
    }
}

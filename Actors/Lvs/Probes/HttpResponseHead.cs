namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// keepalived 2.2.7's reading of an HTTP response head (lib/html.c), reproduced exactly because the verdict and the
/// digest depend on it: the head ends at the first CRLFCRLF (<c>extract_html</c>); the status is the three characters
/// after the first space of the status line, which must be followed by a space (<c>extract_status_code</c>, so
/// <c>HTTP/1.1 200\r\n</c> without a reason phrase reads as 0); <c>Content-Length:</c> is matched case-sensitively and
/// read with strtoul (<c>extract_content_length</c>). Never throws on any input.
/// </summary>
public static class HttpResponseHead
{
    /// <summary>"No Content-Length" (keepalived's SIZE_MAX).</summary>
    public const ulong NoContentLength = ulong.MaxValue;

    private static ReadOnlySpan<byte> ContentLengthTag => "Content-Length:"u8;

    /// <summary>The offset just past the first CRLFCRLF, or -1.</summary>
    public static int HeadEnd(ReadOnlySpan<byte> buffer)
    {
        int i = buffer.IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : i + 4;
    }

    /// <summary>The status code, or 0 when the status line does not have one where keepalived looks.</summary>
    public static int StatusCode(ReadOnlySpan<byte> head)
    {
        int i = 0;
        while (i < head.Length && head[i] != (byte)' ' && head[i] != (byte)'\r')
            i++;
        if (i >= head.Length || head[i] != (byte)' ')
            return 0;
        i++;
        if (i + 3 >= head.Length || head[i] == (byte)' ' || head[i + 3] != (byte)' ')
            return 0;
        var (value, end) = StrToUl(head, i);
        if (end != i + 3)
            return 0;
        return unchecked((int)value);
    }

    /// <summary>The Content-Length, or <see cref="NoContentLength"/> when absent or followed by anything but a line
    /// end. As strtoul reads it: leading blanks (line ends included) skipped, a sign allowed, no digits = 0.</summary>
    public static ulong ContentLength(ReadOnlySpan<byte> head)
    {
        int at = head.IndexOf(ContentLengthTag);
        if (at < 0)
            return NoContentLength;
        int start = at + ContentLengthTag.Length;
        var (value, end) = StrToUl(head, start);
        if (end < head.Length && head[end] is not ((byte)'\r' or (byte)'\n' or 0))
            return NoContentLength;
        return value;
    }

    /// <summary>C strtoul(…, 10) over bytes: returns the value (wrapped as C does for a minus sign, saturated on
    /// overflow) and the offset where it stopped (<paramref name="start"/> when nothing was converted).</summary>
    public static (ulong Value, int End) StrToUl(ReadOnlySpan<byte> s, int start)
    {
        int i = start;
        while (i < s.Length && IsCSpace(s[i]))
            i++;
        bool negative = false;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
        {
            negative = s[i] == (byte)'-';
            i++;
        }
        int digits = i;
        ulong value = 0;
        bool overflow = false;
        while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9')
        {
            ulong d = (ulong)(s[i] - '0');
            if (value > (ulong.MaxValue - d) / 10)
                overflow = true;
            else
                value = value * 10 + d;
            i++;
        }
        if (i == digits)
            return (0, start);
        if (overflow)
            return (ulong.MaxValue, i);
        return (negative ? unchecked(0UL - value) : value, i);
    }

    private static bool IsCSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}

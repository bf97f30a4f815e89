using System.Text;

namespace KeepAlive.Controller.Status;

/// <summary>Why a request head was refused.</summary>
public enum HttpHeadError
{
    None,

    /// <summary>The request line is not <c>METHOD SP TARGET SP HTTP/1.x</c> in printable ASCII.</summary>
    BadRequestLine,

    /// <summary>Not HTTP/1.0 or HTTP/1.1.</summary>
    UnsupportedVersion,

    /// <summary>A header line without a colon, with a control character, or a folded (obsolete) line.</summary>
    BadHeader,
}

/// <summary>
/// The request line of an HTTP/1.x request head (everything before the blank line): method and path (the query is
/// dropped). Headers are checked for shape only; the status endpoint needs none of them. Pure; never throws on input.
/// </summary>
public static class HttpRequestHead
{
    /// <summary>Longest method accepted (the longest standard one is 7 letters).</summary>
    public const int MaxMethodLength = 16;

    /// <summary>Parses <paramref name="head"/> (without the final blank line).</summary>
    public static HttpHeadError TryParse(ReadOnlySpan<byte> head, out string method, out string path)
    {
        method = "";
        path = "";
        int eol = head.IndexOf("\r\n"u8);
        var requestLine = eol < 0 ? head : head[..eol];
        foreach (byte b in requestLine)
        {
            if (b < 0x20 || b > 0x7e)
                return HttpHeadError.BadRequestLine;
        }
        int sp1 = requestLine.IndexOf((byte)' ');
        if (sp1 <= 0 || sp1 > MaxMethodLength)
            return HttpHeadError.BadRequestLine;
        var rest = requestLine[(sp1 + 1)..];
        int sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0)
            return HttpHeadError.BadRequestLine;
        var target = rest[..sp2];
        var version = rest[(sp2 + 1)..];
        if (version.IndexOf((byte)' ') >= 0 || target[0] != (byte)'/')
            return HttpHeadError.BadRequestLine;
        foreach (byte b in requestLine[..sp1])
        {
            if (b is < (byte)'A' or > (byte)'Z')
                return HttpHeadError.BadRequestLine;
        }
        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8))
            return HttpHeadError.UnsupportedVersion;
        if (eol >= 0 && !HeadersWellFormed(head[(eol + 2)..]))
            return HttpHeadError.BadHeader;
        int query = target.IndexOfAny((byte)'?', (byte)'#');
        method = Encoding.ASCII.GetString(requestLine[..sp1]);
        path = Encoding.ASCII.GetString(query < 0 ? target : target[..query]);
        return HttpHeadError.None;
    }

    private static bool HeadersWellFormed(ReadOnlySpan<byte> headers)
    {
        while (!headers.IsEmpty)
        {
            int eol = headers.IndexOf("\r\n"u8);
            var line = eol < 0 ? headers : headers[..eol];
            headers = eol < 0 ? [] : headers[(eol + 2)..];
            if (line.IsEmpty)
                continue;
            if (line[0] is (byte)' ' or (byte)'\t' || line.IndexOf((byte)':') <= 0)
                return false;
            foreach (byte b in line)
            {
                if ((b < 0x20 && b != (byte)'\t') || b == 0x7f)
                    return false;
            }
        }
        return true;
    }
}

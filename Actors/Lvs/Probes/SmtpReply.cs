using System.Text;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// The SMTP side of SMTP_CHECK as keepalived 2.2.7 check_smtp.c reads it. Replies are collected in a 512-byte buffer
/// (SMTP_BUFF_MAX, one byte kept for a NUL) that is cleared when it fills without a newline
/// (<c>smtp_get_line_cb</c>); a reply is the text before the first newline, and what follows it in the buffer is
/// dropped. Only the first line counts, so a multi-line <c>220-</c> banner fails, as in keepalived. Pure.
/// </summary>
public sealed class SmtpReply
{
    /// <summary>SMTP_BUFF_MAX.</summary>
    public const int BufferSize = 512;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _count;

    /// <summary>Starts a new reply (keepalived's smtp_get_line clears the buffer).</summary>
    public void Clear() => _count = 0;

    /// <summary>Where the next read goes: keepalived reads at most the free room, wrapping a full buffer first.</summary>
    public Memory<byte> NextRead()
    {
        if (_count >= BufferSize - 1)
            _count = 0;
        return _buffer.AsMemory(_count, BufferSize - 1 - _count);
    }

    /// <summary>Records <paramref name="read"/> bytes written into <see cref="NextRead"/>; returns the reply line
    /// (without its newline) once a newline has arrived, else null. As C's strchr, a NUL byte hides what follows.</summary>
    public string? Commit(int read)
    {
        _count += read;
        var text = _buffer.AsSpan(0, _count);
        int nul = text.IndexOf((byte)0);
        if (nul >= 0)
            text = text[..nul];
        int nl = text.IndexOf((byte)'\n');
        return nl < 0 ? null : Encoding.Latin1.GetString(text[..nl]);
    }

    /// <summary>The reply code (<c>smtp_get_status</c>): strtoul must read exactly three characters, followed by a
    /// space or the end of the line; otherwise -1. So <c>220 ready</c> and <c>220</c> are 220, but <c>220-ready</c>
    /// and <c>220\r</c> (a bare code with CRLF) are -1.</summary>
    public static int Status(string line)
    {
        var bytes = Encoding.Latin1.GetBytes(line);
        var (value, end) = HttpResponseHead.StrToUl(bytes, 0);
        if (end != 3 || (end < bytes.Length && bytes[end] != (byte)' '))
            return -1;
        return unchecked((int)value);
    }

    /// <summary>The HELO command as keepalived formats it into its 512-byte buffer (snprintf: cut at 511 bytes).</summary>
    public static byte[] Helo(string heloName)
    {
        var bytes = Encoding.UTF8.GetBytes($"HELO {heloName}\r\n");
        return bytes.Length <= BufferSize - 1 ? bytes : bytes[..(BufferSize - 1)];
    }

    public static ReadOnlySpan<byte> Quit => "QUIT\r\n"u8;
}

using System.Text;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>lib/html.c of keepalived 2.2.7, case by case: what the status and Content-Length read as.</summary>
public class HttpResponseHeadTests
{
    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", 200)]
    [InlineData("HTTP/1.0 404 Not Found\r\n\r\n", 404)]
    [InlineData("HTTP/1.1 599 x\r\n\r\n", 599)]
    [InlineData("HTTP/1.1 200\r\n\r\n", 0)] // no reason phrase: the code is not followed by a space
    [InlineData("HTTP/1.1  200 OK\r\n\r\n", 0)] // two spaces
    [InlineData("HTTP/1.1 20 OK\r\n\r\n", 0)]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n", 0)]
    [InlineData("HTTP/1.1 +20 OK\r\n\r\n", 20)] // strtoul takes a sign: three characters, value 20 (then out of range)
    [InlineData("HTTP/1.1 abc OK\r\n\r\n", 0)]
    [InlineData("HTTP/1.1\r\n200 OK\r\n\r\n", 0)] // the status line ends before a space
    [InlineData("garbage", 0)]
    [InlineData("", 0)]
    [InlineData(" 200", 0)] // nothing after the code: keepalived needs the space that follows it
    [InlineData(" 200 ", 200)] // an empty version is fine
    public void StatusCode_is_read_as_keepalived_reads_it(string head, int expected) =>
        Assert.Equal(expected, HttpResponseHead.StatusCode(Encoding.Latin1.GetBytes(head)));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", 12UL)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:12\r\n\r\n", 12UL)]
    [InlineData("HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n", ulong.MaxValue)] // case-sensitive, as strstr
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 12 \r\n\r\n", ulong.MaxValue)] // trailing blank: not a line end
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", ulong.MaxValue)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0UL)] // nothing converted: strtoul stops where it began, at a line end
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", ulong.MaxValue)] // ... here it began at the blank
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", ulong.MaxValue)] // overflow saturates
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", ulong.MaxValue)]
    public void ContentLength_is_read_as_keepalived_reads_it(string head, ulong expected) =>
        Assert.Equal(expected, HttpResponseHead.ContentLength(Encoding.Latin1.GetBytes(head)));

    [Fact]
    public void ContentLength_negative_wraps_as_strtoul_does() =>
        Assert.Equal(unchecked(0UL - 5), HttpResponseHead.ContentLength("Content-Length: -5\r\n"u8));

    [Theory]
    [InlineData("a\r\n\r\nb", 5)]
    [InlineData("\r\n\r\n", 4)]
    [InlineData("a\r\n\r", -1)]
    [InlineData("a\n\n", -1)] // bare line feeds do not end the head in keepalived
    public void HeadEnd_is_the_first_crlfcrlf(string text, int expected) =>
        Assert.Equal(expected, HttpResponseHead.HeadEnd(Encoding.Latin1.GetBytes(text)));

    [Fact]
    public void Every_prefix_and_bit_flip_of_a_head_reads_without_throwing()
    {
        var golden = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nServer: x\r\n\r\n"u8.ToArray();
        for (int len = 0; len <= golden.Length; len++)
        {
            _ = HttpResponseHead.StatusCode(golden.AsSpan(0, len));
            _ = HttpResponseHead.ContentLength(golden.AsSpan(0, len));
            _ = HttpResponseHead.HeadEnd(golden.AsSpan(0, len));
        }
        for (int bit = 0; bit < golden.Length * 8; bit++)
        {
            var copy = (byte[])golden.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            _ = HttpResponseHead.StatusCode(copy);
            _ = HttpResponseHead.ContentLength(copy);
        }
    }
}

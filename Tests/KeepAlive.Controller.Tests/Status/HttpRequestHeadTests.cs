using System.Text;
using KeepAlive.Controller.Status;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>The request-line parser on good and hostile input.</summary>
public class HttpRequestHeadTests
{
    [Theory]
    [InlineData("GET /status HTTP/1.1", "GET", "/status")]
    [InlineData("HEAD /metrics HTTP/1.0", "HEAD", "/metrics")]
    [InlineData("GET /metrics?x=1#y HTTP/1.1\r\nHost: a\r\nAccept: */*", "GET", "/metrics")]
    [InlineData("POST / HTTP/1.1\r\nX: \t tab ok", "POST", "/")]
    public void Good_heads(string head, string method, string path)
    {
        Assert.Equal(HttpHeadError.None, HttpRequestHead.TryParse(Encoding.ASCII.GetBytes(head), out var m, out var p));
        Assert.Equal((method, path), (m, p));
    }

    [Theory]
    [InlineData("", HttpHeadError.BadRequestLine)]
    [InlineData(" GET /status HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("GET  /status HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("GET /status  HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("GET /status", HttpHeadError.BadRequestLine)]
    [InlineData("GET * HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("G3T /status HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("GET /st\u0000atus HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("GET /stätus HTTP/1.1", HttpHeadError.BadRequestLine)]
    [InlineData("GET /status HTTP/2", HttpHeadError.UnsupportedVersion)]
    [InlineData("GET /status FTP/1.1", HttpHeadError.UnsupportedVersion)]
    [InlineData("GET /status HTTP/1.1\r\nNoColon", HttpHeadError.BadHeader)]
    [InlineData("GET /status HTTP/1.1\r\n: empty name", HttpHeadError.BadHeader)]
    [InlineData("GET /status HTTP/1.1\r\n continued", HttpHeadError.BadHeader)]
    [InlineData("GET /status HTTP/1.1\r\nX: a\u0001b", HttpHeadError.BadHeader)]
    public void Hostile_heads_are_refused_with_a_reason(string head, HttpHeadError expected)
    {
        Assert.Equal(expected, HttpRequestHead.TryParse(Encoding.Latin1.GetBytes(head), out var m, out var p));
        Assert.Equal(("", ""), (m, p));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 20)
                "GET / HTTP/1.1\r\n"u8.CopyTo(bytes);
            HttpRequestHead.TryParse(bytes, out _, out _);
        }
    }
}

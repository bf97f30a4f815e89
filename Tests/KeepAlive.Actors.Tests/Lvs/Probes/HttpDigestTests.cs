using System.Security.Cryptography;
using System.Text;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>The body MD5 as keepalived 2.2.7 http_process_response computes it.</summary>
public class HttpDigestTests
{
    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.Latin1.GetBytes(s)));

    private static HttpDigest Fed(string response, int chunk = int.MaxValue, int keepBody = 0)
    {
        var bytes = Encoding.Latin1.GetBytes(response);
        var d = new HttpDigest(keepBody);
        for (int i = 0; i < bytes.Length; i += chunk)
            d.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        return d;
    }

    [Fact]
    public void Digest_is_the_md5_of_the_body_after_the_head()
    {
        using var d = Fed("HTTP/1.0 200 OK\r\nServer: t\r\n\r\nhello world\n");
        Assert.True(d.HeadComplete);
        Assert.Equal(200, d.StatusCode);
        Assert.Equal(Md5("hello world\n"), d.Digest());
        Assert.Equal(12, d.BodyBytes);
    }

    [Fact]
    public void An_empty_body_hashes_to_the_md5_of_nothing()
    {
        using var d = Fed("HTTP/1.0 204 No Content\r\n\r\n");
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", d.Digest());
    }

    [Fact]
    public void A_chunked_body_is_hashed_with_its_framing_as_keepalived_decodes_nothing()
    {
        const string body = "5\r\nhello\r\n0\r\n\r\n";
        using var d = Fed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
        Assert.Equal(Md5(body), d.Digest());
    }

    [Fact]
    public void Bytes_beyond_content_length_are_counted_not_hashed()
    {
        using var d = Fed("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA");
        Assert.Equal(Md5("hello"), d.Digest());
        Assert.Equal(10, d.BodyBytes);
    }

    [Fact]
    public void A_short_body_hashes_what_came()
    {
        using var d = Fed("HTTP/1.0 200 OK\r\nContent-Length: 50\r\n\r\nhel");
        Assert.Equal(Md5("hel"), d.Digest());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void The_digest_does_not_depend_on_how_the_bytes_arrive(int chunk)
    {
        var body = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n"));
        var response = $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length - 10}\r\n\r\n{body}";
        using var whole = Fed(response);
        using var pieces = Fed(response, chunk);
        Assert.Equal(whole.Digest(), pieces.Digest());
        Assert.Equal(Md5(body[..^10]), pieces.Digest());
    }

    [Fact]
    public void A_head_longer_than_keepalived_buffer_is_never_complete()
    {
        using var d = Fed("HTTP/1.0 200 OK\r\nX-Long: " + new string('a', 5000) + "\r\n\r\nbody");
        Assert.False(d.HeadComplete);
        Assert.True(d.HeadTooLong);
    }

    [Fact]
    public void A_head_that_ends_exactly_at_the_buffer_limit_is_complete()
    {
        var filler = new string('a', HttpDigest.HeadLimit - "HTTP/1.0 200 OK\r\nX: \r\n\r\n".Length);
        using var d = Fed($"HTTP/1.0 200 OK\r\nX: {filler}\r\n\r\nbody", chunk: 1000);
        Assert.True(d.HeadComplete);
        Assert.Equal(Md5("body"), d.Digest());
    }

    [Fact]
    public void The_body_kept_for_a_regex_is_bounded()
    {
        using var d = Fed("HTTP/1.0 200 OK\r\n\r\n0123456789", chunk: 3, keepBody: 4);
        Assert.Equal("0123", Encoding.Latin1.GetString(d.KeptBody));
    }

    [Fact]
    public void Every_truncation_and_bit_flip_of_a_response_feeds_without_throwing()
    {
        var golden = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"u8.ToArray();
        for (int len = 0; len <= golden.Length; len++)
        {
            using var d = new HttpDigest(16);
            d.Feed(golden.AsSpan(0, len));
            _ = d.Digest();
        }
        for (int bit = 0; bit < golden.Length * 8; bit++)
        {
            var copy = (byte[])golden.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            using var d = new HttpDigest(16);
            d.Feed(copy);
            _ = d.Digest();
        }
    }
}

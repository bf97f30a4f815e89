using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>keepalived 2.2.7 http_handle_response: data, then status, then digest, then regex.</summary>
public class HttpUrlVerdictTests
{
    private static readonly ValueList<(int, int)> Default = [(200, 299)];

    private static HttpUrl Url(ValueList<(int, int)>? codes = null, string? digest = null, string? regex = null, bool noMatch = false) =>
        new("/", digest, codes ?? Default, null, regex, noMatch, default);

    private static HttpDigest Response(string text)
    {
        var d = new HttpDigest(1024);
        d.Feed(Encoding.Latin1.GetBytes(text));
        return d;
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(299, true)]
    [InlineData(300, false)]
    [InlineData(199, false)]
    [InlineData(0, false)]
    public void Status_defaults_to_200_299(int status, bool accepted) =>
        Assert.Equal(accepted, HttpUrlVerdict.StatusAccepted(Default, status));

    [Theory]
    [InlineData(301, true)]
    [InlineData(404, true)]
    [InlineData(405, false)]
    [InlineData(600, false)] // beyond keepalived's 100..599 even if a range said so
    public void Status_ranges_accept_only_their_codes(int status, bool accepted) =>
        Assert.Equal(accepted, HttpUrlVerdict.StatusAccepted([(301, 301), (400, 404), (500, 700)], status));

    [Fact]
    public void No_head_is_no_data()
    {
        using var r = Response("HTTP/1.0 200 OK\r\n");
        Assert.Equal("no data received", HttpUrlVerdict.Judge(Url(), r, null));
    }

    [Fact]
    public void A_status_outside_the_ranges_fails_with_both_numbers()
    {
        using var r = Response("HTTP/1.0 503 Busy\r\n\r\n");
        Assert.Equal("HTTP status code error: got 503, expected 200-299", HttpUrlVerdict.Judge(Url(), r, null));
    }

    [Fact]
    public void A_status_line_without_reason_fails_as_unreadable()
    {
        using var r = Response("HTTP/1.1 200\r\n\r\nok");
        Assert.Contains("no readable status line", HttpUrlVerdict.Judge(Url(), r, null));
    }

    [Fact]
    public void Digest_must_match_in_any_case()
    {
        var md5 = Convert.ToHexString(MD5.HashData("ok"u8));
        using var r = Response("HTTP/1.0 200 OK\r\n\r\nok");
        Assert.Null(HttpUrlVerdict.Judge(Url(digest: md5), r, null));
        Assert.StartsWith("MD5 digest error: got " + md5.ToLowerInvariant(), HttpUrlVerdict.Judge(Url(digest: new string('0', 32)), r, null));
    }

    [Fact]
    public void Status_is_judged_before_digest()
    {
        using var r = Response("HTTP/1.0 500 x\r\n\r\nok");
        Assert.StartsWith("HTTP status code error", HttpUrlVerdict.Judge(Url(digest: new string('0', 32)), r, null));
    }

    [Theory]
    [InlineData("st[a-z]+s OK", false, null)]
    [InlineData("DOWN", false, "regex 'DOWN' did not match the body")]
    [InlineData("DOWN", true, null)]
    [InlineData("status", true, "regex 'status' matched the body (regex_no_match)")]
    public void Regex_and_regex_no_match(string pattern, bool noMatch, string? expected)
    {
        using var r = Response("HTTP/1.0 200 OK\r\n\r\nstatus OK\n");
        Assert.Equal(expected, HttpUrlVerdict.Judge(Url(regex: pattern, noMatch: noMatch), r, new Regex(pattern)));
    }
}

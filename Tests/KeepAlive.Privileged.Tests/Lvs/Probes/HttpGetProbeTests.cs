using System.Collections.Concurrent;
using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using Xunit.Abstractions;
using static KeepAlive.Privileged.Tests.Lvs.Probes.HttpBackends;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>HTTP_GET against scripted backends in a namespace of ours: what it sends, and each way a backend can be
/// up or down (status, digest, several urls, reset, hang, slow body, a connection left open, refused).</summary>
[Collection("privileged")]
public sealed class HttpGetProbeTests(ITestOutputHelper output) : ProbeLabTests(output)
{
    internal static HttpUrl Url(string path, string? digest = null, ValueList<(int, int)>? codes = null, string? vhost = null, string? regex = null) =>
        new(path, digest, codes ?? [(200, 299)], vhost, regex, false, default);

    private IHealthProbe Probe(IPEndPoint target, ValueList<HttpUrl> urls, string protocol = "1.0", string? vhost = null, double timeout = 2)
    {
        var config = new HttpCheckConfig(NetProbeLab.Common(target, timeout), false, urls, protocol, vhost, false, false, default);
        return HttpGetProbe.TryCreate(config, NetProbeLab.Context(), Lab.Sockets, out var error) ?? throw new InvalidOperationException(error);
    }

    [SkippableFact]
    public async Task Status_and_digest_pass_and_the_request_is_keepalived_own()
    {
        Privilege.Require("ip");
        var requests = new ConcurrentQueue<string>();
        var server = Lab.Serve(Plain(Fixed(Ok("<html>up</html>\n"), requests)));
        await Passes(Probe(server.Endpoint, [Url("/health?x=1", Md5("<html>up</html>\n"))], "1.1", "www.example.test"), "200 + digest");
        Assert.Equal("GET /health?x=1 HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.test\r\n\r\n", Assert.Single(requests));
    }

    [SkippableTheory]
    [InlineData("127.0.0.1", "127.0.0.1:{0}")]
    [InlineData("::1", "[::1]:{0}")]
    public async Task Without_virtualhost_the_host_header_is_the_target_address_and_port(string address, string host)
    {
        Privilege.Require("ip");
        var requests = new ConcurrentQueue<string>();
        var server = Lab.Serve(Plain(Fixed(Ok("ok"), requests)), IPAddress.Parse(address));
        await Passes(Probe(server.Endpoint, [Url("/", Md5("ok"))]), "no vhost " + address);
        Assert.Equal($"GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: {string.Format(host, server.Endpoint.Port)}\r\n\r\n", Assert.Single(requests));
    }

    [SkippableFact]
    public async Task A_wrong_status_or_digest_fails_with_what_came()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Plain(Answer(req => req.StartsWith("GET /busy", StringComparison.Ordinal) ? Ok("busy", "503 Busy") : Ok("changed"))));
        await Fails(Probe(server.Endpoint, [Url("/busy")]), "503", "HTTP status code error: got 503, expected 200-299");
        await Fails(Probe(server.Endpoint, [Url("/page", Md5("original"))]), "digest", $"MD5 digest error: got {Md5("changed")}, expected {Md5("original")}");
        await Passes(Probe(server.Endpoint, [Url("/busy", codes: [(503, 503)])]), "503 accepted");
    }

    [SkippableFact]
    public async Task A_chunked_body_is_digested_with_its_framing()
    {
        Privilege.Require("ip");
        const string body = "4\r\nabcd\r\n0\r\n\r\n";
        var server = Lab.Serve(Plain(Fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)));
        await Passes(Probe(server.Endpoint, [Url("/", Md5(body))], "1.1"), "chunked");
    }

    [SkippableFact]
    public async Task Every_url_must_pass_each_over_a_fresh_connection()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Plain(Answer(req => req.StartsWith("GET /missing", StringComparison.Ordinal) ? Ok("no", "404 Not Found") : Ok("yes"))));
        await Passes(Probe(server.Endpoint, [Url("/a"), Url("/b")]), "two good urls");
        Assert.Equal(2, server.Accepted);
        var reason = await Fails(Probe(server.Endpoint, [Url("/a"), Url("/missing")]), "second url 404", "got 404");
        Assert.Contains("url /missing", reason);
    }

    [SkippableFact]
    public async Task A_regex_must_match_the_body()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Plain(Fixed(Ok("state: degraded\n"))));
        await Fails(Probe(server.Endpoint, [Url("/", regex: "state: (ok|up)")]), "regex miss", "did not match");
        await Passes(Probe(server.Endpoint, [Url("/", regex: "state: [a-z]+")]), "regex hit");
    }

    [SkippableTheory]
    [InlineData("reset", "read error on the response: connection reset by peer after 7 body bytes", 0, 1.5)]
    [InlineData("hang", "timeout reading the response after 1 s", 0.9, 3)]
    [InlineData("left open", "timeout reading the response after 1 s", 0.9, 3)]
    [InlineData("endless", "reading the response: the exchange took longer than 6 s overall", 5.9, 8.5)]
    public async Task A_backend_that_misbehaves_fails_within_its_bound(string behaviour, string reason, double atLeast, double atMost)
    {
        Privilege.Require("ip");
        var script = behaviour switch
        {
            "reset" => ResetMidBody,
            "hang" => Hang,
            // keepalived reads to the end of the stream even when Content-Length is satisfied.
            "left open" => Trickle("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", ["ok"], TimeSpan.Zero, keepOpen: true),
            // Each byte well within connect_timeout (2 s here: a busy CI host may delay a 200 ms gap by most of a second),
            // the whole never ends: the overall bound (delay_loop 6 s) ends it.
            _ => Trickle("HTTP/1.0 200 OK\r\n\r\n", Enumerable.Repeat("x", 1000), TimeSpan.FromMilliseconds(200)),
        };
        var server = Lab.Serve(Plain(script));
        await Fails(Probe(server.Endpoint, [Url("/")], timeout: behaviour == "endless" ? 2 : 1), behaviour, reason, atLeast, atMost);
    }

    [SkippableFact]
    public async Task A_slow_body_passes_while_each_read_comes_within_the_timeout()
    {
        Privilege.Require("ip");
        // Five 400 ms gaps make 2 s in all, longer than the 1.5 s step; each gap leaves 1.1 s of margin for a busy host.
        var server = Lab.Serve(Plain(Trickle("HTTP/1.0 200 OK\r\n\r\n", ["one ", "two ", "three ", "four ", "five"], TimeSpan.FromMilliseconds(400))));
        var took = await Passes(Probe(server.Endpoint, [Url("/", Md5("one two three four five"))], timeout: 1.5), "slow body");
        Assert.InRange(took, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5));
    }

    [SkippableFact]
    public async Task A_refused_connection_fails_at_once()
    {
        Privilege.Require("ip");
        await Fails(Probe(new IPEndPoint(IPAddress.Loopback, 1), [Url("/")]), "refused", "refused", atMostSeconds: 1);
    }

    [SkippableFact]
    public void A_regex_that_does_not_compile_is_refused_at_creation()
    {
        var config = new HttpCheckConfig(NetProbeLab.Common(new IPEndPoint(IPAddress.Loopback, 80)), false, [Url("/", regex: "(")], "1.0", null, false, false, default);
        Assert.Null(HttpGetProbe.TryCreate(config, NetProbeLab.Context(), out var error));
        Assert.Contains("does not compile", error);
    }
}

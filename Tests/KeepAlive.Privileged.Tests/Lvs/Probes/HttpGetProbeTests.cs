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
public sealed class HttpGetProbeTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProbeLab _lab = Privilege.IsRoot ? new ProbeLab(output) : null!;

    public void Dispose() => _lab?.Dispose();

    internal static HttpUrl Url(string path, string? digest = null, ValueList<(int, int)>? codes = null, string? vhost = null, string? regex = null) =>
        new(path, digest, codes ?? [(200, 299)], vhost, regex, false, default);

    private IHealthProbe Probe(IPEndPoint target, ValueList<HttpUrl> urls, string protocol = "1.0", string? vhost = null, double timeout = 2)
    {
        var config = new HttpCheckConfig(ProbeLab.Common(target, timeout), false, urls, protocol, vhost, false, false, default);
        return HttpGetProbe.TryCreate(config, ProbeLab.Context(), _lab.Sockets, out var error) ?? throw new InvalidOperationException(error);
    }

    [SkippableFact]
    public async Task Status_and_digest_pass_and_the_request_is_keepalived_own()
    {
        Privilege.Require("ip");
        var requests = new ConcurrentQueue<string>();
        var server = _lab.Serve(Plain(Fixed(Ok("<html>up</html>\n"), requests)));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/health?x=1", Md5("<html>up</html>\n"))], "1.1", "www.example.test"), "200 + digest");
        Assert.True(r.Result.Success, r.Result.Reason);
        Assert.Equal("GET /health?x=1 HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.test\r\n\r\n", Assert.Single(requests));
    }

    [SkippableFact]
    public async Task Without_virtualhost_the_host_header_is_the_target_address_and_port()
    {
        Privilege.Require("ip");
        var requests = new ConcurrentQueue<string>();
        var server = _lab.Serve(Plain(Fixed(Ok("ok"), requests)));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/")]), "no vhost");
        Assert.True(r.Result.Success, r.Result.Reason);
        Assert.Equal($"GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:{server.Endpoint.Port}\r\n\r\n", Assert.Single(requests));
    }

    [SkippableFact]
    public async Task Over_ipv6_the_host_header_brackets_the_address()
    {
        Privilege.Require("ip");
        var requests = new ConcurrentQueue<string>();
        var server = _lab.Serve(Plain(Fixed(Ok("v6"), requests)), IPAddress.IPv6Loopback);
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/", Md5("v6"))]), "ipv6");
        Assert.True(r.Result.Success, r.Result.Reason);
        Assert.Equal($"GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: [::1]:{server.Endpoint.Port}\r\n\r\n", Assert.Single(requests));
    }

    [SkippableFact]
    public async Task A_wrong_status_or_digest_fails_with_what_came()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(Answer(req => req.StartsWith("GET /busy", StringComparison.Ordinal) ? Ok("busy", "503 Busy") : Ok("changed"))));
        var (status, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/busy")]), "503");
        var (digest, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/page", Md5("original"))]), "digest");
        var (accepted, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/busy", codes: [(503, 503)])]), "503 accepted");
        Assert.False(status.Result.Success);
        Assert.Contains("HTTP status code error: got 503, expected 200-299", status.Result.Reason);
        Assert.False(digest.Result.Success);
        Assert.Contains($"MD5 digest error: got {Md5("changed")}, expected {Md5("original")}", digest.Result.Reason);
        Assert.True(accepted.Result.Success, accepted.Result.Reason);
    }

    [SkippableFact]
    public async Task A_chunked_body_is_digested_with_its_framing()
    {
        Privilege.Require("ip");
        const string body = "4\r\nabcd\r\n0\r\n\r\n";
        var server = _lab.Serve(Plain(Fixed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/", Md5(body))], "1.1"), "chunked");
        Assert.True(r.Result.Success, r.Result.Reason);
    }

    [SkippableFact]
    public async Task Every_url_must_pass_each_over_a_fresh_connection()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(Answer(req => req.StartsWith("GET /missing", StringComparison.Ordinal) ? Ok("no", "404 Not Found") : Ok("yes"))));
        var (both, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/a"), Url("/b")]), "two good urls");
        Assert.Equal(2, server.Accepted);
        var (second, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/a"), Url("/missing")]), "second url 404");
        Assert.True(both.Result.Success, both.Result.Reason);
        Assert.False(second.Result.Success);
        Assert.Contains("url /missing", second.Result.Reason);
        Assert.Contains("got 404", second.Result.Reason);
    }

    [SkippableFact]
    public async Task A_regex_must_match_the_body()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(Fixed(Ok("state: degraded\n"))));
        var (miss, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/", regex: "state: (ok|up)")]), "regex miss");
        var (hit, _) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/", regex: "state: [a-z]+")]), "regex hit");
        Assert.False(miss.Result.Success);
        Assert.Contains("did not match", miss.Result.Reason);
        Assert.True(hit.Result.Success, hit.Result.Reason);
    }

    [SkippableFact]
    public async Task A_reset_in_the_middle_of_the_body_fails()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(ResetMidBody));
        var (r, took) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/")]), "reset mid-body");
        Assert.False(r.Result.Success);
        Assert.Contains("reset", r.Result.Reason);
        Assert.True(took < TimeSpan.FromSeconds(1.5));
    }

    [SkippableFact]
    public async Task A_hanging_backend_fails_at_the_read_timeout()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(Hang));
        var (r, took) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/")], timeout: 1), "hanging");
        Assert.False(r.Result.Success);
        Assert.Contains("timeout reading the response after 1 s", r.Result.Reason);
        Assert.InRange(took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
    }

    [SkippableFact]
    public async Task A_slow_body_passes_while_each_read_comes_within_the_timeout()
    {
        Privilege.Require("ip");
        string[] pieces = ["one ", "two ", "three"];
        var server = _lab.Serve(Plain(Trickle("HTTP/1.0 200 OK\r\n\r\n", pieces, TimeSpan.FromMilliseconds(400))));
        var (r, took) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/", Md5("one two three"))], timeout: 1), "slow body");
        Assert.True(r.Result.Success, r.Result.Reason);
        Assert.InRange(took, TimeSpan.FromSeconds(1.1), TimeSpan.FromSeconds(2.5));
    }

    [SkippableFact]
    public async Task A_response_whose_connection_stays_open_fails_as_keepalived_reads_to_the_end()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(Trickle("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", ["ok"], TimeSpan.Zero, keepOpen: true)));
        var (r, took) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/")], "1.1", timeout: 1), "left open");
        Assert.False(r.Result.Success);
        Assert.Contains("timeout reading the response", r.Result.Reason);
        Assert.InRange(took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
    }

    [SkippableFact]
    public async Task A_backend_that_trickles_for_ever_ends_at_the_overall_bound()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Plain(Trickle("HTTP/1.0 200 OK\r\n\r\n", Enumerable.Repeat("x", 1000), TimeSpan.FromMilliseconds(200))));
        // delay_loop 6 s, connect_timeout 1 s: each byte comes in time, the whole never ends.
        var (r, took) = await _lab.CheckAsync(Probe(server.Endpoint, [Url("/")], timeout: 1), "endless trickle");
        Assert.False(r.Result.Success);
        Assert.Contains("longer than 6 s overall", r.Result.Reason);
        Assert.InRange(took, TimeSpan.FromSeconds(5.9), TimeSpan.FromSeconds(7.5));
    }

    [SkippableFact]
    public async Task A_refused_connection_fails_at_once()
    {
        Privilege.Require("ip");
        var (r, took) = await _lab.CheckAsync(Probe(new IPEndPoint(IPAddress.Loopback, 1), [Url("/")]), "refused");
        Assert.False(r.Result.Success);
        Assert.Contains("refused", r.Result.Reason);
        Assert.True(took < TimeSpan.FromSeconds(1));
    }

    [SkippableFact]
    public void A_regex_that_does_not_compile_is_refused_at_creation()
    {
        Privilege.Require("ip");
        var config = new HttpCheckConfig(ProbeLab.Common(new IPEndPoint(IPAddress.Loopback, 80)), false, [Url("/", regex: "(")], "1.0", null, false, false, default);
        Assert.Null(HttpGetProbe.TryCreate(config, ProbeLab.Context(), out var error));
        Assert.Contains("does not compile", error);
    }
}

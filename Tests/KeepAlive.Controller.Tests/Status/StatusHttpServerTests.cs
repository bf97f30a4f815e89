using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KeepAlive.Actors.Status;
using KeepAlive.Controller.Status;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>The status endpoint on 127.0.0.1 with a free port: /status and /metrics (parsed strictly, every metric
/// documented in docs/metrics.md present), 404/405/HEAD, and hostile clients — slowloris, huge heads, garbage, too many
/// connections, a failing or hanging report — none of which stops it from serving the next request. Time bounds are
/// the configured limits plus generous slack for a loaded machine.</summary>
public sealed class StatusHttpServerTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    // The request timeout is long here so that a loaded CI machine (thread pool slow to pick up a read) never turns a
    // complete request into 408; the slowloris test runs its own server with a short one.
    private static readonly StatusHttpOptions Limits = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(10),
        ReportTimeout = TimeSpan.FromMilliseconds(500),
        MaxRequestBytes = 4096,
        MaxConnections = 4,
    };

    private readonly List<string> _log = [];
    private Func<CancellationToken, Task<NodeStatusReport>> _report = _ => Task.FromResult(Reports.Full());
    private StatusHttpServer _server = null!;

    public Task InitializeAsync()
    {
        _server = StatusHttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), ct => _report(ct), Limits, line => { lock (_log) _log.Add(line); });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Sends raw bytes and reads the whole answer (the server closes after one response).</summary>
    private async Task<string> Raw(byte[] request, TimeSpan? pauseBeforeRead = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.LocalEndpoint);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // the server may close on us while we still write (a head too large): read what it answered
        }
        if (pauseBeforeRead is { } pause)
            await Task.Delay(pause);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, cts.Token);
        }
        catch (IOException)
        {
            // reset after the answer
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>GET /status until it is not 503 (connections still held), for at most 15 s.</summary>
    private async Task<int> CodeOnceSlotsFree()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        int code;
        while ((code = Split(await Get("/status")).Code) == 503 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        return code;
    }

    private Task<string> Get(string path, string method = "GET") => Raw(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));

    private static (int Code, Dictionary<string, string> Headers, string Body) Split(string response)
    {
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete response: '{response}'");
        var lines = response[..end].Split("\r\n");
        int code = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        return (code, headers, response[(end + 4)..]);
    }

    [Fact]
    public async Task Status_serves_the_report_as_json()
    {
        var (code, headers, body) = Split(await Get("/status"));
        Assert.Equal(200, code);
        Assert.Equal("application/json; charset=utf-8", headers["Content-Type"]);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), int.Parse(headers["Content-Length"]));
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("VI_1", doc.RootElement.GetProperty("instances")[0].GetProperty("name").GetString());
        Assert.Equal("MASTER", doc.RootElement.GetProperty("instances")[0].GetProperty("state").GetString());
        Assert.Equal(200, Split(await Get("/status?pretty=1")).Code);                  // the query is ignored
    }

    [Fact]
    public async Task Metrics_parse_strictly_and_carry_every_documented_metric()
    {
        var (code, headers, body) = Split(await Get("/metrics"));
        Assert.Equal(200, code);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", headers["Content-Type"]);
        var families = PrometheusTextParser.Parse(body);
        var documented = Documented();
        Assert.True(documented.Count >= 20, $"docs/metrics.md documents {documented.Count} metrics");
        foreach (var name in documented)
        {
            Assert.True(families.TryGetValue(name, out var f), $"{name} is documented but not served");
            Assert.NotEmpty(f.Samples);
            Assert.False(string.IsNullOrEmpty(f.Help));
        }
        Assert.Empty(families.Keys.Except(documented));                               // and nothing undocumented
        Assert.Equal(documented.Order(), MetricCatalog.All.Select(m => m.Name).Order());
        var state = Assert.Single(families["keepalive_vrrp_state"].Samples);
        Assert.Equal((2.0, "VI_1", "51", "ipv4", "eth0"), (state.Value, state.Labels["instance"], state.Labels["vrid"], state.Labels["family"], state.Labels["interface"]));
        Assert.Equal(5, families["keepalive_vrrp_adverts_sent_total"].Samples.Single().Value);
    }

    /// <summary>Every <c>keepalive_…</c> metric name in the first column of docs/metrics.md's metric table.</summary>
    private static HashSet<string> Documented()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "metrics.md")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var text = File.ReadAllText(Path.Combine(dir.FullName, "docs", "metrics.md"));
        return Regex.Matches(text, @"^\| `(keepalive_[a-z_]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
    }

    [Theory]
    [InlineData("GET", "/", 404)]
    [InlineData("GET", "/status/", 404)]
    [InlineData("GET", "/../status", 404)]
    [InlineData("POST", "/status", 405)]
    [InlineData("DELETE", "/metrics", 405)]
    [InlineData("OPTIONS", "/metrics", 405)]
    public async Task Other_paths_and_methods_are_refused(string method, string path, int expected)
    {
        var (code, headers, _) = Split(await Get(path, method));
        Assert.Equal(expected, code);
        if (expected == 405)
            Assert.Equal("GET, HEAD", headers["Allow"]);
    }

    [Fact]
    public async Task Head_answers_the_headers_without_the_body()
    {
        var (code, headers, body) = Split(await Get("/metrics", "HEAD"));
        Assert.Equal(200, code);
        Assert.True(int.Parse(headers["Content-Length"]) > 0);
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET /status\r\n\r\n", 400)]
    [InlineData("GET /status HTTP/2.0\r\n\r\n", 505)]
    [InlineData("get /status HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET status HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET /status HTTP/1.1\r\nno colon here\r\n\r\n", 400)]
    [InlineData("GET /status HTTP/1.1\r\n folded: header\r\n\r\n", 400)]
    [InlineData("\u0000\u0001\u0002\r\n\r\n", 400)]
    public async Task Garbage_gets_400_and_the_server_goes_on(string request, int expected)
    {
        Assert.Equal(expected, Split(await Raw(Encoding.Latin1.GetBytes(request))).Code);
        Assert.Equal(200, Split(await Get("/status")).Code);
    }

    [Fact]
    public async Task A_huge_head_gets_431()
    {
        var request = "GET /status HTTP/1.1\r\nX-Big: " + new string('a', 20_000) + "\r\n\r\n";
        Assert.Equal(431, Split(await Raw(Encoding.ASCII.GetBytes(request))).Code);
        Assert.Equal(200, Split(await Get("/metrics")).Code);
    }

    [Fact]
    public async Task Random_bytes_never_stop_the_server()
    {
        var random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(1, 3000)];
            random.NextBytes(bytes);
            using var client = new TcpClient();
            await client.ConnectAsync(_server.LocalEndpoint);
            await client.GetStream().WriteAsync(bytes.Concat("\r\n\r\n"u8.ToArray()).ToArray());
        }
        // Those connections may still hold the 4 slots for a moment (503 meanwhile is the limit working): within the
        // request timeout they are all answered or dropped and the server serves again.
        Assert.Equal(200, await CodeOnceSlotsFree());
    }

    [Fact]
    public async Task A_slowloris_client_times_out_while_others_are_served()
    {
        await _server.DisposeAsync();
        _server = StatusHttpServer.Start(new IPEndPoint(IPAddress.Loopback, 0), ct => _report(ct), Limits with { RequestTimeout = TimeSpan.FromMilliseconds(500) });
        using var slow = new TcpClient();
        await slow.ConnectAsync(_server.LocalEndpoint);
        await slow.GetStream().WriteAsync("GET /sta"u8.ToArray());                     // and never finishes
        var started = DateTime.UtcNow;
        Assert.Equal(200, Split(await Get("/status")).Code);                          // not blocked by it
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new MemoryStream();
        await slow.GetStream().CopyToAsync(buffer, cts.Token);
        var answer = Encoding.ASCII.GetString(buffer.ToArray());
        Assert.StartsWith("HTTP/1.1 408 ", answer);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Connections_over_the_limit_get_503_at_once()
    {
        var held = new List<TcpClient>();
        try
        {
            for (int i = 0; i < Limits.MaxConnections; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(_server.LocalEndpoint);
                await c.GetStream().WriteAsync("GET"u8.ToArray());
                held.Add(c);
            }
            await Task.Delay(200);                                                     // let the server take them
            Assert.Equal(503, Split(await Get("/status")).Code);
        }
        finally
        {
            held.ForEach(c => c.Dispose());
        }
        Assert.Equal(200, await CodeOnceSlotsFree());                                 // the slots come back
    }

    [Fact]
    public async Task A_failing_or_hanging_report_gives_503()
    {
        _report = _ => Task.FromException<NodeStatusReport>(new InvalidOperationException("the node is gone"));
        Assert.Equal(503, Split(await Get("/status")).Code);
        _report = async ct =>
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            return Reports.Full();
        };
        Assert.Equal(503, Split(await Get("/metrics")).Code);
        lock (_log)
            Assert.Contains(_log, l => l.Contains("the node is gone"));
        _report = _ => Task.FromResult(Reports.Full());
        Assert.Equal(200, Split(await Get("/status")).Code);
    }

    [Fact]
    public async Task Two_hundred_sequential_scrapes_are_answered_and_timed()
    {
        var times = new List<double>();
        int size = 0;
        for (int i = 0; i < 200; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            var (code, _, body) = Split(await Get(i % 2 == 0 ? "/metrics" : "/status"));
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Assert.Equal(200, code);
            size = Math.Max(size, body.Length);
        }
        times.Sort();
        output.WriteLine($"200 scrapes: median {times[100]:0.00} ms, p99 {times[197]:0.00} ms, max {times[^1]:0.00} ms; largest body {size} bytes");
        Assert.True(times[100] < 2000, "a scrape takes well under the report timeout");
    }

    [Fact]
    public async Task A_non_loopback_bind_is_allowed_with_a_warning()
    {
        var log = new List<string>();
        await using var server = StatusHttpServer.Start(new IPEndPoint(IPAddress.Any, 0), _ => Task.FromResult(Reports.Full()), Limits, log.Add);
        Assert.Contains(log, l => l.Contains("not a loopback address"));
        Assert.DoesNotContain(_log, l => l.Contains("loopback"));                     // 127.0.0.1: quiet
    }
}

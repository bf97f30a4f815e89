using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>SMTP_CHECK against scripted SMTP servers in a namespace of ours.</summary>
[Collection("privileged")]
public sealed class SmtpProbeTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProbeLab _lab = Privilege.IsRoot ? new ProbeLab(output) : null!;

    public void Dispose() => _lab?.Dispose();

    private IHealthProbe Probe(IPEndPoint target, string? helo = null, double timeout = 2, params IPEndPoint[] hosts)
    {
        var config = new SmtpCheckConfig(ProbeLab.Common(target, timeout), helo, hosts.Select(h => ProbeLab.Common(h, timeout)).ToValueList(), default);
        return SmtpProbe.TryCreate(config, ProbeLab.Context(), _lab.Sockets, out var error) ?? throw new InvalidOperationException(error);
    }

    /// <summary>Sends the banner, then answers each command line with the next reply; null ends the session
    /// (closing); every received line goes to <paramref name="received"/>.</summary>
    private static Func<Socket, CancellationToken, Task> Smtp(string? banner, ConcurrentQueue<string>? received, params string?[] replies) => async (socket, ct) =>
    {
        await using var stream = new NetworkStream(socket);
        if (banner is null)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return;
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(banner), ct);
        foreach (var reply in replies)
        {
            var line = await ReadLine(stream, ct);
            if (line is null)
                return;
            received?.Enqueue(line);
            if (reply is null)
                return;
            await stream.WriteAsync(Encoding.ASCII.GetBytes(reply), ct);
        }
    };

    private static async Task<string?> ReadLine(Stream stream, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one, ct) == 1)
        {
            if (one[0] == '\n')
                return line.ToString().TrimEnd('\r');
            line.Append((char)one[0]);
        }
        return null;
    }

    [SkippableFact]
    public async Task A_server_that_greets_and_accepts_helo_passes()
    {
        Privilege.Require("ip");
        var received = new ConcurrentQueue<string>();
        var server = _lab.Serve(Smtp("220 mail.test ESMTP ready\r\n", received, "250 mail.test\r\n", "221 bye\r\n"));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint), "smtp up");
        var (named, _) = await _lab.CheckAsync(Probe(server.Endpoint, helo: "lb1.example.net"), "smtp helo_name");
        Assert.True(r.Result.Success, r.Result.Reason);
        Assert.True(named.Result.Success, named.Result.Reason);
        Assert.Equal(["HELO smtpchecker.keepalived.org", "QUIT", "HELO lb1.example.net", "QUIT"], received.ToArray());
    }

    [SkippableTheory]
    [InlineData("554 go away\r\n", "bad greeting banner '554 go away'")]
    [InlineData("220-first line\r\n220 second\r\n", "bad greeting banner '220-first line'")]
    public async Task A_bad_banner_fails(string banner, string reason)
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Smtp(banner, null, "250 x\r\n", "221 x\r\n"));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint), "bad banner");
        Assert.False(r.Result.Success);
        Assert.Contains(reason, r.Result.Reason);
    }

    [SkippableFact]
    public async Task A_refused_helo_fails()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Smtp("220 ok\r\n", null, "502 not here\r\n"));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint), "helo refused");
        Assert.False(r.Result.Success);
        Assert.Contains("bad HELO response '502 not here'", r.Result.Reason);
    }

    [SkippableFact]
    public async Task A_server_that_closes_instead_of_answering_quit_fails()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Smtp("220 ok\r\n", null, "250 ok\r\n", null));
        var (r, _) = await _lab.CheckAsync(Probe(server.Endpoint), "no QUIT reply");
        Assert.False(r.Result.Success);
        Assert.Contains("QUIT reply: the server closed the connection", r.Result.Reason);
    }

    [SkippableFact]
    public async Task A_server_that_never_greets_fails_at_the_read_timeout()
    {
        Privilege.Require("ip");
        var server = _lab.Serve(Smtp(null, null));
        var (r, took) = await _lab.CheckAsync(Probe(server.Endpoint, timeout: 1), "no banner");
        Assert.False(r.Result.Success);
        Assert.Contains("timeout reading the greeting banner after 1 s", r.Result.Reason);
        Assert.InRange(took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2));
    }

    [SkippableFact]
    public async Task Every_host_block_must_pass()
    {
        Privilege.Require("ip");
        var up = _lab.Serve(Smtp("220 ok\r\n", null, "250 ok\r\n", "221 ok\r\n"));
        var other = _lab.Serve(Smtp("220 ok\r\n", null, "250 ok\r\n", "221 ok\r\n"));
        var down = new IPEndPoint(IPAddress.Loopback, 1);
        var (both, _) = await _lab.CheckAsync(Probe(up.Endpoint, hosts: other.Endpoint), "two hosts up");
        var (oneDown, _) = await _lab.CheckAsync(Probe(up.Endpoint, hosts: down), "second host down");
        Assert.True(both.Result.Success, both.Result.Reason);
        Assert.Equal(1, other.Accepted);
        Assert.False(oneDown.Result.Success);
        Assert.Contains("[127.0.0.1]:1", oneDown.Result.Reason);
        Assert.Contains("refused", oneDown.Result.Reason);
    }
}

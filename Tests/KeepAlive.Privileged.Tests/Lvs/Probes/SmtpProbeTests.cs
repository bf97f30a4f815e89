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
public sealed class SmtpProbeTests(ITestOutputHelper output) : ProbeLabTests(output)
{
    private IHealthProbe Probe(IPEndPoint target, string? helo = null, double timeout = 2, params IPEndPoint[] hosts)
    {
        var config = new SmtpCheckConfig(NetProbeLab.Common(target, timeout), helo, hosts.Select(h => NetProbeLab.Common(h, timeout)).ToValueList(), default);
        return SmtpProbe.TryCreate(config, NetProbeLab.Context(), Lab.Sockets, out var error) ?? throw new InvalidOperationException(error);
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
        var server = Lab.Serve(Smtp("220 mail.test ESMTP ready\r\n", received, "250 mail.test\r\n", "221 bye\r\n"));
        await Passes(Probe(server.Endpoint), "smtp up");
        await Passes(Probe(server.Endpoint, helo: "lb1.example.net"), "smtp helo_name");
        Assert.Equal(["HELO smtpchecker.keepalived.org", "QUIT", "HELO lb1.example.net", "QUIT"], received.ToArray());
    }

    [SkippableTheory]
    [InlineData("554 go away\r\n", "250 x\r\n", "221 x\r\n", "bad greeting banner '554 go away'")]
    [InlineData("220-first line\r\n220 second\r\n", "250 x\r\n", "221 x\r\n", "bad greeting banner '220-first line'")]
    [InlineData("220 ok\r\n", "502 not here\r\n", "221 x\r\n", "bad HELO response '502 not here'")]
    [InlineData("220 ok\r\n", "250 ok\r\n", null, "QUIT reply: the server closed the connection")]
    [InlineData(null, null, null, "timeout reading the greeting banner after 1 s")]
    public async Task A_session_that_goes_wrong_fails(string? banner, string? heloReply, string? quitReply, string reason)
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Smtp(banner, null, heloReply, quitReply));
        await Fails(Probe(server.Endpoint, timeout: 1), reason, reason, atMostSeconds: 3);
    }

    [SkippableFact]
    public async Task Every_host_block_must_pass()
    {
        Privilege.Require("ip");
        var up = Lab.Serve(Smtp("220 ok\r\n", null, "250 ok\r\n", "221 ok\r\n"));
        var other = Lab.Serve(Smtp("220 ok\r\n", null, "250 ok\r\n", "221 ok\r\n"));
        await Passes(Probe(up.Endpoint, hosts: other.Endpoint), "two hosts up");
        Assert.Equal(1, other.Accepted);
        var reason = await Fails(Probe(up.Endpoint, hosts: new IPEndPoint(IPAddress.Loopback, 1)), "second host down", "refused");
        Assert.Contains("[127.0.0.1]:1", reason);
    }
}

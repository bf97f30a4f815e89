using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// SMTP_CHECK (keepalived 2.2.7 check_smtp.c <c>smtp_engine_thread</c>): connect, read the banner (its code must be
/// 220), send <c>HELO helo_name</c> (default <c>smtpchecker.keepalived.org</c>, SMTP_DEFAULT_HELO), read the reply
/// (250), send <c>QUIT</c> and read one more line — any line: keepalived does not look at the QUIT reply's code, but
/// a server that closes without answering fails the read. Each step is bounded by connect_timeout.
/// <para>Every deprecated <c>host { }</c> block is one more target. keepalived 2.2.7 turns each into a checker of its
/// own, and a real server is up only when all its checkers are, so all targets must pass here; the difference is
/// that one failing host counts one failure of this checker rather than of its own.</para>
/// </summary>
public sealed class SmtpProbe : IHealthProbe
{
    private readonly IReadOnlyList<ProbeEndpoint> _targets;
    private readonly byte[] _helo;
    private readonly TimeSpan _delayLoop;
    private readonly ProbeSocketFactory _sockets;

    private SmtpProbe(IReadOnlyList<ProbeEndpoint> targets, byte[] helo, TimeSpan delayLoop, ProbeSocketFactory sockets)
    {
        _targets = targets;
        _helo = helo;
        _delayLoop = delayLoop;
        _sockets = sockets;
    }

    public static IHealthProbe? TryCreate(SmtpCheckConfig checker, ProbeContext context, out string? error) =>
        TryCreate(checker, context, ProbeSockets.Tcp, out error);

    /// <summary>As <see cref="TryCreate(SmtpCheckConfig, ProbeContext, out string?)"/>, with the sockets made by
    /// <paramref name="sockets"/>.</summary>
    public static IHealthProbe? TryCreate(SmtpCheckConfig checker, ProbeContext context, ProbeSocketFactory sockets, out string? error)
    {
        var targets = new List<ProbeEndpoint>();
        foreach (var common in checker.Hosts.Prepend(checker.Common))
        {
            var endpoint = ProbeEndpoint.TryFrom(common, context.RealServer, out error);
            if (endpoint is null)
                return null;
            targets.Add(endpoint);
        }
        error = null;
        return new SmtpProbe(targets, SmtpReply.Helo(checker.HeloName ?? "smtpchecker.keepalived.org"), checker.Common.DelayLoop, sockets);
    }

    public string Describe => $"SMTP_CHECK on {string.Join(", ", _targets.Select(t => t.Label))}";

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellation)
    {
        foreach (var target in _targets)
        {
            using var deadline = new ExchangeDeadline(target.Timeout, ExchangeDeadline.OverallFor(target.Timeout, _delayLoop), cancellation);
            if (await ConverseAsync(target, deadline).ConfigureAwait(false) is { } failure)
                return ProbeResult.Fail($"SMTP_CHECK server {target.Label}: {failure}");
        }
        return ProbeResult.Pass($"SMTP_CHECK on {string.Join(", ", _targets.Select(t => t.Label))}: 220, HELO 250, QUIT answered");
    }

    private async Task<string?> ConverseAsync(ProbeEndpoint target, ExchangeDeadline deadline)
    {
        var connected = await ProbeConnector.ConnectAsync(target, _sockets, deadline).ConfigureAwait(false);
        if (connected.Socket is null)
            return connected.Failure;
        await using var stream = new System.Net.Sockets.NetworkStream(connected.Socket, ownsSocket: true);
        var reply = new SmtpReply();
        var banner = await ReadLineAsync(stream, reply, deadline, "the greeting banner").ConfigureAwait(false);
        if (banner.Failure is not null)
            return banner.Failure;
        if (SmtpReply.Status(banner.Line!) != 220)
            return $"bad greeting banner '{Printable(banner.Line!)}' (expected 220)";
        if (await ProbeStreams.SendAsync(stream, _helo, deadline, "HELO").ConfigureAwait(false) is { } heloFailure)
            return heloFailure;
        var helo = await ReadLineAsync(stream, reply, deadline, "the HELO reply").ConfigureAwait(false);
        if (helo.Failure is not null)
            return helo.Failure;
        if (SmtpReply.Status(helo.Line!) != 250)
            return $"bad HELO response '{Printable(helo.Line!)}' (expected 250)";
        if (await ProbeStreams.SendAsync(stream, SmtpReply.Quit.ToArray(), deadline, "QUIT").ConfigureAwait(false) is { } quitFailure)
            return quitFailure;
        var quit = await ReadLineAsync(stream, reply, deadline, "the QUIT reply").ConfigureAwait(false);
        return quit.Failure;
    }

    private static async Task<(string? Line, string? Failure)> ReadLineAsync(Stream stream, SmtpReply reply, ExchangeDeadline deadline, string what)
    {
        reply.Clear();
        while (true)
        {
            var read = await ProbeStreams.ReadAsync(stream, reply.NextRead(), deadline, what).ConfigureAwait(false);
            if (!read.Ok)
                return (null, read.Failure);
            if (read.Bytes == 0)
                return (null, $"read failure on {what}: the server closed the connection");
            if (reply.Commit(read.Bytes) is { } line)
                return (line, null);
        }
    }

    private static string Printable(string line)
    {
        var trimmed = line.TrimEnd('\r');
        return trimmed.Length <= 80 ? trimmed : trimmed[..80] + "...";
    }

    public void Dispose()
    {
    }
}

using System.Net.Sockets;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// The shape DNS_CHECK, UDP_CHECK and PING_CHECK share (keepalived's *_connect_thread then *_check_thread): each check
/// opens a fresh socket for <see cref="Target"/> (<see cref="ProbeSocket"/>), synchronously, before the first await, so
/// the calling thread decides its network namespace; then <see cref="ExchangeAsync"/> runs under
/// <see cref="ProbeDeadline"/>, and the socket is closed. A socket that cannot be set up fails the check with the step
/// that failed; a socket error during the exchange fails it naming the error; the deadline gives
/// <see cref="OnTimeout"/>.
/// </summary>
public abstract class SocketProbe : IHealthProbe
{
    private readonly SocketType _type;
    private readonly ProtocolType _protocol;
    private readonly bool _receiveErrors;
    private readonly string _setupFailure;
    private readonly string _exchangeFailure;

    /// <param name="target">Where to, with the bind options and the timeout.</param>
    /// <param name="describe">For the logs.</param>
    /// <param name="type">Datagram or raw.</param>
    /// <param name="protocol">UDP, ICMP or ICMPv6.</param>
    /// <param name="receiveErrors">IP_RECVERR (UDP_CHECK).</param>
    /// <param name="setupFailure">Prefix of a failure to set the socket up ("connection error").</param>
    /// <param name="exchangeFailure">Prefix of a socket error during the exchange ("failed to read socket").</param>
    protected SocketProbe(ProbeTarget target, string describe, SocketType type, ProtocolType protocol, bool receiveErrors,
        string setupFailure, string exchangeFailure)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        Describe = describe;
        _type = type;
        _protocol = protocol;
        _receiveErrors = receiveErrors;
        _setupFailure = setupFailure;
        _exchangeFailure = exchangeFailure;
    }

    /// <inheritdoc />
    public string Describe { get; }

    /// <summary>The target and its options.</summary>
    protected ProbeTarget Target { get; }

    /// <inheritdoc />
    public Task<ProbeResult> CheckAsync(CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested)
            return Task.FromResult(ProbeResult.Fail("cancelled"));
        var socket = ProbeSocket.Open(Target, _type, _protocol, _receiveErrors, connect: true, out var error);
        if (socket is null)
            return Task.FromResult(ProbeResult.Fail($"{_setupFailure}: {error}"));
        return RunAsync(socket, cancellation);
    }

    private async Task<ProbeResult> RunAsync(Socket socket, CancellationToken cancellation)
    {
        using (socket)
            return await ProbeDeadline.RunAsync(Target.Timeout, cancellation, token => ExchangeAsync(socket, token), OnTimeout, _exchangeFailure).ConfigureAwait(false);
    }

    /// <summary>Sends and reads on the connected socket until a verdict; <paramref name="token"/> fires at the deadline.</summary>
    protected abstract Task<ProbeResult> ExchangeAsync(Socket socket, CancellationToken token);

    /// <summary>The result when the deadline passes first.</summary>
    protected abstract ProbeResult OnTimeout();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Nothing is held between checks; subclasses may override.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}

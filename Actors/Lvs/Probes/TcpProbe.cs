using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// TCP_CHECK (keepalived 2.2.7 check_tcp.c <c>tcp_connect_thread</c>/<c>tcp_check_thread</c>): the check passes when
/// the TCP connect completes within <c>connect_timeout</c>; the connection is then closed at once without sending
/// anything. Refused, reset, unreachable and timed-out connects fail with the kernel's reason.
/// </summary>
public sealed class TcpProbe : IHealthProbe
{
    private readonly ProbeEndpoint _endpoint;
    private readonly ProbeSocketFactory _sockets;

    private TcpProbe(ProbeEndpoint endpoint, ProbeSocketFactory sockets)
    {
        _endpoint = endpoint;
        _sockets = sockets;
    }

    public static IHealthProbe? TryCreate(TcpCheckConfig checker, ProbeContext context, out string? error) =>
        TryCreate(checker, context, ProbeSockets.Tcp, out error);

    /// <summary>As <see cref="TryCreate(TcpCheckConfig, ProbeContext, out string?)"/>, with the sockets made by
    /// <paramref name="sockets"/>.</summary>
    public static IHealthProbe? TryCreate(TcpCheckConfig checker, ProbeContext context, ProbeSocketFactory sockets, out string? error)
    {
        var endpoint = ProbeEndpoint.TryFrom(checker.Common, context.RealServer, out error);
        return endpoint is null ? null : new TcpProbe(endpoint, sockets);
    }

    public string Describe => $"TCP_CHECK on {_endpoint.Label}";

    public async Task<ProbeResult> CheckAsync(CancellationToken cancellation)
    {
        using var deadline = new ExchangeDeadline(_endpoint.Timeout, _endpoint.Timeout, cancellation);
        var connected = await ProbeConnector.ConnectAsync(_endpoint, _sockets, deadline).ConfigureAwait(false);
        if (connected.Socket is null)
            return ProbeResult.Fail($"TCP connection to {_endpoint.Label}: {connected.Failure}");
        connected.Socket.Dispose();
        return ProbeResult.Pass($"TCP connection to {_endpoint.Label} established");
    }

    public void Dispose()
    {
    }
}

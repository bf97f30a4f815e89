using System.Net.Sockets;
using System.Text;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>How a connect failed, in keepalived's classes (layer4.c connect_result): the socket could not be set up
/// (connect_error), the network is unreachable at once (connect_fail from connect()), the connect timed out
/// (connect_timeout), or it failed later — refused, reset, host unreachable (connect_fail from SO_ERROR).</summary>
public enum ConnectFailureKind
{
    None,
    Setup,
    NetworkUnreachable,
    Timeout,
    Failed,
    Cancelled,
}

/// <summary>A connected socket, or why there is none.</summary>
public readonly record struct ConnectOutcome(Socket? Socket, string? Failure, ConnectFailureKind Kind = ConnectFailureKind.None);

/// <summary>
/// Opens the TCP connection of a check as keepalived 2.2.7 layer4.c <c>socket_bind_connect</c> does: SO_MARK when
/// <c>fwmark</c> is set, SO_BINDTODEVICE when <c>bind_if</c> is, bind to <c>bindto</c>/<c>bind_port</c>, then a
/// non-blocking connect bounded by <c>connect_timeout</c>. Every failure (refused, unreachable, timeout, an option
/// the kernel refuses) is a reason string, never an exception.
/// </summary>
public static class ProbeConnector
{
    private const int SolSocket = 1;
    private const int SoMark = 36;
    private const int SoBindToDevice = 25;

    public static async Task<ConnectOutcome> ConnectAsync(ProbeEndpoint endpoint, ProbeSocketFactory sockets, ExchangeDeadline deadline)
    {
        Socket socket;
        try
        {
            socket = sockets(endpoint.Remote.AddressFamily);
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException or TimeoutException or IOException)
        {
            // The default factory only throws SocketException; one that enters another namespace may fail otherwise.
            return new ConnectOutcome(null, $"cannot create a socket: {e.Message}", ConnectFailureKind.Setup);
        }
        string? failure = Prepare(socket, endpoint);
        var kind = ConnectFailureKind.Setup;
        if (failure is null)
        {
            using var step = deadline.StartStep();
            try
            {
                await socket.ConnectAsync(endpoint.Remote, step.Token).ConfigureAwait(false);
                return new ConnectOutcome(socket, null);
            }
            catch (OperationCanceledException)
            {
                failure = deadline.Expired("connecting");
                kind = deadline.CallerCancelled ? ConnectFailureKind.Cancelled : ConnectFailureKind.Timeout;
            }
            catch (SocketException e)
            {
                failure = $"connection failed: {Describe(e)}";
                kind = e.SocketErrorCode == SocketError.NetworkUnreachable ? ConnectFailureKind.NetworkUnreachable : ConnectFailureKind.Failed;
            }
            catch (ObjectDisposedException)
            {
                failure = "cancelled";
                kind = ConnectFailureKind.Cancelled;
            }
        }
        socket.Dispose();
        return new ConnectOutcome(null, failure, kind);
    }

    /// <summary>Socket options and bind, in keepalived's order; null when all applied.</summary>
    private static string? Prepare(Socket socket, ProbeEndpoint endpoint)
    {
        try
        {
            socket.NoDelay = true;
            if (endpoint.Fwmark is { } mark)
                socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));
        }
        catch (SocketException e)
        {
            return $"cannot set fwmark {endpoint.Fwmark}: {Describe(e)}";
        }
        try
        {
            if (endpoint.BindInterface is { } name)
            {
                var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
                Encoding.UTF8.GetBytes(name, bytes);
                socket.SetRawSocketOption(SolSocket, SoBindToDevice, bytes);
            }
        }
        catch (SocketException e)
        {
            return $"cannot bind to device {endpoint.BindInterface}: {Describe(e)}";
        }
        try
        {
            if (endpoint.Local is { } local)
                socket.Bind(local);
        }
        catch (SocketException e)
        {
            return $"cannot bind to [{endpoint.Local!.Address}]:{endpoint.Local.Port}: {Describe(e)}";
        }
        return null;
    }

    /// <summary>The kernel's words for a socket error ("Connection refused"), lower-cased as a reason.</summary>
    public static string Describe(SocketException e) => e.Message.Length > 0
        ? char.ToLowerInvariant(e.Message[0]) + e.Message[1..]
        : e.SocketErrorCode.ToString();
}

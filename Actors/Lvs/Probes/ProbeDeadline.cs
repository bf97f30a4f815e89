using System.Net.Sockets;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// Runs the network part of one check under its timeout (keepalived arms one read/write timer of
/// <c>connect_timeout</c> per check): the body gets a token that fires at the deadline or when the caller cancels.
/// A deadline gives the caller's timeout result (a failure "timed out", or for UDP_CHECK without
/// require_reply a success), a caller's cancellation gives "cancelled", a socket error (or anything unforeseen) gives a failure naming it.
/// </summary>
public static class ProbeDeadline
{
    /// <summary>Runs <paramref name="body"/> within <paramref name="timeout"/>; never throws.</summary>
    public static async Task<ProbeResult> RunAsync(
        TimeSpan timeout,
        CancellationToken cancellation,
        Func<CancellationToken, Task<ProbeResult>> body,
        Func<ProbeResult> onTimeout,
        string socketErrorPrefix)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(onTimeout);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            return await body(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return ProbeResult.Fail("cancelled");
        }
        catch (OperationCanceledException)
        {
            return onTimeout();
        }
        catch (SocketException e)
        {
            return ProbeResult.Fail($"{socketErrorPrefix}: {Describe(e)}");
        }
        catch (ObjectDisposedException)
        {
            return ProbeResult.Fail("cancelled (the probe was disposed)");
        }
#pragma warning disable CA1031 // the contract: a probe never throws; anything unforeseen is a failed check that names it
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ProbeResult.Fail($"{socketErrorPrefix}: unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>"connection refused (ICMP unreachable)" style text of a socket error.</summary>
    public static string Describe(SocketException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused (ICMP port unreachable)",
            SocketError.HostUnreachable => "host unreachable (ICMP)",
            SocketError.NetworkUnreachable => "network unreachable (ICMP)",
            _ => $"{e.Message} ({e.SocketErrorCode})",
        };
    }

    /// <summary>A timeout failure in keepalived's words.</summary>
    public static ProbeResult TimedOut(TimeSpan timeout, string what) =>
        ProbeResult.Fail($"{what}: timed out after {timeout.TotalMilliseconds:0} ms");
}

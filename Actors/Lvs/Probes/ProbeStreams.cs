using System.Net.Sockets;
using System.Security.Authentication;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>What one bounded read gave: bytes (0 = end of stream), or a timeout, or an error.</summary>
public readonly record struct ReadOutcome(int Bytes, string? Failure, bool TimedOut)
{
    public bool Ok => Failure is null;
}

/// <summary>Reads and writes of a check, each bounded by its step of the <see cref="ExchangeDeadline"/>; failures are
/// reasons, never exceptions.</summary>
public static class ProbeStreams
{
    public static async Task<string?> SendAsync(Stream stream, ReadOnlyMemory<byte> data, ExchangeDeadline deadline, string what)
    {
        using var step = deadline.StartStep();
        try
        {
            await stream.WriteAsync(data, step.Token).ConfigureAwait(false);
            await stream.FlushAsync(step.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return deadline.Expired($"sending {what}");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            return $"cannot send {what}: {Innermost(e)}";
        }
    }

    public static async Task<ReadOutcome> ReadAsync(Stream stream, Memory<byte> buffer, ExchangeDeadline deadline, string what)
    {
        using var step = deadline.StartStep();
        try
        {
            return new ReadOutcome(await stream.ReadAsync(buffer, step.Token).ConfigureAwait(false), null, false);
        }
        catch (OperationCanceledException)
        {
            return new ReadOutcome(0, deadline.Expired($"reading {what}"), !deadline.CallerCancelled);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            return new ReadOutcome(0, $"read error on {what}: {Innermost(e)}", false);
        }
    }

    /// <summary>The innermost message: the socket's words rather than the stream's wrapper.</summary>
    public static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e is SocketException s ? ProbeConnector.Describe(s) : e.Message;
    }
}

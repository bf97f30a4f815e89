using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>One GET of HTTP_GET/SSL_GET or genhash: where, what, and over TLS or not.</summary>
/// <param name="Endpoint">Where to connect.</param>
/// <param name="Path">The url path, sent as written.</param>
/// <param name="Protocol">http_protocol: "1.0", "1.0C" or "1.1".</param>
/// <param name="Host">The Host header value (<see cref="HttpCheckTarget.HostHeader"/>).</param>
/// <param name="Tls">Null for plain HTTP; the TLS client otherwise.</param>
/// <param name="Sni">The TLS server name, null for none.</param>
public sealed record HttpExchangeRequest(ProbeEndpoint Endpoint, string Path, string Protocol, string Host, SslClientSettings? Tls, string? Sni);

/// <summary>How an exchange ended: <see cref="Failure"/> null when the response was read to its end (then judge the
/// <see cref="HttpDigest"/>); otherwise our reason and keepalived's own words for it (genhash prints those).</summary>
public readonly record struct HttpExchangeResult(string? Failure, string? KeepalivedMessage)
{
    public static HttpExchangeResult Completed => default;

    public static HttpExchangeResult Failed(string failure, string keepalived) => new(failure, keepalived);
}

/// <summary>
/// Performs one GET the way keepalived 2.2.7 check_http.c does (<c>http_connect_thread</c> →
/// <c>http_check_thread</c> → <c>http_request_thread</c> → <c>http_read_thread</c>/<c>ssl_read_thread</c>): a fresh
/// connection, the TLS handshake for SSL_GET, the exact request bytes of <see cref="HttpCheckTarget.Request"/>, then
/// reads until the server closes, each step bounded by connect_timeout. keepalived reads to end of stream even when
/// Content-Length is satisfied, so a server that keeps the connection open fails with a read timeout, as there.
/// A plain-HTTP read error (a reset) fails the check; over TLS keepalived treats any read error as the end of the
/// response and judges what it got, and so do we.
/// <para>Why not HttpClient/SocketsHttpHandler: keepalived hashes the raw body bytes (chunk framing included, cut at
/// Content-Length, extra bytes ignored), accepts heads HttpClient rejects and rejects some it accepts (a status line
/// without a reason phrase), sends exactly three headers and reads to end of stream; HttpClient decodes chunked
/// bodies, adds headers and stops at Content-Length, so its digests and verdicts would differ from keepalived's
/// and from genhash's.</para>
/// </summary>
public static class HttpExchange
{
    private const int ReadSize = 4096;

    public static async Task<HttpExchangeResult> RunAsync(HttpExchangeRequest request, ProbeSocketFactory sockets, ExchangeDeadline deadline, HttpDigest response)
    {
        var connected = await ProbeConnector.ConnectAsync(request.Endpoint, sockets, deadline).ConfigureAwait(false);
        if (connected.Socket is null)
            return HttpExchangeResult.Failed(connected.Failure!, ConnectMessage(connected.Kind));
        Stream stream = new NetworkStream(connected.Socket, ownsSocket: true);
        try
        {
            if (request.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                if (await HandshakeAsync(ssl, tls.Options(request.Sni), deadline).ConfigureAwait(false) is { } handshakeFailure)
                    return HttpExchangeResult.Failed(handshakeFailure, "SSL handshake/communication error connecting to");
            }
            if (await ProbeStreams.SendAsync(stream, HttpCheckTarget.Request(request.Path, request.Protocol, request.Host), deadline, "the request").ConfigureAwait(false) is { } sendFailure)
                return HttpExchangeResult.Failed(sendFailure, "Cannot send get request to");
            return await ReadAsync(stream, request.Tls is not null, deadline, response).ConfigureAwait(false);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>keepalived's words for a failed connect (http_connect_thread, http_check_thread).</summary>
    private static string ConnectMessage(ConnectFailureKind kind) => kind switch
    {
        ConnectFailureKind.NetworkUnreachable => "HTTP_CHECK - network unreachable",
        ConnectFailureKind.Timeout => "Timeout connecting",
        ConnectFailureKind.Failed => "Connection failed",
        _ => "Error connecting",
    };

    private static async Task<string?> HandshakeAsync(SslStream ssl, SslClientAuthenticationOptions options, ExchangeDeadline deadline)
    {
        using var step = deadline.StartStep();
        try
        {
            await ssl.AuthenticateAsClientAsync(options, step.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            return deadline.Expired("in the TLS handshake");
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or ObjectDisposedException
            or InvalidOperationException or NotSupportedException or System.Security.Cryptography.CryptographicException)
        {
            return $"TLS handshake error: {ProbeStreams.Innermost(e)}";
        }
    }

    private static async Task<HttpExchangeResult> ReadAsync(Stream stream, bool tls, ExchangeDeadline deadline, HttpDigest response)
    {
        var buffer = new byte[ReadSize];
        while (!response.HeadTooLong)
        {
            var read = await ProbeStreams.ReadAsync(stream, buffer, deadline, "the response").ConfigureAwait(false);
            if (read.TimedOut)
            {
                // Before any byte keepalived is still waiting in http_response_thread ("WEB"); after, in its reader.
                var words = !response.AnyByte ? "Timeout WEB read" : tls ? "Timeout SSL read" : "Timeout HTTP read";
                return HttpExchangeResult.Failed(read.Failure!, words);
            }
            if (!read.Ok)
            {
                if (deadline.CallerCancelled)
                    return HttpExchangeResult.Failed("cancelled", "cancelled");
                if (tls)
                    return HttpExchangeResult.Completed;
                return HttpExchangeResult.Failed($"{read.Failure} after {response.BodyBytes} body bytes", "Read error with");
            }
            if (read.Bytes == 0)
                return HttpExchangeResult.Completed;
            response.Feed(buffer.AsSpan(0, read.Bytes));
        }
        return HttpExchangeResult.Completed;
    }
}

using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>Scripted HTTP(S) backends for the probe tests: each reads the request head, then behaves as told.</summary>
public static class HttpBackends
{
    /// <summary>A script over the connection's socket (to reset it) and stream (plain or TLS).</summary>
    public delegate Task Script(Socket socket, Stream stream, CancellationToken ct);

    public static Func<Socket, CancellationToken, Task> Plain(Script script) => (s, ct) => script(s, new NetworkStream(s), ct);

    /// <summary>TLS with <paramref name="certificate"/>; the SNI name each client sent goes to <paramref name="sni"/>
    /// ("" for none); with <paramref name="clientCertificates"/> the server asks for a client certificate, refuses
    /// connections without one and records the subject it got.</summary>
    public static Func<Socket, CancellationToken, Task> Tls(X509Certificate2 certificate, Script script, ConcurrentQueue<string>? sni = null, ConcurrentQueue<string>? clientCertificates = null) =>
        async (s, ct) =>
        {
            var ssl = new SslStream(new NetworkStream(s));
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    sni?.Enqueue(name ?? string.Empty);
                    return certificate;
                },
                ClientCertificateRequired = clientCertificates is not null,
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (clientCertificates is null)
                        return true;
                    if (cert is not null)
                        clientCertificates.Enqueue(cert.Subject);
                    return cert is not null;
                },
            }, ct);
            await script(s, ssl, ct);
        };

    /// <summary>Reads up to the end of the request head; returns it (Latin-1).</summary>
    public static async Task<string> ReadRequest(Stream stream, CancellationToken ct)
    {
        var received = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(received))
        {
            if (await stream.ReadAsync(one, ct) == 0)
                break;
            received.Add(one[0]);
        }
        return Encoding.Latin1.GetString(received.ToArray());
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    /// <summary>Answers <paramref name="respond"/>(request) and closes.</summary>
    public static Script Answer(Func<string, string> respond, ConcurrentQueue<string>? requests = null) => async (_, stream, ct) =>
    {
        var request = await ReadRequest(stream, ct);
        requests?.Enqueue(request);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(respond(request)), ct);
        await stream.FlushAsync(ct);
        stream.Dispose();
    };

    public static Script Fixed(string response, ConcurrentQueue<string>? requests = null) => Answer(_ => response, requests);

    /// <summary>Reads the request and never answers.</summary>
    public static Script Hang => async (_, stream, ct) =>
    {
        await ReadRequest(stream, ct);
        await Task.Delay(Timeout.Infinite, ct);
    };

    /// <summary>Sends the head and part of the body, then resets the connection (RST).</summary>
    public static Script ResetMidBody => async (socket, stream, ct) =>
    {
        await ReadRequest(stream, ct);
        await stream.WriteAsync("HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\npartial"u8.ToArray(), ct);
        await stream.FlushAsync(ct);
        await Task.Delay(100, ct);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    };

    /// <summary>Sends the head, then each piece after <paramref name="gap"/>; closes unless told to keep the
    /// connection open.</summary>
    public static Script Trickle(string head, IEnumerable<string> pieces, TimeSpan gap, bool keepOpen = false) => async (_, stream, ct) =>
    {
        await ReadRequest(stream, ct);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), ct);
        foreach (var piece in pieces)
        {
            await Task.Delay(gap, ct);
            await stream.WriteAsync(Encoding.Latin1.GetBytes(piece), ct);
            await stream.FlushAsync(ct);
        }
        if (keepOpen)
            await Task.Delay(Timeout.Infinite, ct);
        stream.Dispose();
    };

    public static string Ok(string body, string status = "200 OK", bool contentLength = true) =>
        $"HTTP/1.0 {status}\r\nServer: probe-test\r\n{(contentLength ? $"Content-Length: {Encoding.Latin1.GetByteCount(body)}\r\n" : "")}\r\n{body}";

    public static string Md5(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.Latin1.GetBytes(body)));

    /// <summary>A self-signed certificate with its key, usable by SslStream on Linux.</summary>
    public static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}

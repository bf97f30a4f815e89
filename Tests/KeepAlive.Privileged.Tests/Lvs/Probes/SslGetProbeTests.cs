using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using Xunit.Abstractions;
using static KeepAlive.Privileged.Tests.Lvs.Probes.HttpBackends;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>SSL_GET against TLS backends of ours: no server verification (as keepalived), SNI only with enable_sni,
/// client certificates from the SSL block, handshake failures and hangs.</summary>
[Collection("privileged")]
public sealed class SslGetProbeTests(ITestOutputHelper output) : ProbeLabTests(output)
{
    private readonly X509Certificate2 _server = HttpBackends.SelfSigned("backend.test");
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-ssl-").FullName;

    protected override void Dispose(bool disposing)
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private IHealthProbe Probe(IPEndPoint target, ValueList<HttpUrl> urls, SslConfig? ssl = null, bool sni = false, string? vhost = null, double timeout = 2)
    {
        var config = new HttpCheckConfig(NetProbeLab.Common(target, timeout), true, urls, "1.0", vhost, false, sni, default);
        return HttpGetProbe.TryCreate(config, NetProbeLab.Context(ssl), Lab.Sockets, out var error) ?? throw new InvalidOperationException(error);
    }

    [SkippableFact]
    public async Task A_self_signed_backend_passes_with_its_digest_as_keepalived_verifies_nothing()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Tls(_server, Fixed(Ok("secure page"))));
        await Passes(Probe(server.Endpoint, [HttpGetProbeTests.Url("/", Md5("secure page"))]), "self-signed");
        await Fails(Probe(server.Endpoint, [HttpGetProbeTests.Url("/", Md5("other page"))]), "self-signed, wrong digest", "MD5 digest error");
    }

    [SkippableFact]
    public async Task Sni_is_sent_only_with_enable_sni()
    {
        Privilege.Require("ip");
        var names = new ConcurrentQueue<string>();
        var server = Lab.Serve(Tls(_server, Fixed(Ok("x")), names));
        await Passes(Probe(server.Endpoint, [HttpGetProbeTests.Url("/")], sni: true, vhost: "www.sni.test"), "enable_sni");
        await Passes(Probe(server.Endpoint, [HttpGetProbeTests.Url("/")], vhost: "www.sni.test"), "no enable_sni");
        Assert.Equal(["www.sni.test", ""], names.ToArray());
    }

    [SkippableFact]
    public async Task A_plain_http_backend_fails_the_handshake()
    {
        Privilege.Require("ip");
        // A plain HTTP server answers the ClientHello with an HTTP error and closes, as nginx or Apache do.
        var server = Lab.Serve(Plain(async (socket, stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[512], ct);
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
            stream.Dispose();
        }));
        await Fails(Probe(server.Endpoint, [HttpGetProbeTests.Url("/")]), "plain backend", "TLS handshake error", atMostSeconds: 1.5);
    }

    [SkippableFact]
    public async Task A_backend_that_never_handshakes_fails_at_the_timeout()
    {
        Privilege.Require("ip");
        var server = Lab.Serve((_, ct) => Task.Delay(Timeout.Infinite, ct));
        await Fails(Probe(server.Endpoint, [HttpGetProbeTests.Url("/")], timeout: 1), "silent TLS backend", "timeout in the TLS handshake after 1 s", 0.9, 3);
    }

    [SkippableFact]
    public async Task A_backend_asking_for_a_client_certificate_gets_the_ssl_block_one()
    {
        Privilege.Require("ip");
        var (certFile, keyFile) = WriteClientCertificate("probe-client", "s3cret");
        var seen = new ConcurrentQueue<string>();
        var server = Lab.Serve(Tls(_server, Fixed(Ok("mutual")), clientCertificates: seen));
        var ssl = new SslConfig("s3cret", null, certFile, keyFile, default);
        await Fails(Probe(server.Endpoint, [HttpGetProbeTests.Url("/")]), "no client certificate", "no data received");
        await Passes(Probe(server.Endpoint, [HttpGetProbeTests.Url("/", Md5("mutual"))], ssl), "client certificate");
        Assert.Contains("CN=probe-client", seen);
    }

    [SkippableFact]
    public void An_ssl_block_whose_files_do_not_load_is_refused_at_creation()
    {
        Privilege.Require("ip");
        var (certFile, keyFile) = WriteClientCertificate("probe-client", "s3cret");
        var config = new HttpCheckConfig(NetProbeLab.Common(new IPEndPoint(IPAddress.Loopback, 443)), true, [HttpGetProbeTests.Url("/")], "1.0", null, false, false, default);
        Assert.Null(HttpGetProbe.TryCreate(config, NetProbeLab.Context(new SslConfig("wrong", null, certFile, keyFile, default)), out var badPassword));
        Assert.Null(HttpGetProbe.TryCreate(config, NetProbeLab.Context(new SslConfig(null, Path.Combine(_dir, "missing.pem"), null, null, default)), out var missingCa));
        Output.WriteLine(badPassword);
        Output.WriteLine(missingCa);
        Assert.StartsWith("SSL block cannot be loaded", badPassword);
        Assert.StartsWith("SSL block cannot be loaded", missingCa);
    }

    /// <summary>A client certificate (PEM) and its key encrypted with <paramref name="password"/>.</summary>
    private (string Cert, string Key) WriteClientCertificate(string subject, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(_dir, "client.pem");
        var keyFile = Path.Combine(_dir, "client.key");
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10000)));
        return (certFile, keyFile);
    }
}

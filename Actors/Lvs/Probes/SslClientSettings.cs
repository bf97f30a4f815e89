using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// The TLS client of SSL_GET, as keepalived 2.2.7 check_ssl.c <c>build_ssl_ctx</c> sets it up from the root
/// <c>SSL { }</c> block: any TLS version the library allows; <c>certificate</c> (a chain file) and <c>key</c>, the
/// key decrypted with <c>password</c>, presented when the server asks for a client certificate; <c>ca</c> loaded.
/// keepalived never calls SSL_CTX_set_verify, so OpenSSL's default SSL_VERIFY_NONE applies: the server certificate
/// is not verified (a self-signed, expired or wrongly named certificate passes) and the CA file changes nothing but
/// must load. Without the block keepalived makes an anonymous context: no client certificate.
/// </summary>
public sealed class SslClientSettings
{
    private readonly SslStreamCertificateContext? _clientCertificate;

    private SslClientSettings(SslStreamCertificateContext? clientCertificate) => _clientCertificate = clientCertificate;

    /// <summary>The anonymous context keepalived creates when there is no SSL block.</summary>
    public static SslClientSettings Anonymous { get; } = new(null);

    /// <summary>Loads the block's files; null with the reason when one cannot be read (keepalived then cannot start
    /// its SSL context: "SSL error : Cant load certificate file..." and the like).</summary>
    public static SslClientSettings? TryLoad(SslConfig? ssl, out string? error)
    {
        error = null;
        if (ssl is null)
            return Anonymous;
        try
        {
            if (ssl.CertificateAuthority is { } ca)
            {
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(ca);
                if (authorities.Count == 0)
                {
                    error = $"SSL ca {ca} holds no certificate";
                    return null;
                }
            }
            if (ssl.Certificate is null)
                return Anonymous;
            var keyFile = ssl.Key ?? ssl.Certificate;
            var leaf = ssl.Password is { } password
                ? X509Certificate2.CreateFromEncryptedPemFile(ssl.Certificate, password, keyFile)
                : X509Certificate2.CreateFromPemFile(ssl.Certificate, keyFile);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(ssl.Certificate);
            var intermediates = new X509Certificate2Collection();
            foreach (var c in chain.Skip(1))
                intermediates.Add(c);
            return new SslClientSettings(SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"SSL block cannot be loaded: {e.Message}";
            return null;
        }
    }

    /// <summary>The handshake options; <paramref name="sni"/> null sends no server name.</summary>
    public SslClientAuthenticationOptions Options(string? sni) => new()
    {
        TargetHost = sni ?? string.Empty,
        ClientCertificateContext = _clientCertificate,
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };
}

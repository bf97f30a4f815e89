using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// What an HTTP_GET/SSL_GET request says, byte for byte as keepalived 2.2.7 check_http.c
/// <c>http_request_thread</c> writes it (<c>request_template</c>/<c>request_template_ipv6</c>):
/// <c>GET path HTTP/1.x</c>, <c>User-Agent: KeepAliveClient</c>, <c>Connection: close</c> for 1.0C and 1.1, and a
/// Host header that is the virtualhost or else the target address and port (IPv6 in brackets).
/// </summary>
public static class HttpCheckTarget
{
    /// <summary>The Host header value: the virtualhost as written (keepalived adds no port to it), else
    /// <c>address:port</c> / <c>[v6address]:port</c>.</summary>
    public static string HostHeader(string? virtualhost, IPEndPoint target)
    {
        if (virtualhost is not null)
            return virtualhost;
        return target.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{target.Address}]:{target.Port}"
            : $"{target.Address}:{target.Port}";
    }

    /// <summary>The virtualhost of one url (http_request_thread): the url's, else the checker's, else the real
    /// server's, else the virtual server's. <paramref name="checkerOrInherited"/> is the bound checker value, which
    /// already falls back to the real and virtual servers.</summary>
    public static string? Virtualhost(string? url, string? checkerOrInherited, string? realServer, string? virtualServer) =>
        url ?? checkerOrInherited ?? realServer ?? virtualServer;

    /// <summary>The SNI name (check_ssl.c <c>ssl_connect</c>): only with <c>enable_sni</c>; the url's virtualhost, else the
    /// checker's own, else the virtual server's — keepalived skips the real server's here, unlike the Host header;
    /// none when all are unset (keepalived then sends no SNI). The bound checker value already falls back to the real
    /// server's, so a checker value equal to the real server's is read as inherited.</summary>
    public static string? SniName(bool enableSni, string? url, string? checkerOrInherited, string? realServer, string? virtualServer)
    {
        if (!enableSni)
            return null;
        var own = realServer is not null && checkerOrInherited == realServer ? null : checkerOrInherited;
        return url ?? own ?? virtualServer;
    }

    /// <summary>The request bytes. <paramref name="protocol"/> is the bound http_protocol: "1.0", "1.0C" or "1.1".</summary>
    public static byte[] Request(string path, string protocol, string host)
    {
        int minor = protocol == "1.1" ? 1 : 0;
        string connection = protocol is "1.0C" or "1.1" ? "Connection: close\r\n" : string.Empty;
        return Encoding.UTF8.GetBytes($"GET {path} HTTP/1.{minor}\r\nUser-Agent: KeepAliveClient\r\n{connection}Host: {host}\r\n\r\n");
    }
}

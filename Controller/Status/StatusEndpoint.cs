using System.Globalization;
using System.Net;

namespace KeepAlive.Controller.Status;

/// <summary>
/// The <c>--http ADDR:PORT</c> value, and the bind policy. Policy: the endpoint is off unless asked for; any address
/// may be given (the operator names it), but only a loopback address is quiet — anything else (a LAN address,
/// 0.0.0.0, ::) gets a warning at start, because /status and /metrics have no authentication. Neither ever contains
/// a secret (no authentication passwords), and the server only answers GET/HEAD on two paths.
/// </summary>
public static class StatusEndpoint
{
    /// <summary>Parses "127.0.0.1:9650", "[::1]:9650" or "0.0.0.0:9650" (port 1..65535).</summary>
    public static bool TryParse(string? text, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "expected ADDR:PORT, e.g. 127.0.0.1:9650 or [::1]:9650";
            return false;
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not ADDR:PORT (e.g. 127.0.0.1:9650 or [::1]:9650)";
            return false;
        }
        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':'))
        {
            error = $"'{text}': write an IPv6 address in brackets, e.g. [::1]:9650";
            return false;
        }
        if (!IPAddress.TryParse(host, out var address) || host.Contains('%'))
        {
            error = $"'{host}' is not an IP address";
            return false;
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"'{portText}' is not a port (1..65535)";
            return false;
        }
        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>The warning to log when binding <paramref name="endpoint"/>, or null for a loopback address.</summary>
    public static string? BindWarning(IPEndPoint endpoint) => IPAddress.IsLoopback(endpoint.Address)
        ? null
        : $"the status endpoint listens on {endpoint}, which is not a loopback address: /status and /metrics have no authentication (they contain no secrets); restrict access with a firewall";
}

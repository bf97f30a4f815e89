using System.Globalization;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>keepalived 2.2.7's FMT_VS and FMT_RS (check/check_data.c format_vs, format_rs; lib/utils.c
/// inet_sockaddrtotrio_r), used in its log lines and notify FIFO lines: <c>[10.0.0.1]:tcp:80</c>, <c>FWM 7</c>,
/// <c>[group]:0</c> for a virtual_server_group; a real server is <c>[addr]:proto:port</c> with its virtual server's
/// protocol. Pure.</summary>
public static class LvsText
{
    public static string VirtualServer(VirtualServerConfig vs)
    {
        ArgumentNullException.ThrowIfNull(vs);
        return vs.Key switch
        {
            VirtualServerKey.Address a => Trio(a.Ip.ToString(), a.Protocol, a.Port),
            VirtualServerKey.Fwmark f => string.Create(CultureInfo.InvariantCulture, $"FWM {f.Mark}"),
            VirtualServerKey.Group g => $"[{g.Name}]:0",
            _ => vs.Key.ToString(),
        };
    }

    public static string RealServer(VirtualServerConfig vs, RealServerKey rs)
    {
        ArgumentNullException.ThrowIfNull(vs);
        ArgumentNullException.ThrowIfNull(rs);
        return Trio(rs.Address.ToString(), Protocol(vs), rs.Port);
    }

    /// <summary>The virtual server's protocol (an address key's own, else the configured one).</summary>
    public static LvsProtocol Protocol(VirtualServerConfig vs) => vs.Key switch
    {
        VirtualServerKey.Address a => a.Protocol,
        VirtualServerKey.Group g => g.Protocol,
        _ => vs.Protocol,
    };

    private static string Trio(string address, LvsProtocol protocol, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"[{address}]:{protocol.ToString().ToLowerInvariant()}:{port}");
}

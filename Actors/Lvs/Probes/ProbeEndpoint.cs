using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// Where one checker connects and how (keepalived 2.2.7 conn_opts_t, layer4.c socket_bind_connect): the target is
/// <c>connect_ip</c>/<c>connect_port</c> or else the real server's address/port; the local end is <c>bindto</c> /
/// <c>bind_port</c>; <c>bind_if</c> is SO_BINDTODEVICE; <c>fwmark</c> is SO_MARK; <see cref="Timeout"/> is
/// <c>connect_timeout</c>, which keepalived applies to the connect and to every read and write after it.
/// </summary>
public sealed record ProbeEndpoint(IPEndPoint Remote, IPEndPoint? Local, string? BindInterface, uint? Fwmark, TimeSpan Timeout)
{
    /// <summary>keepalived's FMT_CHK style: <c>[10.0.0.2]:80</c>.</summary>
    public string Label => $"[{Remote.Address}]:{Remote.Port}";

    /// <summary>The endpoint of a checker's connection options. Fails (with the reason) when the local address is of
    /// another family than the target, or a port is outside 0..65535: keepalived cannot bind such a socket either.</summary>
    public static ProbeEndpoint? TryFrom(CheckerCommon common, RealServerConfig realServer, out string? error)
    {
        var address = common.ConnectIp ?? realServer.Address;
        int port = common.ConnectPort ?? realServer.Port;
        error = null;
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            error = $"connect port {port} is outside 0..65535";
            return null;
        }
        IPEndPoint? local = null;
        if (common.BindTo is not null || common.BindPort is not null)
        {
            var bindAddress = common.BindTo ?? (address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
            if (bindAddress.AddressFamily != address.AddressFamily)
            {
                error = $"bindto {bindAddress} is not of the family of the target {address}";
                return null;
            }
            int bindPort = common.BindPort ?? 0;
            if (bindPort is < 0 or > IPEndPoint.MaxPort)
            {
                error = $"bind_port {bindPort} is outside 0..65535";
                return null;
            }
            local = new IPEndPoint(bindAddress, bindPort);
        }
        var timeout = common.ConnectTimeout > TimeSpan.Zero ? common.ConnectTimeout : TimeSpan.FromSeconds(5);
        return new ProbeEndpoint(new IPEndPoint(address, port), local, common.BindInterface, common.Fwmark is 0 ? null : common.Fwmark, timeout);
    }
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// Where a connecting checker sends and what it binds to: keepalived's <c>conn_opts_t</c> (check_api.c
/// check_conn_opts, layer4.c socket_bind_connect). The remote is connect_ip/connect_port, which the config binder
/// already defaulted to the real server's address and port; <c>bindto</c>/<c>bind_port</c> give the local address
/// (bind_port alone binds the wildcard address of the target's family); <c>bind_if</c> is SO_BINDTODEVICE;
/// <c>fwmark</c> is SO_MARK; <c>connect_timeout</c> bounds the whole check.
/// </summary>
/// <param name="Remote">The target.</param>
/// <param name="Local">The address to bind, or null to let the kernel choose.</param>
/// <param name="Interface">bind_if, or null.</param>
/// <param name="Fwmark">fwmark, or null (0 means none, as keepalived's <c>if (co->fwmark)</c>).</param>
/// <param name="Timeout">connect_timeout: the whole check.</param>
public sealed record ProbeTarget(IPEndPoint Remote, IPEndPoint? Local, string? Interface, uint? Fwmark, TimeSpan Timeout)
{
    /// <summary>The target of <paramref name="common"/>; null with <paramref name="error"/> when it cannot be used
    /// (a bind address of the other family than the target, which keepalived's check_conn_opts also refuses).</summary>
    /// <param name="common">The checker's effective options.</param>
    /// <param name="realServer">Gives the address when the binder left none (it always sets one).</param>
    /// <param name="port">The port when connect_port is unset (PING_CHECK has none: 0).</param>
    /// <param name="error">Why the options cannot be used.</param>
    public static ProbeTarget? From(CheckerCommon common, RealServerConfig realServer, int port, out string? error)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(realServer);
        var address = common.ConnectIp ?? realServer.Address;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var remote = new IPEndPoint(address, Math.Clamp(common.ConnectPort ?? port, 0, 65535));
        IPEndPoint? local = null;
        if (common.BindTo is { } bind)
        {
            if (bind.IsIPv4MappedToIPv6)
                bind = bind.MapToIPv4();
            if (bind.AddressFamily != address.AddressFamily)
            {
                error = $"bindto {bind} is not of the family of the target {address}";
                return null;
            }
            local = new IPEndPoint(bind, Math.Clamp(common.BindPort ?? 0, 0, 65535));
        }
        else if (common.BindPort is { } bindPort)
        {
            var any = address.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
            local = new IPEndPoint(any, Math.Clamp(bindPort, 0, 65535));
        }
        error = null;
        var timeout = common.ConnectTimeout > TimeSpan.Zero ? common.ConnectTimeout : TimeSpan.FromSeconds(5);
        return new ProbeTarget(remote, local, common.BindInterface, common.Fwmark is 0 ? null : common.Fwmark, timeout);
    }

    /// <summary>
    /// The target of a connecting checker, with the options keepalived 2.2.7 applies for its kind; a failure names the
    /// kind. The default port is the real server's. What keepalived ignores is ignored, so a configuration behaves as
    /// it does there (a stale bindto keepalived never used must not take servers down here):
    /// <list type="bullet">
    /// <item>PING_CHECK (check_ping.c, a plain ping socket): no port, and bindto, bind_port, fwmark and bind_if are not
    /// used;</item>
    /// <item>UDP_CHECK (layer4.c udp_bind_connect): bind_if is not used.</item>
    /// </list>
    /// One exception, which only makes work what cannot work there: an IPv6 link-local target is reached through its
    /// bind_if (keepalived requires bind_if for one, then sends without a scope, which the kernel refuses).
    /// </summary>
    public static ProbeTarget? Of(CheckerConfig checker, ProbeContext context, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        var common = checker.Common;
        var address = common.ConnectIp ?? context.RealServer.Address;
        var linkLocalInterface = address.IsIPv6LinkLocal ? common.BindInterface : null;
        common = checker switch
        {
            PingCheckConfig => common with { ConnectPort = null, BindTo = null, BindPort = null, Fwmark = null, BindInterface = linkLocalInterface },
            UdpCheckConfig => common with { BindInterface = linkLocalInterface },
            _ => common,
        };
        var target = From(common, context.RealServer, checker is PingCheckConfig ? 0 : context.RealServer.Port, out error);
        if (target is null)
            error = $"{checker.Kind}: {error}";
        return target;
    }

    /// <summary>keepalived's FMT_CHK: <c>[10.0.0.2]:udp:53</c>; without a port (PING_CHECK) <c>[10.0.0.2]</c>.</summary>
    public string Describe(string protocol) =>
        protocol.Length == 0 ? $"[{Remote.Address}]" : $"[{Remote.Address}]:{protocol}:{Remote.Port}";
}

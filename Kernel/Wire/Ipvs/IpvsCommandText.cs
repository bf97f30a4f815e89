using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>
/// One IPVS change as the <c>ipvsadm</c> command line that would make it, numeric and in a fixed option order, so a
/// <c>--dry-run</c> log can be compared line by line with <c>ipvsadm -Ln</c> (docs/dry-run.md). Pure; never throws on
/// a record the types allow.
/// <list type="bullet">
/// <item>Service: <c>-A|-E|-D</c>, then <c>-t|-u|--sctp-service ADDR:PORT</c> or <c>-f MARK</c> (with <c>-6</c> for an
/// IPv6 firewall-mark service), then for -A/-E <c>-s SCHED</c>, <c>-b FLAGS</c>, <c>-p SECONDS</c>, <c>-M MASK</c>,
/// <c>-o</c>, <c>--pe NAME</c> when set.</item>
/// <item>Destination: <c>-a|-e|-d</c>, the service, <c>-r ADDR:PORT</c>, then for -a/-e <c>-m|-g|-i</c> (NAT, DR,
/// tunnel), <c>-w WEIGHT</c>, <c>-x UPPER</c>, <c>-y LOWER</c> when not 0, and the tunnel options of a GUE/GRE tunnel.</item>
/// <item>An IPv6 address is written in brackets, as ipvsadm prints it.</item>
/// </list>
/// </summary>
public static class IpvsCommandText
{
    public static string AddService(IpvsService service) => Service("-A", service, settings: true);

    public static string EditService(IpvsService service) => Service("-E", service, settings: true);

    public static string DeleteService(IpvsService service) => Service("-D", service, settings: false);

    public static string AddDestination(IpvsService service, IpvsDestination destination) => Destination("-a", service, destination, settings: true);

    public static string EditDestination(IpvsService service, IpvsDestination destination) => Destination("-e", service, destination, settings: true);

    public static string DeleteDestination(IpvsService service, IpvsDestination destination) => Destination("-d", service, destination, settings: false);

    /// <summary><c>ipvsadm --set TCP TCPFIN UDP</c> (0 leaves a value unchanged).</summary>
    public static string SetTimeouts(IpvsTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        return string.Create(CultureInfo.InvariantCulture, $"ipvsadm --set {timeouts.Tcp} {timeouts.TcpFin} {timeouts.Udp}");
    }

    /// <summary><c>ipvsadm --start-daemon master|backup --mcast-interface IF --syncid N</c> and the optional fields.</summary>
    public static string StartDaemon(IpvsDaemon daemon)
    {
        ArgumentNullException.ThrowIfNull(daemon);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"ipvsadm --start-daemon {State(daemon.State)} --mcast-interface {daemon.Interface} --syncid {daemon.SyncId}"));
        if (daemon.MaxLength is { } maxLength)
            text.Append(CultureInfo.InvariantCulture, $" --sync-maxlen {maxLength}");
        if (daemon.Group is { } group)
            text.Append(CultureInfo.InvariantCulture, $" --mcast-group {group}");
        if (daemon.Port is { } port)
            text.Append(CultureInfo.InvariantCulture, $" --mcast-port {port}");
        if (daemon.Ttl is { } ttl)
            text.Append(CultureInfo.InvariantCulture, $" --mcast-ttl {ttl}");
        return text.ToString();
    }

    public static string StopDaemon(IpvsSyncState state) => $"ipvsadm --stop-daemon {State(state)}";

    /// <summary>The service's identity as ipvsadm's options: <c>-t 10.0.0.1:80</c>, <c>-u [2001:db8::1]:53</c>,
    /// <c>--sctp-service ...</c>, <c>-f 7</c> or <c>-f 7 -6</c>.</summary>
    public static string ServiceOptions(IpvsService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.IsFirewallMark)
            return string.Create(CultureInfo.InvariantCulture, $"-f {service.FirewallMark}{(service.Family == AddressFamily.InterNetworkV6 ? " -6" : "")}");
        var option = service.Protocol switch
        {
            IpvsProtocol.Tcp => "-t",
            IpvsProtocol.Udp => "-u",
            IpvsProtocol.Sctp => "--sctp-service",
            _ => "--protocol-" + ((ushort)service.Protocol).ToString(CultureInfo.InvariantCulture),
        };
        return $"{option} {Endpoint(service.Address, service.Port)}";
    }

    /// <summary><c>10.0.0.1:80</c> or <c>[2001:db8::1]:80</c>; a missing address is <c>0.0.0.0</c>.</summary>
    public static string Endpoint(IPAddress? address, ushort port)
    {
        var text = address?.ToString() ?? "0.0.0.0";
        return address?.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{text}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{text}:{port}");
    }

    private static string Service(string command, IpvsService service, bool settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        var text = new StringBuilder($"ipvsadm {command} {ServiceOptions(service)}");
        if (!settings)
            return text.ToString();
        text.Append(" -s ").Append(service.Scheduler);
        if (Flags(service.SchedulerFlags) is { } flags)
            text.Append(" -b ").Append(flags);
        if (service.PersistenceTimeout is { } timeout)
        {
            text.Append(CultureInfo.InvariantCulture, $" -p {timeout}");
            if (Netmask(service) is { } mask)
                text.Append(" -M ").Append(mask);
        }
        if (service.OnePacket)
            text.Append(" -o");
        if (!string.IsNullOrEmpty(service.PersistenceEngine))
            text.Append(" --pe ").Append(service.PersistenceEngine);
        return text.ToString();
    }

    private static string Destination(string command, IpvsService service, IpvsDestination destination, bool settings)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(destination);
        var text = new StringBuilder($"ipvsadm {command} {ServiceOptions(service)} -r {Endpoint(destination.Address, destination.Port)}");
        if (!settings)
            return text.ToString();
        text.Append(destination.Forwarding switch
        {
            IpvsForwarding.DirectRoute => " -g",
            IpvsForwarding.Tunnel => " -i",
            IpvsForwarding.Local => " --local",
            _ => " -m",
        });
        text.Append(CultureInfo.InvariantCulture, $" -w {destination.Weight}");
        if (destination.UpperThreshold != 0)
            text.Append(CultureInfo.InvariantCulture, $" -x {destination.UpperThreshold}");
        if (destination.LowerThreshold != 0)
            text.Append(CultureInfo.InvariantCulture, $" -y {destination.LowerThreshold}");
        if (destination.Forwarding == IpvsForwarding.Tunnel && destination.TunnelType != IpvsTunnelType.Ipip)
        {
            text.Append(destination.TunnelType == IpvsTunnelType.Gue ? " --tun-type gue" : " --tun-type gre");
            if (destination.TunnelType == IpvsTunnelType.Gue)
                text.Append(CultureInfo.InvariantCulture, $" --tun-port {destination.TunnelPort}");
            text.Append(destination.TunnelChecksum switch
            {
                IpvsTunnelChecksum.Checksum => " --tun-csum",
                IpvsTunnelChecksum.RemoteChecksum => " --tun-remcsum",
                _ => " --tun-nocsum",
            });
        }
        return text.ToString();
    }

    private static string? Flags(IpvsSchedulerFlags flags)
    {
        var names = new List<string>(3);
        if (flags.HasFlag(IpvsSchedulerFlags.ShFallback))
            names.Add("flag-1");
        if (flags.HasFlag(IpvsSchedulerFlags.ShPort))
            names.Add("flag-2");
        if (flags.HasFlag(IpvsSchedulerFlags.Flag3))
            names.Add("flag-3");
        return names.Count == 0 ? null : string.Join(',', names);
    }

    /// <summary>ipvsadm -M: a dotted mask for IPv4, a prefix length for IPv6; nothing for the full length.</summary>
    private static string? Netmask(IpvsService service)
    {
        if (service.NetmaskPrefixLength is not { } prefix)
            return null;
        if (service.Family == AddressFamily.InterNetworkV6)
            return prefix >= 128 ? null : prefix.ToString(CultureInfo.InvariantCulture);
        if (prefix >= 32)
            return null;
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new IPAddress([(byte)(mask >> 24), (byte)(mask >> 16), (byte)(mask >> 8), (byte)mask]).ToString();
    }

    private static string State(IpvsSyncState state) => state switch
    {
        IpvsSyncState.Master => "master",
        IpvsSyncState.Backup => "backup",
        _ => ((int)state).ToString(CultureInfo.InvariantCulture),
    };
}

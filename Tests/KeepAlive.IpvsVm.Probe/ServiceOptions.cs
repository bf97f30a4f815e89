using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;
using static KeepAlive.IpvsVm.Probe.IpvsadmCommand;

namespace KeepAlive.IpvsVm.Probe;

/// <summary>The options of one ipvsadm command line, gathered before the service and real server are built.</summary>
internal sealed class ServiceOptions
{
    private IpvsProtocol _protocol;
    private string? _endpoint;
    private uint _mark;
    private bool _ipv6;
    private string _scheduler = "wlc";
    private uint? _persistence;
    private string? _netmask;
    private IpvsSchedulerFlags _flags;
    private bool _onePacket;
    private string? _engine;
    private string? _real;
    private IpvsForwarding _forwarding = IpvsForwarding.DirectRoute;
    private int _weight = 1;
    private uint _upper;
    private uint _lower;
    private IpvsTunnelType _tunnel;
    private ushort _tunnelPort;
    private IpvsTunnelChecksum _checksum;

    public void Read(string option, Queue<string> args)
    {
        switch (option)
        {
            case "-t": (_protocol, _endpoint) = (IpvsProtocol.Tcp, Next(args, "-t address:port")); break;
            case "-u": (_protocol, _endpoint) = (IpvsProtocol.Udp, Next(args, "-u address:port")); break;
            case "--sctp-service": (_protocol, _endpoint) = (IpvsProtocol.Sctp, Next(args, "address:port")); break;
            case "-f": _mark = Number(Next(args, "-f mark")); break;
            case "-6": _ipv6 = true; break;
            case "-s": _scheduler = Next(args, "-s scheduler"); break;
            case "-p": _persistence = args.TryPeek(out var next) && !next.StartsWith('-') ? Number(args.Dequeue()) : 300; break;
            case "-M": _netmask = Next(args, "-M netmask"); break;
            case "-b": _flags = SchedulerFlags(Next(args, "-b flags")); break;
            case "-o": _onePacket = true; break;
            case "--pe": _engine = Next(args, "--pe engine"); break;
            case "-r": _real = Next(args, "-r address[:port]"); break;
            case "-g": _forwarding = IpvsForwarding.DirectRoute; break;
            case "-i": _forwarding = IpvsForwarding.Tunnel; break;
            case "-m": _forwarding = IpvsForwarding.Masquerade; break;
            case "-w": _weight = (int)Number(Next(args, "-w weight")); break;
            case "-x": _upper = Number(Next(args, "-x upper threshold")); break;
            case "-y": _lower = Number(Next(args, "-y lower threshold")); break;
            case "--tun-type": _tunnel = Enum.Parse<IpvsTunnelType>(Next(args, "--tun-type"), ignoreCase: true); break;
            case "--tun-port": _tunnelPort = checked((ushort)Number(Next(args, "--tun-port"))); break;
            case "--tun-nocsum": _checksum = IpvsTunnelChecksum.NoChecksum; break;
            case "--tun-csum": _checksum = IpvsTunnelChecksum.Checksum; break;
            case "--tun-remcsum": _checksum = IpvsTunnelChecksum.RemoteChecksum; break;
            default: throw new FormatException($"unknown option {option}");
        }
    }

    public IpvsService? Service(bool required)
    {
        IpvsService service;
        if (_mark != 0)
        {
            service = new IpvsService { Family = _ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, FirewallMark = _mark };
        }
        else if (_endpoint is not null)
        {
            var (address, port) = Endpoint(_endpoint, null);
            service = new IpvsService { Family = address.AddressFamily, Protocol = _protocol, Address = address, Port = port };
        }
        else
        {
            return required ? throw new FormatException("no service (-t, -u, --sctp-service or -f)") : null;
        }
        return service with
        {
            Scheduler = _scheduler,
            SchedulerFlags = _flags,
            PersistenceTimeout = _persistence,
            NetmaskPrefixLength = _netmask is null ? null : Prefix(_netmask),
            OnePacket = _onePacket,
            PersistenceEngine = _engine,
        };
    }

    /// <summary>The real server; for <paramref name="addOrEdit"/> with -g or -i on an address service, at the service's
    /// port whatever -r said (ipvsadm 1.31: only NAT may change the port).</summary>
    public IpvsDestination Destination(IpvsService service, bool addOrEdit)
    {
        var (address, port) = Endpoint(_real ?? throw new FormatException("no real server (-r)"), service.Port);
        if (addOrEdit && !service.IsFirewallMark && _forwarding is IpvsForwarding.DirectRoute or IpvsForwarding.Tunnel)
            port = service.Port;
        return new IpvsDestination(address, port)
        {
            Forwarding = _forwarding,
            Weight = _weight,
            UpperThreshold = _upper,
            LowerThreshold = _lower,
            TunnelType = _tunnel,
            TunnelPort = _tunnelPort,
            TunnelChecksum = _checksum,
        };
    }

    /// <summary>ipvsadm -M: a dotted mask for IPv4, a prefix length for IPv6.</summary>
    private static byte Prefix(string netmask) => netmask.Contains('.', StringComparison.Ordinal)
        ? (byte)IPAddress.Parse(netmask).GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b))
        : checked((byte)Number(netmask));

    private static IpvsSchedulerFlags SchedulerFlags(string list) => list.Split(',').Aggregate(IpvsSchedulerFlags.None, (flags, name) => flags | name switch
    {
        "sh-fallback" or "mh-fallback" or "flag-1" => IpvsSchedulerFlags.ShFallback,
        "sh-port" or "mh-port" or "flag-2" => IpvsSchedulerFlags.ShPort,
        "flag-3" => IpvsSchedulerFlags.Flag3,
        _ => throw new FormatException($"unknown scheduler flag {name}"),
    });
}

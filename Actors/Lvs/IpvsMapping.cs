using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Lvs;

/// <summary>The IPVS services a virtual_server stands for (several for a virtual_server_group), with what was
/// corrected or skipped on the way.</summary>
public sealed record MappedVirtualServer(ImmutableArray<IpvsService> Services, ImmutableArray<string> Warnings);

/// <summary>
/// Config records → the IPVS records the kernel is given (keepalived 2.2.7 check/ipvswrapper.c ipvs_set_srule,
/// ipvs_set_drule, ipvs_cmd, ipvs_group_range_cmd; check/check_parser.c lbflags_handler, pgr_handler; check/check_data.c
/// check_check_config's port and persistence corrections). Pure; never throws on what the binder let through.
/// </summary>
public static class IpvsMapping
{
    /// <summary>keepalived 2.2.7's scheduler names (check_parser.c lvs_schedulers).</summary>
    public static readonly ImmutableArray<string> Schedulers = ["rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos"];

    /// <summary>keepalived's default persistence (IPVS_SVC_PERSISTENT_TIMEOUT) and its ceiling (31 days).</summary>
    public const uint DefaultPersistenceSeconds = 360;

    public const uint MaxPersistenceSeconds = 2678400;

    /// <summary>A virtual_server_group expands to at most this many services; the rest is skipped with a warning.</summary>
    public const int MaxGroupServices = 65536;

    /// <summary>The services of a virtual server.</summary>
    public static MappedVirtualServer Services(VirtualServerConfig vs, IEnumerable<VirtualServerGroupConfig> groups)
    {
        ArgumentNullException.ThrowIfNull(vs);
        ArgumentNullException.ThrowIfNull(groups);
        var warnings = ImmutableArray.CreateBuilder<string>();
        var bases = new List<IpvsService>();
        var zeroPort = false;
        switch (vs.Key)
        {
            case VirtualServerKey.Address a:
                if (Service(a.Ip, a.Port, a.Protocol, warnings) is { } s)
                {
                    bases.Add(s);
                    zeroPort = s.Port == 0;
                }
                break;
            case VirtualServerKey.Fwmark f:
                if (f.Mark == 0)
                    warnings.Add("fwmark 0 is not a firewall mark; no service");
                else
                    bases.Add(Fwmark(f.Mark, f.IPv6));
                break;
            case VirtualServerKey.Group g:
                var group = groups.FirstOrDefault(x => x is not null && string.Equals(x.Name, g.Name, StringComparison.Ordinal));
                if (group is null)
                {
                    warnings.Add($"virtual_server_group {g.Name} is not defined; no service");
                    break;
                }
                zeroPort = ExpandGroup(group, g.Protocol, vs.IPv6Family, bases, warnings);
                break;
        }
        var common = Common(vs, zeroPort, warnings);
        var services = bases.Select(b => Apply(b, common, warnings)).ToImmutableArray();
        return new MappedVirtualServer(services, warnings.Distinct().ToImmutableArray());
    }

    /// <summary>The destination of a real (or sorry) server on one service: NAT keeps the server's port (the service's
    /// when 0); DR and TUN use the service's port, and 0 on a firewall-mark service (ipvs_cmd).</summary>
    public static IpvsDestination Destination(IpvsService service, IPAddress address, int port, ForwardingConfig? forwarding, long upperThreshold, long lowerThreshold, int weight)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(address);
        forwarding ??= ForwardingConfig.Nat;
        var own = port is > 0 and <= ushort.MaxValue ? (ushort)port : (ushort)0;
        var servicePort = service.IsFirewallMark ? (ushort)0 : service.Port;
        var dport = forwarding.Method == ForwardingMethod.Nat ? (own != 0 ? own : servicePort) : servicePort;
        var tunnel = forwarding.Method == ForwardingMethod.Tunnel;
        return new IpvsDestination(address, dport)
        {
            Forwarding = forwarding.Method switch
            {
                ForwardingMethod.DirectRouting => IpvsForwarding.DirectRoute,
                ForwardingMethod.Tunnel => IpvsForwarding.Tunnel,
                _ => IpvsForwarding.Masquerade,
            },
            Weight = Math.Max(0, weight),
            TunnelType = !tunnel ? IpvsTunnelType.Ipip : forwarding.TunnelType switch
            {
                TunnelType.Gue => IpvsTunnelType.Gue,
                TunnelType.Gre => IpvsTunnelType.Gre,
                _ => IpvsTunnelType.Ipip,
            },
            TunnelPort = tunnel && forwarding.TunnelType == TunnelType.Gue && forwarding.TunnelPort is > 0 and <= ushort.MaxValue ? (ushort)forwarding.TunnelPort.Value : (ushort)0,
            TunnelChecksum = !tunnel ? IpvsTunnelChecksum.NoChecksum : forwarding.Checksum switch
            {
                TunnelChecksum.Csum => IpvsTunnelChecksum.Checksum,
                TunnelChecksum.RemCsum => IpvsTunnelChecksum.RemoteChecksum,
                _ => IpvsTunnelChecksum.NoChecksum,
            },
            UpperThreshold = (uint)Math.Clamp(upperThreshold, 0, uint.MaxValue),
            LowerThreshold = (uint)Math.Clamp(lowerThreshold, 0, uint.MaxValue),
        };
    }

    /// <summary>The desired table of a virtual server: every service with the pool <see cref="QuorumPolicy.Desired"/>
    /// chose, each server laid on each service with its own forwarding and thresholds.</summary>
    public static ImmutableArray<IpvsServiceState> Table(VirtualServerConfig vs, IEnumerable<IpvsService> services, IEnumerable<DesiredDestination> pool)
    {
        ArgumentNullException.ThrowIfNull(vs);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(pool);
        var byKey = new Dictionary<RealServerKey, RealServerConfig>();
        foreach (var rs in vs.RealServers)
            byKey.TryAdd(rs.Key, rs);
        var entries = pool.ToList();
        return services.Select(service => new IpvsServiceState(service, entries.Select(d => DestinationOf(vs, byKey, service, d)).OfType<IpvsDestination>().ToList())).ToImmutableArray();
    }

    private static IpvsDestination? DestinationOf(VirtualServerConfig vs, Dictionary<RealServerKey, RealServerConfig> byKey, IpvsService service, DesiredDestination d)
    {
        if (d.IsSorry)
            return vs.SorryServer is { } s ? Destination(service, s.Address, s.Port, s.Forwarding ?? vs.Forwarding, 0, 0, d.Weight) : null;
        return byKey.TryGetValue(d.Server, out var rs)
            ? Destination(service, rs.Address, rs.Port, rs.Forwarding, rs.UpperThreshold, rs.LowerThreshold, d.Weight)
            : null;
    }

    private sealed record CommonSettings(string Scheduler, IpvsSchedulerFlags Flags, bool OnePacket, uint? Persistence, string? Granularity, string? Engine);

    private static CommonSettings Common(VirtualServerConfig vs, bool zeroPort, ImmutableArray<string>.Builder warnings)
    {
        var scheduler = vs.Scheduler;
        if (!Schedulers.Contains(scheduler ?? ""))
        {
            warnings.Add($"invalid lvs_sched '{scheduler}'; using wlc");
            scheduler = "wlc";
        }
        var flags = IpvsSchedulerFlags.None;
        var onePacket = vs.OnePacketScheduling;
        foreach (var flag in vs.SchedulerFlags)
        {
            switch (flag)
            {
                case "ops": onePacket = true; break;
                case "hashed": break; // lbflags_handler: no effect in 2.2.7
                case "flag-1": flags |= IpvsSchedulerFlags.ShFallback; break;
                case "flag-2": flags |= IpvsSchedulerFlags.ShPort; break;
                case "flag-3": flags |= IpvsSchedulerFlags.Flag3; break;
                case "sh-fallback" when scheduler == "sh":
                case "mh-fallback" when scheduler == "mh":
                    flags |= IpvsSchedulerFlags.ShFallback; break;
                case "sh-port" when scheduler == "sh":
                case "mh-port" when scheduler == "mh":
                    flags |= IpvsSchedulerFlags.ShPort; break;
                default: warnings.Add($"scheduler flag '{flag}' does not apply to {scheduler}; ignored"); break;
            }
        }
        uint? persistence = null;
        if (vs.PersistenceTimeout is { } t && t > TimeSpan.Zero)
            persistence = (uint)Math.Clamp(Math.Ceiling(t.TotalSeconds), 1, MaxPersistenceSeconds);
        if (persistence is null && vs.PersistenceGranularity is not null)
            persistence = DefaultPersistenceSeconds;
        if (persistence is null && zeroPort)
        {
            warnings.Add("zero port only valid for persistent services; persistence_timeout 360 is used");
            persistence = DefaultPersistenceSeconds;
        }
        return new CommonSettings(scheduler!, flags, onePacket, persistence, vs.PersistenceGranularity, string.IsNullOrEmpty(vs.PersistenceEngine) ? null : vs.PersistenceEngine);
    }

    private static IpvsService Apply(IpvsService service, CommonSettings c, ImmutableArray<string>.Builder warnings)
    {
        var onePacket = c.OnePacket;
        if (onePacket && !service.IsFirewallMark && service.Protocol != IpvsProtocol.Udp)
        {
            warnings.Add("one packet scheduling requires UDP; not set");
            onePacket = false;
        }
        byte? prefix = null;
        if (c.Persistence is not null && c.Granularity is { } g)
        {
            prefix = Prefix(g, service.Family);
            if (prefix is null)
                warnings.Add($"persistence_granularity {g} does not fit a {(service.Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")} service; ignored");
        }
        return service with
        {
            Scheduler = c.Scheduler,
            SchedulerFlags = c.Flags,
            OnePacket = onePacket,
            PersistenceTimeout = c.Persistence,
            NetmaskPrefixLength = prefix,
            PersistenceEngine = c.Persistence is null ? null : c.Engine,
        };
    }

    /// <summary>A granularity as a prefix length: a solid IPv4 netmask (255.255.255.0) or a prefix length (1..128 for
    /// IPv6, 1..32 for IPv4).</summary>
    public static byte? Prefix(string granularity, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(granularity);
        var max = family == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (granularity.Contains('.', StringComparison.Ordinal))
        {
            if (family != AddressFamily.InterNetwork || !IPAddress.TryParse(granularity, out var mask) || mask.AddressFamily != AddressFamily.InterNetwork)
                return null;
            var bits = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask.GetAddressBytes());
            var ones = System.Numerics.BitOperations.LeadingZeroCount(~bits);
            var solid = ones == 32 || (bits << ones) == 0;
            return solid && ones > 0 ? (byte)ones : null;
        }
        return int.TryParse(granularity, NumberStyles.None, CultureInfo.InvariantCulture, out var len) && len >= 1 && len <= max ? (byte)len : null;
    }

    private static IpvsService? Service(IPAddress ip, int port, LvsProtocol protocol, ImmutableArray<string>.Builder warnings)
    {
        if (ip is null || ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            warnings.Add($"virtual server address {ip} is not IPv4 or IPv6; no service");
            return null;
        }
        if (port is < 0 or > ushort.MaxValue)
        {
            warnings.Add($"virtual server port {port} is out of range; no service");
            return null;
        }
        return new IpvsService
        {
            Family = ip.AddressFamily,
            Protocol = protocol switch
            {
                LvsProtocol.Tcp => IpvsProtocol.Tcp,
                LvsProtocol.Sctp => IpvsProtocol.Sctp,
                _ => IpvsProtocol.Udp,
            },
            Address = ip,
            Port = (ushort)port,
        };
    }

    private static IpvsService Fwmark(uint mark, bool ipv6) => new()
    {
        Family = ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
        Protocol = IpvsProtocol.None,
        FirewallMark = mark,
    };

    /// <summary>Expands a group into services (each address of each range, each fwmark); returns whether an address
    /// entry has port 0 (which makes the virtual server persistent).</summary>
    private static bool ExpandGroup(VirtualServerGroupConfig group, LvsProtocol protocol, bool ipv6Family, List<IpvsService> into, ImmutableArray<string>.Builder warnings)
    {
        var zeroPort = false;
        var visited = 0;
        var seen = new HashSet<IpvsServiceKey>();
        if (group.Entries.IsEmpty)
            warnings.Add($"virtual_server_group {group.Name} is empty; no service");
        foreach (var entry in group.Entries)
        {
            if (entry is null)
                continue;
            if (entry.Fwmark is { } mark)
            {
                if (mark == 0)
                    warnings.Add($"virtual_server_group {group.Name}: fwmark 0 skipped");
                else if (++visited > MaxGroupServices)
                    warnings.Add($"virtual_server_group {group.Name}: more than {MaxGroupServices} services; the rest is skipped");
                else
                    Add(Fwmark(mark, entry.FwmarkIPv6 ?? ipv6Family));
                continue;
            }
            if (entry.First is not { } first)
            {
                warnings.Add($"virtual_server_group {group.Name}: an entry has neither an address nor a fwmark; skipped");
                continue;
            }
            var last = entry.Last ?? first;
            if (first.AddressFamily != last.AddressFamily || first.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            {
                warnings.Add($"virtual_server_group {group.Name}: range {first}-{last} mixes families; skipped");
                continue;
            }
            if (entry.Port is < 0 or > ushort.MaxValue)
            {
                warnings.Add($"virtual_server_group {group.Name}: port {entry.Port} is out of range; skipped");
                continue;
            }
            var from = ToNumber(first);
            var to = ToNumber(last);
            if (to < from)
            {
                warnings.Add($"virtual_server_group {group.Name}: range {first}-{last} is reversed; skipped");
                continue;
            }
            for (var n = from; ; n++)
            {
                if (++visited > MaxGroupServices)
                {
                    warnings.Add($"virtual_server_group {group.Name}: more than {MaxGroupServices} services; the rest is skipped");
                    return zeroPort;
                }
                if (Service(FromNumber(n, first.AddressFamily), entry.Port, protocol, warnings) is { } s)
                {
                    zeroPort |= s.Port == 0;
                    Add(s);
                }
                if (n == to)
                    break;
            }
        }
        return zeroPort;

        void Add(IpvsService s)
        {
            if (seen.Add(IpvsServiceKey.Of(s)))
                into.Add(s);
            else
                warnings.Add($"virtual_server_group {group.Name}: {IpvsServiceKey.Of(s)} is listed twice");
        }
    }

    private static UInt128 ToNumber(IPAddress ip)
    {
        UInt128 n = 0;
        foreach (var b in ip.GetAddressBytes())
            n = (n << 8) | b;
        return n;
    }

    private static IPAddress FromNumber(UInt128 n, AddressFamily family)
    {
        var bytes = new byte[family == AddressFamily.InterNetworkV6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--, n >>= 8)
            bytes[i] = (byte)(n & 0xff);
        return new IPAddress(bytes);
    }
}

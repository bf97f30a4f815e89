using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Kernel.Ports;

/// <summary>
/// IPVS (the kernel's load balancer) as the netlink effector sees it: what ipvsadm can do, as values. Errors keep the
/// kernel's errno and ipvsadm's wording ("Service already exists", "No such destination"); the LVS reconciler decides
/// what they mean. A kernel without IPVS answers every call with <see cref="NotAvailable"/>.
/// </summary>
public interface IIpvsPort
{
    /// <summary>ENOPROTOOPT with the message users need.</summary>
    public static KernelResult NotAvailable { get; } = KernelResult.Fail(92, "IPVS is not available: load the ip_vs kernel module (modprobe ip_vs)");

    KernelResult Info(out IpvsInfo? info);

    KernelResult AddService(IpvsService service);

    KernelResult EditService(IpvsService service);

    KernelResult DeleteService(IpvsService service);

    KernelResult Flush();

    KernelResult AddDestination(IpvsService service, IpvsDestination destination);

    KernelResult EditDestination(IpvsService service, IpvsDestination destination);

    KernelResult DeleteDestination(IpvsService service, IpvsDestination destination);

    KernelResult Services(out IReadOnlyList<IpvsServiceEntry> services);

    KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations);

    KernelResult Timeouts(out IpvsTimeouts? timeouts);

    KernelResult SetTimeouts(IpvsTimeouts timeouts);

    /// <summary>Zeroes the counters of <paramref name="service"/>, or of everything when null.</summary>
    KernelResult Zero(IpvsService? service);

    KernelResult StartDaemon(IpvsDaemon daemon);

    KernelResult StopDaemon(IpvsSyncState state);

    KernelResult Daemons(out IReadOnlyList<IpvsDaemon> daemons);
}

/// <summary>The identity of a virtual service (what the kernel matches on), apart from its scheduling settings.</summary>
public readonly record struct IpvsServiceKey(System.Net.Sockets.AddressFamily Family, IpvsProtocol Protocol, System.Net.IPAddress? Address, ushort Port, uint FirewallMark)
{
    public static IpvsServiceKey Of(IpvsService s) =>
        s.IsFirewallMark ? new(s.Family, IpvsProtocol.None, null, 0, s.FirewallMark) : new(s.Family, s.Protocol, s.Address, s.Port, 0);
}

using KeepAlive.Kernel.Ports;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// <c>-a/--address-monitoring</c>: the kernel port with every address added or removed that the kernel reports to
/// the effector's subscription also written to the log (keepalived logs what netlink tells it).
/// </summary>
public sealed class AddressMonitorKernelPort(IKernelPort inner, Action<string> log) : IKernelPort
{
    public IIpvsPort Ipvs => inner.Ipvs;

    public IVipFirewall Firewall => inner.Firewall;

    public KernelResult Prepare(IReadOnlyCollection<string> interfaces) => inner.Prepare(interfaces);

    /// <summary>The log line of an event, or null for events that are not address changes.</summary>
    public static string? Describe(KernelEvent e) => e switch
    {
        KernelEvent.AddressAdded a => $"Netlink reports address {a.Address.Address}/{a.Address.PrefixLength} added on {a.Address.Interface}",
        KernelEvent.AddressRemoved r => $"Netlink reports address {r.Address.Address}/{r.Address.PrefixLength} removed from {r.Address.Interface}",
        _ => null,
    };

    public KernelResult AddAddress(InterfaceAddress address) => inner.AddAddress(address);

    public KernelResult RemoveAddress(InterfaceAddress address) => inner.RemoveAddress(address);

    public KernelResult AddRoute(RouteSpec route) => inner.AddRoute(route);

    public KernelResult RemoveRoute(RouteSpec route) => inner.RemoveRoute(route);

    public KernelResult AddRule(RuleSpec rule) => inner.AddRule(rule);

    public KernelResult RemoveRule(RuleSpec rule) => inner.RemoveRule(rule);

    public KernelResult CreateMacvlan(MacvlanSpec link) => inner.CreateMacvlan(link);

    public KernelResult DeleteLink(string name) => inner.DeleteLink(name);

    public KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame) => inner.SendFrame(interfaceName, frame);

    public KernelResult Links(out IReadOnlyList<LinkState> links) => inner.Links(out links);

    public KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses) => inner.Addresses(out addresses);

    public IDisposable Subscribe(Action<KernelEvent> onEvent) => inner.Subscribe(e =>
    {
        if (Describe(e) is { } line)
            log(line);
        onEvent(e);
    });
}

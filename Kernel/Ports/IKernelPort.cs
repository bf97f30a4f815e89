namespace KeepAlive.Kernel.Ports;

/// <summary>
/// The kernel as the netlink effector sees it (ARCHITECTURE.md "Boundaries"). Every call returns a value and never
/// throws. Adding what is already there and removing what is already gone succeed (a VIP add/remove is idempotent,
/// so a restarted effector can converge by repeating its desired state).
/// </summary>
public interface IKernelPort
{
    KernelResult AddAddress(InterfaceAddress address);

    /// <summary>Adds each address as <see cref="AddAddress"/> does and returns each one's result, in order; a failure
    /// stops none of the others. A port may apply them in one round trip (Linux: one netlink datagram).</summary>
    IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses) => addresses.Select(AddAddress).ToArray();

    KernelResult RemoveAddress(InterfaceAddress address);

    KernelResult AddRoute(RouteSpec route);

    KernelResult RemoveRoute(RouteSpec route);

    KernelResult AddRule(RuleSpec rule);

    KernelResult RemoveRule(RuleSpec rule);

    KernelResult CreateMacvlan(MacvlanSpec link);

    KernelResult DeleteLink(string name);

    /// <summary>Sends a whole Ethernet frame (gratuitous ARP, unsolicited NA) on <paramref name="interfaceName"/>.</summary>
    KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame);

    /// <summary>Warms up what the first takeover needs so it is as fast as the next (the frame sockets of
    /// <paramref name="interfaces"/> opened, the address path run once against the kernel without changing anything).
    /// Nothing to do by default.</summary>
    KernelResult Prepare(IReadOnlyCollection<string> interfaces) => KernelResult.Ok;

    /// <summary>The links the kernel has now.</summary>
    KernelResult Links(out IReadOnlyList<LinkState> links);

    /// <summary>The addresses the kernel has now.</summary>
    KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses);

    /// <summary>IPVS through generic netlink.</summary>
    IIpvsPort Ipvs { get; }

    /// <summary>The accept-mode (vrrp_strict / no_accept) drop rules for VIPs, through nf_tables.</summary>
    IVipFirewall Firewall { get; }

    /// <summary>Link and address changes, delivered on a thread of the port's choosing until the subscription is disposed.</summary>
    IDisposable Subscribe(Action<KernelEvent> onEvent);
}

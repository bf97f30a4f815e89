namespace KeepAlive.Kernel.Ports;

/// <summary>
/// A kernel port that passes every call to <see cref="Inner"/>: the base of decorators (timing, dry-run, address
/// logging, fault injection), each of which overrides only what it changes. Every member of
/// <see cref="IKernelPort"/> is forwarded here, the default ones (<see cref="Prepare"/>, <see cref="AddAddresses"/>) included, so a decorator
/// never falls back to the interface's default in place of the inner port's own implementation.
/// </summary>
public abstract class DelegatingKernelPort(IKernelPort inner) : IKernelPort
{
    /// <summary>The decorated port.</summary>
    protected IKernelPort Inner { get; } = inner;

    public virtual KernelResult AddAddress(InterfaceAddress address) => Inner.AddAddress(address);

    public virtual IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses) => Inner.AddAddresses(addresses);

    public virtual KernelResult RemoveAddress(InterfaceAddress address) => Inner.RemoveAddress(address);

    public virtual KernelResult AddRoute(RouteSpec route) => Inner.AddRoute(route);

    public virtual KernelResult RemoveRoute(RouteSpec route) => Inner.RemoveRoute(route);

    public virtual KernelResult AddRule(RuleSpec rule) => Inner.AddRule(rule);

    public virtual KernelResult RemoveRule(RuleSpec rule) => Inner.RemoveRule(rule);

    public virtual KernelResult CreateMacvlan(MacvlanSpec link) => Inner.CreateMacvlan(link);

    public virtual KernelResult DeleteLink(string name) => Inner.DeleteLink(name);

    public virtual KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame) => Inner.SendFrame(interfaceName, frame);

    public virtual KernelResult Prepare(IReadOnlyCollection<string> interfaces) => Inner.Prepare(interfaces);

    public virtual KernelResult Links(out IReadOnlyList<LinkState> links) => Inner.Links(out links);

    public virtual KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses) => Inner.Addresses(out addresses);

    public virtual IIpvsPort Ipvs => Inner.Ipvs;

    public virtual IVipFirewall Firewall => Inner.Firewall;

    public virtual IDisposable Subscribe(Action<KernelEvent> onEvent) => Inner.Subscribe(onEvent);
}

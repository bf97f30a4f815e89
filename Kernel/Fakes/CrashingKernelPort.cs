using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// Another port (the recording fake or the real Linux one), except that sending a frame throws while
/// <see cref="CrashNext"/> is set (once): an unexpected fault inside the effector, which its supervisor restarts.
/// Everything else is passed through.
/// </summary>
public sealed class CrashingKernelPort(IKernelPort inner, bool crashFirstSend = true) : IKernelPort
{
    private int _crashNext = crashFirstSend ? 1 : 0;
    private int _crashed;

    /// <summary>The next frame send throws (and clears this).</summary>
    public bool CrashNext
    {
        get => Volatile.Read(ref _crashNext) == 1;
        set => Volatile.Write(ref _crashNext, value ? 1 : 0);
    }

    /// <summary>A send has thrown.</summary>
    public bool Crashed => Volatile.Read(ref _crashed) == 1;

    public KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame)
    {
        if (Interlocked.Exchange(ref _crashNext, 0) == 0)
            return inner.SendFrame(interfaceName, frame);
        Volatile.Write(ref _crashed, 1);
        throw new InvalidOperationException("injected crash");
    }

    public KernelResult AddAddress(InterfaceAddress address) => inner.AddAddress(address);

    public KernelResult RemoveAddress(InterfaceAddress address) => inner.RemoveAddress(address);

    public KernelResult AddRoute(RouteSpec route) => inner.AddRoute(route);

    public KernelResult RemoveRoute(RouteSpec route) => inner.RemoveRoute(route);

    public KernelResult AddRule(RuleSpec rule) => inner.AddRule(rule);

    public KernelResult RemoveRule(RuleSpec rule) => inner.RemoveRule(rule);

    public KernelResult CreateMacvlan(MacvlanSpec link) => inner.CreateMacvlan(link);

    public KernelResult DeleteLink(string name) => inner.DeleteLink(name);

    public KernelResult Links(out IReadOnlyList<LinkState> links) => inner.Links(out links);

    public KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses) => inner.Addresses(out addresses);

    public IIpvsPort Ipvs => inner.Ipvs;

    public IVipFirewall Firewall => inner.Firewall;

    public KernelResult Prepare(IReadOnlyCollection<string> interfaces) => inner.Prepare(interfaces);

    public IDisposable Subscribe(Action<KernelEvent> onEvent) => inner.Subscribe(onEvent);
}

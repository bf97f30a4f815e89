using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>A port whose frame sending throws once: an unexpected fault inside the effector, which restarts it.</summary>
internal sealed class CrashingKernelPort(RecordingKernelPort inner) : IKernelPort
{
    private int _thrown;

    public KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame) =>
        Interlocked.Exchange(ref _thrown, 1) == 0 ? throw new InvalidOperationException("injected crash") : inner.SendFrame(interfaceName, frame);

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

    public IDisposable Subscribe(Action<KernelEvent> onEvent) => inner.Subscribe(onEvent);
}

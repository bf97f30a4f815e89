using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

/// <summary>The decorator base forwards every member of <see cref="IKernelPort"/>, default ones included, and the
/// probe that proves it covers the whole interface and would catch a decorator that drops a call.</summary>
public class DelegatingKernelPortTests
{
    private sealed class Plain(IKernelPort inner) : DelegatingKernelPort(inner);

    /// <summary>A decorator written without the base that forgets the defaults (<see cref="IKernelPort.Prepare"/>,
    /// <see cref="IKernelPort.AddAddresses"/>) and
    /// answers Links itself: what the probe must report.</summary>
    private sealed class Careless(IKernelPort inner) : IKernelPort
    {
        public KernelResult AddAddress(InterfaceAddress address) => inner.AddAddress(address);
        public KernelResult RemoveAddress(InterfaceAddress address) => inner.RemoveAddress(address);
        public KernelResult AddRoute(RouteSpec route) => inner.AddRoute(route);
        public KernelResult RemoveRoute(RouteSpec route) => inner.RemoveRoute(route);
        public KernelResult AddRule(RuleSpec rule) => inner.AddRule(rule);
        public KernelResult RemoveRule(RuleSpec rule) => inner.RemoveRule(rule);
        public KernelResult CreateMacvlan(MacvlanSpec link) => inner.CreateMacvlan(link);
        public KernelResult DeleteLink(string name) => inner.DeleteLink(name);
        public KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame) => inner.SendFrame(interfaceName, frame[1..]);
        public KernelResult Links(out IReadOnlyList<LinkState> links)
        {
            links = [];
            return KernelResult.Ok;
        }
        public KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses) => inner.Addresses(out addresses);
        public IIpvsPort Ipvs => inner.Ipvs;
        public IVipFirewall Firewall => inner.Firewall;
        public IDisposable Subscribe(Action<KernelEvent> onEvent) => inner.Subscribe(onEvent);
    }

    [Fact]
    public void The_probe_calls_every_member_of_the_interface()
    {
        Assert.Equal(ForwardingProbeKernelPort.Members.Order(), ForwardingProbeKernelPort.Calls.Keys.Order());
        Assert.Contains(nameof(IKernelPort.Prepare), ForwardingProbeKernelPort.Members);
        Assert.Contains(nameof(IKernelPort.Firewall), ForwardingProbeKernelPort.Members);
    }

    [Fact]
    public void The_base_forwards_every_member_its_argument_and_its_answer() =>
        Assert.Empty(ForwardingProbeKernelPort.NotForwarded(inner => new Plain(inner)));

    [Fact]
    public void The_probe_catches_a_dropped_default_member_a_changed_argument_and_a_replaced_answer() =>
        Assert.Equal([nameof(IKernelPort.AddAddresses), nameof(IKernelPort.SendFrame), nameof(IKernelPort.Prepare), nameof(IKernelPort.Links)],
            ForwardingProbeKernelPort.NotForwarded(inner => new Careless(inner)));

    [Fact]
    public void The_crashing_port_forwards_every_member_while_no_crash_is_armed() =>
        Assert.Empty(ForwardingProbeKernelPort.NotForwarded(inner => new CrashingKernelPort(inner, crashFirstSend: false)));

    [Fact]
    public void The_crashing_port_throws_once_instead_of_sending_when_armed()
    {
        var probe = new ForwardingProbeKernelPort();
        var port = new CrashingKernelPort(probe);
        Assert.Throws<InvalidOperationException>(() => port.SendFrame("probe0", [1]));
        Assert.True(port.Crashed);
        Assert.Empty(probe.Received);
        port.SendFrame("probe0", [1]);
        Assert.Equal(nameof(IKernelPort.SendFrame), Assert.Single(probe.Received).Member);
    }
}

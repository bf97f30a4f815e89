using KeepAlive.Kernel.Ports;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// <c>-a/--address-monitoring</c>: the kernel port with every address added or removed that the kernel reports to
/// the effector's subscription also written to the log (keepalived logs what netlink tells it).
/// </summary>
public sealed class AddressMonitorKernelPort(IKernelPort inner, Action<string> log) : DelegatingKernelPort(inner)
{
    /// <summary>The log line of an event, or null for events that are not address changes.</summary>
    public static string? Describe(KernelEvent e) => e switch
    {
        KernelEvent.AddressAdded a => $"Netlink reports address {a.Address.Address}/{a.Address.PrefixLength} added on {a.Address.Interface}",
        KernelEvent.AddressRemoved r => $"Netlink reports address {r.Address.Address}/{r.Address.PrefixLength} removed from {r.Address.Interface}",
        _ => null,
    };

    public override IDisposable Subscribe(Action<KernelEvent> onEvent) => Inner.Subscribe(e =>
    {
        if (Describe(e) is { } line)
            log(line);
        onEvent(e);
    });
}

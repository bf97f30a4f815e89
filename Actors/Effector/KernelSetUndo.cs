using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>What one acquire added that its owner did not hold before: taken back, in reverse, when the acquire fails.</summary>
internal sealed class KernelSetUndo
{
    public List<InterfaceAddress> Addresses { get; } = [];

    public List<RouteSpec> Routes { get; } = [];

    public List<RuleSpec> Rules { get; } = [];

    public List<System.Net.IPAddress> Blocked { get; } = [];

    public int Count => Addresses.Count + Routes.Count + Rules.Count + Blocked.Count;

    /// <summary>Removes rules, routes, then addresses, last added first; what another owner holds stays.</summary>
    public void Undo(IKernelPort kernel, string owner, EffectorMemory memory, VipFirewallSettings firewall)
    {
        foreach (var rule in Enumerable.Reverse(Rules).Where(r => !memory.HeldByOther(owner, r)))
            kernel.RemoveRule(rule);
        foreach (var route in Enumerable.Reverse(Routes).Where(r => !memory.HeldByOther(owner, r)))
            kernel.RemoveRoute(route);
        foreach (var address in Enumerable.Reverse(Addresses).Where(a => !memory.HeldByOther(owner, a)))
            kernel.RemoveAddress(address);
        var unblock = Blocked.Where(b => !memory.HeldByOther(owner, b)).ToList();
        if (unblock.Count > 0)
            kernel.Firewall.Apply(firewall, [], unblock);
    }
}

using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>
/// What turns one <see cref="KernelSet"/> into another (keepalived vrrp.c <c>clear_diff_vrrp_vip</c>,
/// <c>clear_diff_vrrp_vroutes</c>, <c>clear_diff_vrrp_vrules</c> on reload): the objects to add and the objects to
/// remove, in their sets' order; an object in both is in neither, so it is never removed and re-added. Addresses are
/// matched by their kernel identity (interface, address, prefix): an address whose other attributes (label, scope,
/// broadcast) change keeps the kernel's copy until it is next acquired, as keepalived does. Routes and rules are
/// matched by value. Pure.
/// </summary>
/// <param name="Added">In the new set only.</param>
/// <param name="Removed">In the old set only.</param>
public sealed record KernelSetChange(KernelSet Added, KernelSet Removed)
{
    /// <summary>True when both sets hold the same objects.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0;

    public static KernelSetChange Between(KernelSet old, KernelSet @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var oldKeys = old.Addresses.Select(a => a.Key).ToHashSet();
        var newKeys = @new.Addresses.Select(a => a.Key).ToHashSet();
        return new KernelSetChange(
            new KernelSet(
                @new.Addresses.Where(a => !oldKeys.Contains(a.Key)).DistinctBy(a => a.Key).ToList(),
                @new.Routes.Except(old.Routes).ToList(),
                @new.Rules.Except(old.Rules).ToList()) { Blocked = @new.Blocked.Except(old.Blocked).ToList() },
            new KernelSet(
                old.Addresses.Where(a => !newKeys.Contains(a.Key)).DistinctBy(a => a.Key).ToList(),
                old.Routes.Except(@new.Routes).ToList(),
                old.Rules.Except(@new.Rules).ToList()) { Blocked = old.Blocked.Except(@new.Blocked).ToList() });
    }
}

using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>
/// What one owner holds in the kernel: addresses, then routes, then rules. The effector adds them in that order
/// (a route may need an address as its source or gateway's subnet; a rule may point at a table the routes fill) and
/// removes them in reverse, as keepalived does (vrrp.c <c>vrrp_state_become_master</c>, <c>vrrp_restore_interface</c>).
/// </summary>
/// <param name="Addresses">Addresses (VIPs, then eVIPs, or static addresses).</param>
/// <param name="Routes">Routes (virtual_routes or static_routes).</param>
/// <param name="Rules">Rules (virtual_rules or static_rules).</param>
public sealed record KernelSet(IReadOnlyList<InterfaceAddress> Addresses, IReadOnlyList<RouteSpec> Routes, IReadOnlyList<RuleSpec> Rules)
{
    /// <summary>Addresses the accept-mode firewall drops traffic to while they are held (no_accept, or vrrp_strict on
    /// a non-owner: keepalived's nftables <c>vips</c> sets): blocked before the addresses are added, unblocked after
    /// they are removed.</summary>
    public IReadOnlyList<IPAddress> Blocked { get; init; } = [];

    /// <summary>Nothing.</summary>
    public static KernelSet Empty { get; } = new([], [], []);

    /// <summary>Addresses only.</summary>
    public static KernelSet Of(IReadOnlyList<InterfaceAddress> addresses) => new(addresses, [], []);

    /// <summary>How many kernel objects the set has.</summary>
    public int Count => Addresses.Count + Routes.Count + Rules.Count + Blocked.Count;

    public override string ToString() => Blocked.Count == 0
        ? $"{Addresses.Count} addresses, {Routes.Count} routes, {Rules.Count} rules"
        : $"{Addresses.Count} addresses, {Routes.Count} routes, {Rules.Count} rules, {Blocked.Count} blocked";
}

using System.Net;

namespace KeepAlive.Kernel.Ports;

/// <summary>Where the VIP drop rules live: keepalived's <c>nftables [TABLE]</c> (default "keepalived") and
/// <c>nftables_priority</c> (default -1, just before the usual filter chains).</summary>
public sealed record VipFirewallSettings(string Table = VipFirewallSettings.DefaultTable, int Priority = -1)
{
    public const string DefaultTable = "keepalived";
}

/// <summary>
/// keepalived's accept-mode firewall (vrrp_strict / no_accept): a master that is not the address owner must not
/// accept traffic addressed to its VIPs (RFC 5798 §6.4.3), so the VIPs are put in a drop set before they are added
/// and taken out after they are removed. Tables <c>ip TABLE</c> and <c>ip6 TABLE</c> with chains <c>in</c> (input
/// hook, <c>daddr @vips drop</c>) and <c>out</c> (output hook, <c>saddr @vips drop</c>); IPv6 neighbour discovery
/// stays allowed. Idempotent like the other kernel operations; never throws.
/// </summary>
public interface IVipFirewall
{
    /// <summary>Adds <paramref name="block"/> to and removes <paramref name="unblock"/> from the drop sets (creating
    /// the tables on first use, replacing a table a killed predecessor left). Blocking a blocked address and
    /// unblocking one that is not blocked succeed.</summary>
    KernelResult Apply(VipFirewallSettings settings, IReadOnlyCollection<IPAddress> block, IReadOnlyCollection<IPAddress> unblock);

    /// <summary>Deletes both tables (at exit); absent tables are not an error.</summary>
    KernelResult Remove(VipFirewallSettings settings);

    /// <summary>The addresses this firewall has blocked (its own record).</summary>
    IReadOnlyCollection<IPAddress> Blocked { get; }
}

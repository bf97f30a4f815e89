using System.Net;

namespace KeepAlive.Kernel.Ports;

/// <summary>Where the VIP drop rules live: keepalived's <c>nftables [TABLE]</c> (default "keepalived") and
/// <c>nftables_priority</c> (default -1, just before the usual filter chains).</summary>
public sealed record VipFirewallSettings(string Table = VipFirewallSettings.DefaultTable, int Priority = -1)
{
    public const string DefaultTable = "keepalived";
}

/// <summary>Which families' multicast reports of a use_vmac interface the firewall moves to its base: the instance's
/// own, and the other one when it has eVIPs of that family (keepalived VRRP_FLAG_EVIP_OTHER_FAMILY).</summary>
public readonly record struct VmacFamilies(bool IPv4, bool IPv6)
{
    /// <summary>Both families' (what one link shared by instances of both families needs).</summary>
    public VmacFamilies Or(VmacFamilies other) => new(IPv4 || other.IPv4, IPv6 || other.IPv6);
}

/// <summary>A use_vmac interface as the firewall knows it: by name, with its and its base interface's index.</summary>
public sealed record VmacFirewallLink(string Name, int Index, int BaseIndex, VmacFamilies Families);

/// <summary>
/// keepalived's accept-mode firewall (vrrp_strict / no_accept): a master that is not the address owner must not
/// accept traffic addressed to its VIPs (RFC 5798 §6.4.3), so the VIPs are put in a drop set before they are added
/// and taken out after they are removed. Tables <c>ip TABLE</c> and <c>ip6 TABLE</c> with chains <c>in</c> (input
/// hook, <c>daddr @vips drop</c>) and <c>out</c> (output hook, <c>saddr @vips drop</c>); IPv6 neighbour discovery
/// stays allowed. For use_vmac interfaces the same tables move IGMP / MLDv2 reports to the base interface and drop
/// IPv6 router solicitations (keepalived 2.2.7 <c>nft_add_vmac</c>). Idempotent like the other kernel operations;
/// never throws.
/// </summary>
public interface IVipFirewall
{
    /// <summary>Adds <paramref name="block"/> to and removes <paramref name="unblock"/> from the drop sets (creating
    /// the tables on first use, replacing a table a killed predecessor left). Blocking a blocked address and
    /// unblocking one that is not blocked succeed.</summary>
    KernelResult Apply(VipFirewallSettings settings, IReadOnlyCollection<IPAddress> block, IReadOnlyCollection<IPAddress> unblock);

    /// <summary>Deletes both tables (at exit); absent tables are not an error. Forgets what was blocked and the
    /// VMACs.</summary>
    KernelResult Remove(VipFirewallSettings settings);

    /// <summary>Moves <paramref name="link"/>'s IGMP (IPv4) and MLDv2 (IPv6) reports to its base interface and drops
    /// its router solicitations (IPv6), creating the tables if needed. Adding a link again (its indexes may have
    /// changed) replaces its entries.</summary>
    KernelResult AddVmac(VipFirewallSettings settings, VmacFirewallLink link);

    /// <summary>Takes the VMAC called <paramref name="name"/> out of the rules (before the link is deleted); an
    /// unknown name succeeds.</summary>
    KernelResult RemoveVmac(VipFirewallSettings settings, string name);

    /// <summary>A reload changed the table or its priority: builds the tables of <paramref name="to"/> with
    /// everything this firewall holds, and only then deletes those of <paramref name="from"/> (when the name
    /// changed), so the VIPs are never unprotected. On failure <paramref name="from"/>'s tables are left as they
    /// were and remain the ones in use. Nothing to do when nothing was built.</summary>
    KernelResult Move(VipFirewallSettings from, VipFirewallSettings to);

    /// <summary>The VMACs whose reports this firewall moves (its own record).</summary>
    IReadOnlyCollection<VmacFirewallLink> Vmacs { get; }

    /// <summary>The addresses this firewall has blocked (its own record).</summary>
    IReadOnlyCollection<IPAddress> Blocked { get; }
}

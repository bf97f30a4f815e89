using System.Globalization;
using KeepAlive.Actors.Effector;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Frames;
using MacvlanMode = KeepAlive.Kernel.Wire.Netlink.MacvlanMode;

namespace KeepAlive.Actors.Plane;

/// <summary>
/// Where one vrrp_instance lives in the kernel, as keepalived 2.2.7 decides it (vrrp.c
/// <c>vrrp_complete_instance</c>, <c>create_vmac_name</c>; vrrp_vmac.c <c>netlink_link_add_vmac</c>;
/// vrrp_scheduler.c <c>vrrp_create_sockpool</c>):
/// <list type="bullet">
/// <item>Without use_vmac everything is on the configured interface.</item>
/// <item>With use_vmac the instance has a private-mode macvlan on the configured interface, named as configured or
/// <c>{vmac_prefix}.{VRID}</c>, with MAC 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6), or the configured
/// MAC (five octets: the VRID is the sixth). VIPs and eVIPs of the instance's family without <c>dev</c> (or with the
/// configured interface) go on it, and their gratuitous ARPs / NAs leave from it with its MAC; adverts are sent and
/// received on it, or on the configured interface with <c>vmac_xmit_base</c>.</item>
/// </list>
/// The node creates <see cref="Vmac"/> (effector <see cref="EnsureMacvlan"/>) before it opens the advert socket on
/// <see cref="AdvertInterface"/>, and removes it at shutdown. Not here yet: a name already taken by another instance
/// or interface (keepalived tries vrrp1.VRID...), the IPv6 link-local address keepalived gives an IPv6 VMAC, and an
/// address's own <c>use_vmac</c> (an extra VMAC per address). Pure.
/// </summary>
/// <param name="ConfiguredInterface">The <c>interface</c> line (the VMAC's base), or null.</param>
/// <param name="AdvertInterface">Where the instance's adverts are sent and received.</param>
/// <param name="AddressInterface">Where VIPs without <c>dev</c> go and where their gratuitous frames leave.</param>
/// <param name="Vmac">The macvlan to create, or null.</param>
/// <param name="VirtualAddresses">The advertised VIPs.</param>
/// <param name="MasterSet">What MASTER holds: VIPs, then eVIPs, virtual routes, virtual rules.</param>
/// <param name="NotTracked">Addresses (no_track) whose removal by someone else is ignored.</param>
/// <param name="Errors">What of the configuration cannot be installed as written.</param>
public sealed record InstancePlane(
    string? ConfiguredInterface,
    string? AdvertInterface,
    string? AddressInterface,
    MacvlanSpec? Vmac,
    IReadOnlyList<InterfaceAddress> VirtualAddresses,
    KernelSet MasterSet,
    IReadOnlySet<AddressKey> NotTracked,
    IReadOnlyList<string> Errors)
{
    /// <summary>Linux IFNAMSIZ − 1.</summary>
    public const int MaxInterfaceName = 15;

    /// <summary>The MAC gratuitous frames for VIPs on <see cref="AddressInterface"/> carry with use_vmac.</summary>
    public byte[]? VmacAddress => Vmac?.Mac;

    /// <summary>The plane of <paramref name="instance"/>. <paramref name="vmacPrefix"/> is global_defs
    /// <c>vmac_prefix</c>; <paramref name="tableNames"/> are /etc/iproute2/rt_tables names.</summary>
    public static InstancePlane For(VrrpInstanceConfig instance, string vmacPrefix = "vrrp", IReadOnlyDictionary<string, uint>? tableNames = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var errors = new List<string>();
        var configured = instance.Interface;
        var vmac = configured is not null && instance.UseVmac is { } v ? Macvlan(instance, v, vmacPrefix, errors) : null;
        var addressInterface = vmac?.Name ?? configured;
        var advertInterface = vmac is not null && !instance.VmacXmitBase ? vmac.Name : configured;

        var notTracked = new HashSet<AddressKey>();
        var vips = Addresses(instance, instance.VirtualIpAddresses, vmac, notTracked, errors);
        var evips = Addresses(instance, instance.ExcludedIpAddresses, vmac, notTracked, errors);
        var routes = KernelSpecs.Collect(instance.VirtualRoutes.Select(r => KernelSpecs.Route(r, tableNames)), errors);
        var rules = KernelSpecs.Collect(instance.VirtualRules.Select(r => KernelSpecs.Rule(r, tableNames)), errors);
        return new InstancePlane(configured, advertInterface, addressInterface, vmac, vips,
            new KernelSet([.. vips, .. evips], routes, rules) { Blocked = NeedsFirewall(instance) ? [.. vips.Concat(evips).Select(a => a.Address).Distinct()] : [] }, notTracked, errors.Select(e => $"({instance.Name}) {e}").ToList());
    }

    /// <summary>A master that does not accept traffic to its VIPs (no_accept, or vrrp_strict on a non-owner) has them
    /// dropped by the firewall (keepalived vrrp_handle_accept_mode; the owner, priority 255, always accepts).</summary>
    public static bool NeedsFirewall(VrrpInstanceConfig instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Accept == false && instance.Priority != 255;
    }

    /// <summary>keepalived's VMAC name: the configured one, else <c>{prefix}.{VRID}</c> cut to 15 characters by
    /// shortening the prefix.</summary>
    public static string VmacName(string? configured, string prefix, int vrid)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (configured is not null)
            return configured;
        var suffix = "." + vrid.ToString(CultureInfo.InvariantCulture);
        return prefix[..Math.Min(prefix.Length, MaxInterfaceName - suffix.Length)] + suffix;
    }

    private static MacvlanSpec Macvlan(VrrpInstanceConfig instance, VmacConfig vmac, string prefix, List<string> errors)
    {
        var mac = VirtualMac.For((byte)instance.Vrid, instance.Family);
        if (vmac.Mac is { } text)
        {
            if (TryMac(text, (byte)instance.Vrid, out var configuredMac))
                mac = configuredMac;
            else
                errors.Add($"use_vmac MAC '{text}' is invalid or multicast: the VRRP MAC is used");
        }
        return new MacvlanSpec(VmacName(vmac.Name, prefix, instance.Vrid), instance.Interface!, mac, MacvlanMode.Private);
    }

    /// <summary>Six hexadecimal octets, or five (the VRID is the sixth); not multicast.</summary>
    private static bool TryMac(string text, byte vrid, out byte[] mac)
    {
        mac = new byte[6];
        var parts = text.TrimEnd(':').Split(':');
        if (parts.Length is not (5 or 6))
            return false;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mac[i]))
                return false;
        }
        if (parts.Length == 5)
            mac[5] = vrid;
        return (mac[0] & 1) == 0;
    }

    private static List<InterfaceAddress> Addresses(VrrpInstanceConfig instance, IEnumerable<IpAddressEntry> entries, MacvlanSpec? vmac,
        HashSet<AddressKey> notTracked, List<string> errors)
    {
        var result = new List<InterfaceAddress>();
        foreach (var entry in entries)
        {
            var device = Device(instance, entry, vmac);
            if (entry.UseVmac && !(vmac is not null && device == vmac.Name))
                errors.Add($"{entry}: use_vmac on an address (a VMAC of its own) is not supported yet: the address goes on {device ?? "no interface"}");
            var mapped = KernelSpecs.Address(entry with { Device = device }, null);
            errors.AddRange(mapped.Errors);
            if (mapped.Spec is not { } spec)
                continue;
            result.Add(spec);
            if (entry.NoTrack)
                notTracked.Add(spec.Key);
        }
        return result;
    }

    /// <summary>vrrp_complete_instance: no dev, or the configured interface, means the VMAC for the instance's family
    /// and the configured interface otherwise.</summary>
    private static string? Device(VrrpInstanceConfig instance, IpAddressEntry entry, MacvlanSpec? vmac)
    {
        if (entry.Device is not null && entry.Device != instance.Interface)
            return entry.Device;
        return vmac is not null && entry.Address.AddressFamily == instance.Family ? vmac.Name : instance.Interface;
    }
}

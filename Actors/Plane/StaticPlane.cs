using KeepAlive.Actors.Effector;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Plane;

/// <summary>
/// <c>static_ipaddress</c>, <c>static_routes</c> and <c>static_rules</c> as one set held by the owner "static"
/// (keepalived 2.2.7 vrrp_daemon.c <c>start_vrrp</c>: added once after the instances are configured, whatever their
/// state; <c>vrrp_terminate_phase2</c>: rules, routes then addresses removed at exit; keepalived_netlink.c: a static
/// address someone deletes is put back unless <c>no_track</c>). An address without <c>dev</c> goes on
/// global_defs <c>default_interface</c>. Pure.
/// </summary>
/// <param name="Set">What to hold.</param>
/// <param name="NotTracked">Addresses (no_track) that are not put back when someone deletes them.</param>
/// <param name="Errors">What cannot be installed as written.</param>
public sealed record StaticPlane(KernelSet Set, IReadOnlySet<AddressKey> NotTracked, IReadOnlyList<string> Errors)
{
    /// <summary>The effector owner of the static set.</summary>
    public const string Owner = "static";

    /// <summary>The static set of <paramref name="config"/>; <paramref name="tableNames"/> are /etc/iproute2/rt_tables names.</summary>
    public static StaticPlane For(KeepAliveConfig config, IReadOnlyDictionary<string, uint>? tableNames = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        var notTracked = new HashSet<AddressKey>();
        var addresses = new List<InterfaceAddress>();
        foreach (var entry in config.StaticIpAddresses)
        {
            var mapped = KernelSpecs.Address(entry, config.Globals.DefaultInterface);
            errors.AddRange(mapped.Errors);
            if (mapped.Spec is not { } spec)
                continue;
            addresses.Add(spec);
            if (entry.NoTrack)
                notTracked.Add(spec.Key);
        }
        var routes = KernelSpecs.Collect(config.StaticRoutes.Select(r => KernelSpecs.Route(r, tableNames)), errors);
        var rules = KernelSpecs.Collect(config.StaticRules.Select(r => KernelSpecs.Rule(r, tableNames)), errors);
        return new StaticPlane(new KernelSet(addresses, routes, rules), notTracked, errors);
    }
}

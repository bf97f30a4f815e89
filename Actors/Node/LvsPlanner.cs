using System.Collections.Immutable;
using System.Net;
using KeepAlive.Actors.Lvs;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Node;

/// <summary>One virtual server actor to run: its child name, its block, the group it expands through (if any), the
/// vrrp_instance holding its address (ha_suspend) and the IPVS services it stands for. Record equality decides
/// "changed" on a reload.</summary>
public sealed record VirtualServerPlan(string ChildName, VirtualServerConfig Config, ImmutableArray<VirtualServerGroupConfig> Groups, string? VipInstance)
{
    /// <summary>The IPVS services of the virtual server (keepalived's corrections applied).</summary>
    public ImmutableArray<IpvsService> Services => IpvsMapping.Services(Config, Groups).Services;

    public bool Equals(VirtualServerPlan? other) =>
        other is not null && ChildName == other.ChildName && Config == other.Config && Groups.SequenceEqual(other.Groups) && VipInstance == other.VipInstance;

    public override int GetHashCode() => HashCode.Combine(ChildName, Config, VipInstance);
}

/// <summary>What a reload does to the virtual servers, by child name.</summary>
public sealed record LvsReloadPlan(
    ImmutableArray<VirtualServerPlan> Start,
    ImmutableArray<VirtualServerPlan> Reconfigure,
    ImmutableArray<string> Stop,
    ImmutableArray<string> Unchanged);

/// <summary>
/// The LVS half of the node's plan (keepalived 2.2.7 check/check_daemon.c start_check, check/ipwrapper.c
/// init_services, clear_diff_services), pure: one actor per virtual_server keyed by its address, firewall mark or group
/// (a later duplicate is left out, as keepalived's config check does); the stale services a previous run of ours left in
/// the kernel; the keyed reload diff.
/// </summary>
public static class LvsPlanner
{
    public static ImmutableArray<VirtualServerPlan> Plan(KeepAliveConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var plans = ImmutableArray.CreateBuilder<VirtualServerPlan>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vs in config.VirtualServers)
        {
            var name = ActorNames.VirtualServer(vs.Key);
            if (!names.Add(name))
                continue;
            ImmutableArray<VirtualServerGroupConfig> groups = vs.Key is VirtualServerKey.Group g
                ? [.. config.VirtualServerGroups.Where(x => x.Name == g.Name).Take(1)]
                : [];
            plans.Add(new VirtualServerPlan(name, vs, groups, vs.HaSuspend ? VipInstance(config, vs) : null));
        }
        return plans.ToImmutable();
    }

    /// <summary>The first vrrp_instance whose virtual_ipaddress (or _excluded) holds the virtual server's address, or
    /// the first address of its group; null when none does (or it is a firewall-mark service).</summary>
    public static string? VipInstance(KeepAliveConfig config, VirtualServerConfig vs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vs);
        IPAddress? address = vs.Key switch
        {
            VirtualServerKey.Address a => a.Ip,
            VirtualServerKey.Group g => config.VirtualServerGroups.FirstOrDefault(x => x.Name == g.Name)?.Entries.FirstOrDefault(e => e.First is not null)?.First,
            _ => null,
        };
        if (address is null)
            return null;
        return config.VrrpInstances.FirstOrDefault(i => i.VirtualIpAddresses.Concat(i.ExcludedIpAddresses).Any(v => v.Address.Equals(address)))?.Name;
    }

    /// <summary>At start: the ops removing the services we own (a previous run recorded them) that the configuration no
    /// longer has; services we do not own stay, whatever they are.</summary>
    public static IpvsPlan StaleServices(IEnumerable<VirtualServerPlan> plans, IEnumerable<IpvsServiceState> kernel, IReadOnlySet<IpvsServiceKey> owned)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(owned);
        var configured = plans.SelectMany(p => p.Services).Select(IpvsServiceKey.Of).ToHashSet();
        return IpvsReconciler.Reconcile([], kernel.Where(s => s?.Service is not null && !configured.Contains(s.Key)), owned);
    }

    /// <summary>The kernel's entries for one virtual server's services (what it takes over at start).</summary>
    public static ImmutableArray<IpvsServiceState> Observed(VirtualServerPlan plan, IEnumerable<IpvsServiceState> kernel)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(kernel);
        var mine = plan.Services.Select(IpvsServiceKey.Of).ToHashSet();
        return [.. kernel.Where(s => s?.Service is not null && mine.Contains(s.Key))];
    }

    /// <summary>The keyed diff: equal plans receive nothing, changed ones are reconfigured, the rest start or stop.</summary>
    public static LvsReloadPlan Diff(IEnumerable<VirtualServerPlan> running, IEnumerable<VirtualServerPlan> next)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        var before = running.ToDictionary(p => p.ChildName, StringComparer.Ordinal);
        var start = ImmutableArray.CreateBuilder<VirtualServerPlan>();
        var reconfigure = ImmutableArray.CreateBuilder<VirtualServerPlan>();
        var unchanged = ImmutableArray.CreateBuilder<string>();
        foreach (var plan in next)
        {
            if (!before.Remove(plan.ChildName, out var old))
                start.Add(plan);
            else if (old.Equals(plan))
                unchanged.Add(plan.ChildName);
            else
                reconfigure.Add(plan);
        }
        return new LvsReloadPlan(start.ToImmutable(), reconfigure.ToImmutable(), [.. before.Keys], unchanged.ToImmutable());
    }
}

using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Lvs;

/// <summary>
/// Desired IPVS state vs a kernel dump → the ops that make the kernel match, pure:
/// <list type="bullet">
/// <item>Minimal: nothing for what already matches; a changed weight is one edit-destination op; a changed scheduler,
/// flag or persistence is one edit-service op.</item>
/// <item>Ordered: stale services first (their destinations, then the service, as keepalived's clear_service_vs does);
/// then each desired service in order: the service is added or edited before its destinations, and within a service
/// additions and edits come before removals, so a pool being swapped (real servers ↔ sorry server) is never empty.</item>
/// <item>Owned only: a kernel service whose key is not in <c>owned</c> is never edited or deleted, even when a desired
/// service has its key (it is reported in <see cref="IpvsPlan.NotOwned"/>). A desired service absent from the kernel is
/// created (creating it makes it ours).</item>
/// <item>Idempotent: applying the ops to the dump gives the desired table, and reconciling again gives no op.</item>
/// <item>Hostile input never throws: inconsistent desired entries are rejected with a reason, duplicates keep the
/// first, negative weights become 0.</item>
/// </list>
/// </summary>
public static class IpvsReconciler
{
    /// <summary>The longest scheduler or persistence engine name IPVS takes (IP_VS_SCHEDNAME_MAXLEN/PENAME_MAXLEN − 1).</summary>
    public const int NameMaxLength = 15;

    public static IpvsPlan Reconcile(IEnumerable<IpvsServiceState> desired, IEnumerable<IpvsServiceState> observed, IReadOnlySet<IpvsServiceKey> owned)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(owned);
        var rejected = new List<IpvsRejection>();
        var wanted = Validate(desired, rejected);
        var kernel = new Dictionary<IpvsServiceKey, IpvsServiceState>();
        var kernelOrder = new List<IpvsServiceState>();
        foreach (var o in observed)
        {
            if (o?.Service is null || !kernel.TryAdd(o.Key, o))
                continue;
            kernelOrder.Add(o);
        }
        var ops = new List<IpvsOp>();
        var notOwned = new List<IpvsServiceKey>();
        var wantedKeys = wanted.Select(w => w.Key).ToHashSet();

        foreach (var o in kernelOrder)
        {
            if (!owned.Contains(o.Key) || wantedKeys.Contains(o.Key))
                continue;
            foreach (var d in Distinct(o.Destinations))
                ops.Add(new IpvsOp.DeleteDestination(o.Service, d));
            ops.Add(new IpvsOp.DeleteService(o.Service));
        }

        foreach (var w in wanted)
        {
            if (!kernel.TryGetValue(w.Key, out var k))
            {
                ops.Add(new IpvsOp.AddService(w.Service));
                foreach (var d in w.Destinations)
                    ops.Add(new IpvsOp.AddDestination(w.Service, d));
                continue;
            }
            if (!owned.Contains(w.Key))
            {
                notOwned.Add(w.Key);
                continue;
            }
            if (!SameService(w.Service, k.Service))
                ops.Add(new IpvsOp.EditService(w.Service));
            var present = Distinct(k.Destinations).ToDictionary(IpvsDestinationKey.Of);
            foreach (var d in w.Destinations)
            {
                if (!present.TryGetValue(IpvsDestinationKey.Of(d), out var current))
                    ops.Add(new IpvsOp.AddDestination(w.Service, d));
                else if (!SameDestination(d, current))
                    ops.Add(new IpvsOp.EditDestination(w.Service, d));
            }
            var keep = w.Destinations.Select(IpvsDestinationKey.Of).ToHashSet();
            foreach (var current in Distinct(k.Destinations))
            {
                if (!keep.Contains(IpvsDestinationKey.Of(current)))
                    ops.Add(new IpvsOp.DeleteDestination(w.Service, current));
            }
        }
        return new IpvsPlan(ops, rejected, notOwned);
    }

    /// <summary>Two services' settings match (the key aside): scheduler, flags, persistence, granularity, one-packet,
    /// persistence engine. The granularity counts only for a persistent service; none means the full length.</summary>
    public static bool SameService(IpvsService a, IpvsService b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(a.Scheduler, b.Scheduler, StringComparison.Ordinal)
            && a.SchedulerFlags == b.SchedulerFlags
            && a.PersistenceTimeout == b.PersistenceTimeout
            && Netmask(a) == Netmask(b)
            && a.OnePacket == b.OnePacket
            && string.Equals(a.PersistenceEngine ?? "", b.PersistenceEngine ?? "", StringComparison.Ordinal);
    }

    /// <summary>Two destinations' settings match (the key aside). Tunnel fields count only for tunnel forwarding, the
    /// tunnel port only for GUE, the checksum mode only for GUE and GRE.</summary>
    public static bool SameDestination(IpvsDestination a, IpvsDestination b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Forwarding != b.Forwarding || a.Weight != b.Weight || a.UpperThreshold != b.UpperThreshold || a.LowerThreshold != b.LowerThreshold)
            return false;
        if (a.Forwarding != IpvsForwarding.Tunnel)
            return true;
        if (a.TunnelType != b.TunnelType)
            return false;
        return a.TunnelType switch
        {
            IpvsTunnelType.Gue => a.TunnelPort == b.TunnelPort && a.TunnelChecksum == b.TunnelChecksum,
            IpvsTunnelType.Gre => a.TunnelChecksum == b.TunnelChecksum,
            _ => true,
        };
    }

    private static int Netmask(IpvsService s)
    {
        var max = s.Family == AddressFamily.InterNetworkV6 ? 128 : 32;
        return s.PersistenceTimeout is null ? max : Math.Min(s.NetmaskPrefixLength ?? max, max);
    }

    private static List<IpvsDestination> Distinct(IReadOnlyList<IpvsDestination>? destinations)
    {
        var seen = new HashSet<IpvsDestinationKey>();
        var result = new List<IpvsDestination>();
        foreach (var d in destinations ?? [])
        {
            if (d?.Address is not null && seen.Add(IpvsDestinationKey.Of(d)))
                result.Add(d);
        }
        return result;
    }

    private static List<IpvsServiceState> Validate(IEnumerable<IpvsServiceState> desired, List<IpvsRejection> rejected)
    {
        var result = new List<IpvsServiceState>();
        var seen = new HashSet<IpvsServiceKey>();
        foreach (var entry in desired)
        {
            if (entry?.Service is not { } service)
            {
                rejected.Add(new IpvsRejection("(null)", "no service"));
                continue;
            }
            if (ServiceProblem(service) is { } problem)
            {
                rejected.Add(new IpvsRejection(Describe(service), problem));
                continue;
            }
            if (service.IsFirewallMark)
                service = service with { Address = null, Protocol = IpvsProtocol.None, Port = 0 };
            var key = IpvsServiceKey.Of(service);
            if (!seen.Add(key))
            {
                rejected.Add(new IpvsRejection(key.ToString(), "the service is desired twice; the first is used"));
                continue;
            }
            result.Add(new IpvsServiceState(service, Destinations(service, key, entry.Destinations, rejected)));
        }
        return result;
    }

    private static List<IpvsDestination> Destinations(IpvsService service, IpvsServiceKey key, IReadOnlyList<IpvsDestination>? destinations, List<IpvsRejection> rejected)
    {
        var kept = new List<IpvsDestination>();
        var seen = new HashSet<IpvsDestinationKey>();
        foreach (var d in destinations ?? [])
        {
            if (d?.Address is null)
            {
                rejected.Add(new IpvsRejection(key.ToString(), "a destination has no address"));
                continue;
            }
            var what = $"{key} -> {IpvsDestinationKey.Of(d)}";
            if (d.Family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                rejected.Add(new IpvsRejection(what, "not an IPv4 or IPv6 address"));
            else if (d.Family != service.Family && d.Forwarding != IpvsForwarding.Tunnel)
                rejected.Add(new IpvsRejection(what, "a destination of another family needs tunnel forwarding"));
            else if (!seen.Add(IpvsDestinationKey.Of(d)))
                rejected.Add(new IpvsRejection(what, "the destination is desired twice; the first is used"));
            else
                kept.Add(d.Weight < 0 ? d with { Weight = 0 } : d);
        }
        return kept;
    }

    private static string? ServiceProblem(IpvsService s)
    {
        if (s.Family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return "the family is neither IPv4 nor IPv6";
        if (string.IsNullOrEmpty(s.Scheduler) || s.Scheduler.Length > NameMaxLength)
            return "no valid scheduler name";
        if (s.PersistenceEngine is { Length: > NameMaxLength })
            return "the persistence engine name is too long";
        if (s.IsFirewallMark)
            return null;
        if (s.Address is null)
            return "neither an address nor a firewall mark";
        if (s.Address.AddressFamily != s.Family)
            return "the address is not of the service's family";
        if (s.Protocol is not (IpvsProtocol.Tcp or IpvsProtocol.Udp or IpvsProtocol.Sctp))
            return "an address service needs TCP, UDP or SCTP";
        return null;
    }

    private static string Describe(IpvsService s) => s.IsFirewallMark ? $"FWM {s.FirewallMark}" : $"{s.Address}:{s.Protocol}:{s.Port}";
}

using Akka.Actor;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>What the effector holds, kept outside the actor instance so a restarted effector still knows it.</summary>
public sealed class EffectorMemory
{
    internal Dictionary<string, Holding> Held { get; } = new(StringComparer.Ordinal);

    internal bool Started { get; set; }

    /// <summary>Subscribers of kernel events, and whether each wants address changes.</summary>
    internal Dictionary<IActorRef, bool> EventSubscribers { get; } = [];

    /// <summary>The kernel's IPVS timeouts before our first change (keepalived's orig_ipvs_timeouts), put back at stop.</summary>
    internal KeepAlive.Kernel.Wire.Ipvs.IpvsTimeouts? OriginalIpvsTimeouts { get; set; }

    /// <summary>How long each kernel call took, by operation (kept across restarts: the metric is a counter).</summary>
    internal KernelOpDurations OpDurations { get; } = new();

    /// <summary>The owner's holding, created empty if it has none.</summary>
    internal Holding For(string owner)
    {
        if (!Held.TryGetValue(owner, out var holding))
            Held[owner] = holding = new Holding();
        return holding;
    }

    /// <summary>Forgets owners that hold nothing any more.</summary>
    internal void Prune()
    {
        foreach (var owner in Held.Where(h => h.Value.IsEmpty).Select(h => h.Key).ToList())
            Held.Remove(owner);
    }

    internal bool HeldByOther(string owner, InterfaceAddress address) =>
        Held.Any(h => h.Key != owner && h.Value.Addresses.Any(a => a.Key == address.Key));

    internal bool HeldByOther(string owner, RouteSpec route) => Held.Any(h => h.Key != owner && h.Value.Routes.Contains(route));

    /// <summary>The IPVS services this node owns: those it created, and those a previous run recorded as its own
    /// (preload before the effector starts). Only owned services are ever edited or removed when they are not
    /// configured; the reconciler leaves the others alone.</summary>
    public HashSet<KeepAlive.Actors.Lvs.IpvsServiceKey> OwnedIpvs { get; } = [];

    /// <summary>Told the owned set after every change to it (the controller records it for the next run).</summary>
    public Action<IReadOnlyCollection<KeepAlive.Actors.Lvs.IpvsServiceKey>>? OwnedIpvsChanged { get; set; }

    /// <summary>The accept-mode firewall has been needed in this run (its tables are removed at stop).</summary>
    public bool FirewallUsed { get; set; }

    /// <summary>The firewall settings in use (a reload may change them; a restarted effector keeps them).</summary>
    public VipFirewallSettings? FirewallSettings { get; set; }

    internal bool HeldByOther(string owner, System.Net.IPAddress blocked) => Held.Any(h => h.Key != owner && h.Value.Blocked.Contains(blocked));

    internal bool HeldByOther(string owner, RuleSpec rule) => Held.Any(h => h.Key != owner && h.Value.Rules.Contains(rule));
}

/// <summary>One owner's objects in the kernel, and the actor told when one of its addresses is lost.</summary>
internal sealed class Holding
{
    public List<InterfaceAddress> Addresses { get; } = [];

    public List<RouteSpec> Routes { get; } = [];

    public List<RuleSpec> Rules { get; } = [];

    public List<MacvlanSpec> Links { get; } = [];

    /// <summary>Addresses the accept-mode firewall blocks for this owner.</summary>
    public List<System.Net.IPAddress> Blocked { get; } = [];

    /// <summary>The sender of the owner's last acquire.</summary>
    public IActorRef? Holder { get; set; }

    public bool IsEmpty => Addresses.Count == 0 && Routes.Count == 0 && Rules.Count == 0 && Links.Count == 0 && Blocked.Count == 0;

    public bool Holds(InterfaceAddress address) => Addresses.Any(a => a.Key == address.Key);

    public KernelSet ToSet() => new(Addresses.ToList(), Routes.ToList(), Rules.ToList()) { Blocked = Blocked.ToList() };

    public void Add(KernelSet set)
    {
        foreach (var a in set.Addresses.Where(a => !Holds(a)))
            Addresses.Add(a);
        foreach (var r in set.Routes.Where(r => !Routes.Contains(r)))
            Routes.Add(r);
        foreach (var r in set.Rules.Where(r => !Rules.Contains(r)))
            Rules.Add(r);
        foreach (var b in set.Blocked.Where(b => !Blocked.Contains(b)))
            Blocked.Add(b);
    }

    public void Remove(KernelSet set)
    {
        Addresses.RemoveAll(h => set.Addresses.Any(a => a.Key == h.Key));
        Routes.RemoveAll(set.Routes.Contains);
        Rules.RemoveAll(set.Rules.Contains);
        Blocked.RemoveAll(set.Blocked.Contains);
    }

    /// <summary>Forgets what lived on a deleted link.</summary>
    public void ForgetInterface(string name)
    {
        Addresses.RemoveAll(a => a.Interface == name);
        Routes.RemoveAll(r => r.Interface == name);
        Links.RemoveAll(l => l.Name == name);
    }
}

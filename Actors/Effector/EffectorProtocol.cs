using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>At node stop: delete the accept-mode firewall's nftables tables (keepalived nft_end). No answer.</summary>
public sealed record RemoveFirewallTables
{
    public static RemoveFirewallTables Instance { get; } = new();
}

/// <summary>Add every object of <paramref name="Set"/> for <paramref name="Owner"/> (an instance's VIPs, eVIPs,
/// virtual routes and rules; or "static"): addresses, then routes, then rules; all or none. Idempotent: what the
/// owner already holds is added again if it went missing. The sender is the owner's actor: it is told
/// <see cref="HeldAddressLost"/> when one of the addresses is removed by someone else.</summary>
public sealed record AcquireAddresses(long OpId, string Owner, KernelSet Set)
{
    /// <summary>Addresses only.</summary>
    public AcquireAddresses(long opId, string owner, IReadOnlyList<InterfaceAddress> addresses)
        : this(opId, owner, KernelSet.Of(addresses))
    {
    }

    /// <summary>The set's addresses.</summary>
    public IReadOnlyList<InterfaceAddress> Addresses => Set.Addresses;

    /// <summary>The owner's actor when someone else asks on its behalf (a sync group's head start): it gets the
    /// answer and is told of lost addresses instead of the sender.</summary>
    public Akka.Actor.IActorRef? Holder { get; init; }
}

/// <summary>Acquisitions applied as one batch (one netlink round trip for all their addresses): a sync group's takeover
/// hands every member's set over at once (<see cref="Sync.HeadStartBatch"/>). Each op keeps its own all-or-nothing
/// and its own answer (to its <see cref="AcquireAddresses.Holder"/>).</summary>
public sealed record AcquireAddressesTogether(IReadOnlyList<AcquireAddresses> Ops);

/// <summary>Remove them, rules first, then routes, then addresses (idempotent: what is already gone is fine). An
/// object another owner also holds stays in the kernel.</summary>
public sealed record ReleaseAddresses(long OpId, string Owner, KernelSet Set)
{
    /// <summary>Addresses only.</summary>
    public ReleaseAddresses(long opId, string owner, IReadOnlyList<InterfaceAddress> addresses)
        : this(opId, owner, KernelSet.Of(addresses))
    {
    }

    /// <summary>The set's addresses.</summary>
    public IReadOnlyList<InterfaceAddress> Addresses => Set.Addresses;
}

/// <summary>Create the macvlan (use_vmac) if it is not there; idempotent. Remembered for <paramref name="Owner"/>: a
/// restarted effector creates it again if it is missing.</summary>
public sealed record EnsureMacvlan(long OpId, string Owner, MacvlanSpec Link)
{
    /// <summary>The families whose multicast reports the firewall moves from the link to its base (keepalived 2.2.7
    /// <c>firewall_add_vmac</c>), or null for none. A firewall failure is logged; the op's result is the link's.</summary>
    public VmacFamilies? Firewall { get; init; }
}

/// <summary>A reload's firewall settings (<c>nftables</c> table, <c>nftables_priority</c>) and whether an instance
/// needs the firewall now. A changed table is rebuilt under the new settings before the old one is deleted; if that
/// fails the running settings stay. Answered with <see cref="OpCompleted"/> (the move's result).</summary>
public sealed record ChangeFirewall(long OpId, VipFirewallSettings Settings, bool Needed);

/// <summary>Delete the link (idempotent) and forget it, with what any owner held on it.</summary>
public sealed record RemoveMacvlan(long OpId, string Owner, string Name);

/// <summary>Told to the actor that acquired <paramref name="Address"/> for <paramref name="Owner"/>: someone else
/// removed it (the effector checked that the kernel no longer has it; it still counts as held).</summary>
public sealed record HeldAddressLost(string Owner, InterfaceAddress Address);

/// <summary>Send whole Ethernet frames (GARP/NA) on an interface. They leave once the address acquisitions queued
/// before them are done, round-robin with other waiting announcements (<see cref="PendingFrames{T}"/>).</summary>
public sealed record SendFrames(long OpId, string Interface, IReadOnlyList<byte[]> Frames);

/// <summary>The answer to every op, in the order the ops were received — except <see cref="SendFrames"/>, answered
/// when its frames have left, after the acquisitions that were queued behind it.</summary>
public sealed record OpCompleted(long OpId, KernelResult Result);

/// <summary>Asks the effector what it holds.</summary>
public sealed record GetEffectorStatus
{
    public static GetEffectorStatus Instance { get; } = new();
}

/// <summary>Addresses held per owner, and op counters.</summary>
public sealed record EffectorStatus(IReadOnlyDictionary<string, IReadOnlyList<InterfaceAddress>> Held, long Applied, long Failed)
{
    /// <summary>Everything held per owner (addresses, routes, rules).</summary>
    public IReadOnlyDictionary<string, KernelSet> Sets { get; init; } = new Dictionary<string, KernelSet>();

    /// <summary>The macvlans held per owner.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MacvlanSpec>> Links { get; init; } = new Dictionary<string, IReadOnlyList<MacvlanSpec>>();

    /// <summary>How long the kernel calls took, by operation (add_address, send_frame...), since the first start.</summary>
    public IReadOnlyDictionary<string, KeepAlive.Actors.Status.HistogramSnapshot> OpDurations { get; init; } =
        new Dictionary<string, KeepAlive.Actors.Status.HistogramSnapshot>();
}

/// <summary>The sender receives every <see cref="KernelEvent"/> from now on — link changes and resyncs always,
/// address changes only when <paramref name="Addresses"/> is set; the subscription survives an effector restart.
/// Subscribing again replaces the earlier choice.</summary>
public sealed record SubscribeKernelEvents(bool Addresses = true)
{
    /// <summary>Every event.</summary>
    public static SubscribeKernelEvents Instance { get; } = new();

    /// <summary>Links and resyncs only: an interface tracker, which a sync group's takeover of 50 VIPs would otherwise
    /// wake 50 times on the thread pool while the effector adds them.</summary>
    public static SubscribeKernelEvents LinksOnly { get; } = new(false);
}

/// <summary>Asks for the kernel's links now; answered with <see cref="LinksSnapshot"/>.</summary>
public sealed record GetLinks
{
    public static GetLinks Instance { get; } = new();
}

/// <summary>The kernel's links, or why they could not be read.</summary>
public sealed record LinksSnapshot(KernelResult Result, IReadOnlyList<LinkState> Links);

/// <summary>Asks for the kernel's links and addresses now; answered with <see cref="HostFactsSnapshot"/>.</summary>
public sealed record GetHostFacts
{
    public static GetHostFacts Instance { get; } = new();
}

/// <summary>The kernel's links and addresses (empty lists and the error when they could not be read).</summary>
public sealed record HostFactsSnapshot(KernelResult Result, KeepAlive.Actors.Node.HostFacts Facts);

/// <summary>Make <paramref name="Owner"/> hold exactly <paramref name="Set"/> (a reload changed a MASTER's VIPs,
/// eVIPs, routes or rules): what it does not hold yet is added (addresses, routes, rules), then what it holds and the
/// set no longer has is removed (rules, routes, addresses); what it holds in both is never touched. All or nothing:
/// when an addition fails, the additions of this op are removed again and nothing is removed, so the owner still holds
/// exactly what it held before. <paramref name="PreviousOwner"/>: the owner's name before the reload (a renamed
/// instance); what it held becomes <paramref name="Owner"/>'s first. The sender becomes the holder told of lost
/// addresses. Answered with <see cref="OpCompleted"/>.</summary>
public sealed record ReplaceAddresses(long OpId, string Owner, KernelSet Set, string? PreviousOwner = null);

/// <summary>Apply IPVS changes in order for <paramref name="Owner"/> (a virtual server's actor name, or "node"): every
/// op is tried even when an earlier one failed (keepalived's ipvs_cmd logs a failure and goes on), and each gets its
/// own result. A service added becomes ours, one deleted stops being ours (<see cref="IpvsTableSnapshot.Owned"/>).
/// Answered with <see cref="IpvsOpsApplied"/>.</summary>
public sealed record ApplyIpvsOps(long OpId, string Owner, System.Collections.Immutable.ImmutableArray<KeepAlive.Actors.Lvs.IpvsOp> Ops);

/// <summary>One op and what the kernel said.</summary>
public sealed record IpvsOpOutcome(KeepAlive.Actors.Lvs.IpvsOp Op, KernelResult Result);

/// <summary>The answer to <see cref="ApplyIpvsOps"/>, one outcome per op in the order given.</summary>
public sealed record IpvsOpsApplied(long OpId, System.Collections.Immutable.ImmutableArray<IpvsOpOutcome> Outcomes)
{
    /// <summary>Every op succeeded.</summary>
    public bool AllOk => Outcomes.All(o => o.Result.IsOk);
}

/// <summary>Asks for the kernel's IPVS table now; answered with <see cref="IpvsTableSnapshot"/>.</summary>
public sealed record GetIpvsTable
{
    public static GetIpvsTable Instance { get; } = new();
}

/// <summary>The kernel's IPVS services with their destinations (empty and the error when they could not be read, e.g.
/// without the ip_vs module), and the services this node owns: created by it, or recorded as its own by a previous
/// run (<see cref="EffectorMemory.OwnedIpvs"/>).</summary>
public sealed record IpvsTableSnapshot(
    KernelResult Result,
    System.Collections.Immutable.ImmutableArray<KeepAlive.Actors.Lvs.IpvsServiceState> Services,
    System.Collections.Immutable.ImmutableHashSet<KeepAlive.Actors.Lvs.IpvsServiceKey> Owned);

/// <summary>global_defs lvs_timeouts: set the kernel's TCP, TCP FIN and UDP timeouts (0 leaves one unchanged).
/// Answered with <see cref="OpCompleted"/>.</summary>
public sealed record SetIpvsTimeouts(long OpId, KeepAlive.Kernel.Wire.Ipvs.IpvsTimeouts Timeouts);

/// <summary>Put back the kernel's IPVS timeouts as they were before the first <see cref="SetIpvsTimeouts"/> (read
/// then; nothing to do when none was set or they could not be read). Answered with <see cref="OpCompleted"/>.</summary>
public sealed record RestoreIpvsTimeouts(long OpId);

/// <summary>global_defs lvs_sync_daemon: start the connection-sync daemon in <c>Daemon.State</c>. Answered with
/// <see cref="OpCompleted"/>.</summary>
public sealed record StartIpvsSyncDaemon(long OpId, KeepAlive.Kernel.Wire.Ipvs.IpvsDaemon Daemon);

/// <summary>Stop the connection-sync daemon in <paramref name="State"/> (ESRCH, "not running", is success). Answered
/// with <see cref="OpCompleted"/>.</summary>
public sealed record StopIpvsSyncDaemon(long OpId, KeepAlive.Kernel.Wire.Ipvs.IpvsSyncState State);

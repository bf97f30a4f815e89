using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Status;

/// <summary>One VRRP socket's counters.</summary>
/// <param name="Child">Its actor name.</param>
/// <param name="Interface">Its interface.</param>
/// <param name="Family">Its family.</param>
/// <param name="Multicast">Multicast or unicast.</param>
/// <param name="Received">Datagrams received.</param>
/// <param name="Sent">Adverts sent.</param>
/// <param name="SendFailures">Adverts the socket refused.</param>
/// <param name="Discards">Datagrams dropped, by reason, since its first start.</param>
public sealed record IoReport(string Child, string Interface, AddressFamily Family, bool Multicast, long Received, long Sent, long SendFailures,
    ImmutableSortedDictionary<VrrpDiscard, long> Discards)
{
    /// <summary>An IPsec AH socket (IP protocol 51, auth_type AH) rather than a VRRP one (protocol 112).</summary>
    public bool Ah { get; init; }

    /// <summary>Of <see cref="Received"/>, the masters' repeated adverts the receive thread noted for their backup
    /// instances without a message (<see cref="AdvertInbox"/>).</summary>
    public long Absorbed { get; init; }

    /// <summary>"ah" or "vrrp": the protocol the socket carries, as status and metrics name it.</summary>
    public string Protocol => Ah ? "ah" : "vrrp";
}

/// <summary>One vrrp_sync_group.</summary>
/// <param name="Name">The group's name.</param>
/// <param name="State">Its state.</param>
/// <param name="Members">Its members' names, in configuration order.</param>
public sealed record SyncGroupReport(string Name, VrrpState State, ImmutableArray<string> Members);

/// <summary>The effector's counters.</summary>
/// <param name="Applied">Kernel operations that succeeded.</param>
/// <param name="Failed">Kernel operations that failed.</param>
/// <param name="HeldAddresses">Addresses held, by owner.</param>
/// <param name="OpDurations">Kernel call durations, by operation.</param>
public sealed record EffectorReport(long Applied, long Failed, ImmutableSortedDictionary<string, int> HeldAddresses,
    ImmutableSortedDictionary<string, HistogramSnapshot> OpDurations);

/// <summary>One checker of a real server.</summary>
/// <param name="Checker">keepalived's style: <c>TCP_CHECK on [10.0.0.2]:80</c>.</param>
/// <param name="Up">Its health now.</param>
/// <param name="LastSuccess">The last check passed; null before the first.</param>
/// <param name="LastResult">The last check's reason ("connected", "connection refused", "status 503"...).</param>
/// <param name="Passed">Checks that passed since start.</param>
/// <param name="Failed">Checks that failed since start.</param>
/// <param name="Durations">How long the checks took.</param>
public sealed record CheckerReport(string Checker, bool Up, bool? LastSuccess, string? LastResult, long Passed, long Failed, HistogramSnapshot Durations);

/// <summary>One real server (or the sorry server) of a virtual server.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Port">Its port.</param>
/// <param name="Healthy">Its checkers say up (keepalived's alive).</param>
/// <param name="Weight">Its IPVS weight now (0 when it is not in IPVS; see <see cref="InPool"/>).</param>
public sealed record RealServerReport(IPAddress Address, int Port, bool Healthy, int Weight)
{
    /// <summary>It is an IPVS destination now (at <see cref="Weight"/>, 0 with inhibit_on_failure).</summary>
    public bool InPool { get; init; } = true;

    /// <summary>This is the virtual server's sorry server.</summary>
    public bool IsSorry { get; init; }

    /// <summary>Its checkers (none for the sorry server).</summary>
    public ImmutableArray<CheckerReport> Checkers { get; init; } = [];
}

/// <summary>One virtual server and its real servers, as its actor reports it.</summary>
/// <param name="Name">Its actor name (vs-10.0.0.10-80-tcp, vs-fwmark-7...).</param>
/// <param name="Address">Its address; null for a firewall mark or a group.</param>
/// <param name="Port">Its port (0 for a firewall mark or a group).</param>
/// <param name="Protocol">tcp, udp, sctp; "fwmark" or "group".</param>
/// <param name="RealServers">Its real servers in configuration order, then its sorry server.</param>
public sealed record VirtualServerReport(string Name, IPAddress? Address, int Port, string Protocol, ImmutableArray<RealServerReport> RealServers)
{
    /// <summary>keepalived's FMT_VS.</summary>
    public string Display { get; init; } = "";

    /// <summary>keepalived's quorum_state_up.</summary>
    public bool QuorumUp { get; init; }

    /// <summary>The sorry server is in the pool.</summary>
    public bool SorryActive { get; init; }

    /// <summary>ha_suspend holds the checkers.</summary>
    public bool Suspended { get; init; }

    /// <summary>IPVS ops the kernel refused since start.</summary>
    public long FailedOps { get; init; }
}

/// <summary>
/// A node's status at one moment, gathered by <see cref="NodeStatusActor"/>: every instance's report (with its I/O
/// actor's discards for its VRID folded into keepalived's counters), the sockets, sync groups, the effector, the
/// timer lateness, and the children that did not answer in time. Immutable; the formatters read only this.
/// </summary>
public sealed record NodeStatusReport
{
    /// <summary>When it was gathered (UTC).</summary>
    public required DateTimeOffset At { get; init; }

    public ImmutableArray<InstanceReport> Instances { get; init; } = [];

    public ImmutableArray<IoReport> Io { get; init; } = [];

    public ImmutableArray<SyncGroupReport> SyncGroups { get; init; } = [];

    /// <summary>Null when the effector did not answer.</summary>
    public EffectorReport? Effector { get; init; }

    /// <summary>Empty until the LVS actors report.</summary>
    public ImmutableArray<VirtualServerReport> VirtualServers { get; init; } = [];

    /// <summary>The precise scheduler's lateness of fired deadlines; null when the system runs another scheduler.</summary>
    public HistogramSnapshot? TimerLateness { get; init; }

    /// <summary>Children (by actor name, or "node") that did not answer before the deadline.</summary>
    public ImmutableArray<string> Missing { get; init; } = [];
}

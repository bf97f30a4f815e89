using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>Asks an instance for its full report (answered with <see cref="InstanceReport"/>).</summary>
public sealed record GetInstanceReport
{
    public static GetInstanceReport Instance { get; } = new();
}

/// <summary>STATS_CLEAR: zero the instance's keepalived counters (the lifetime totals behind the metrics stay).</summary>
public sealed record ClearInstanceStats
{
    public static ClearInstanceStats Instance { get; } = new();
}

/// <summary>One tracker's share of the effective priority.</summary>
/// <param name="Name">The tracked object's name (interface, script, file or process name).</param>
/// <param name="Kind">interface, script, file or process.</param>
/// <param name="Contribution">What it adds to the configured priority now (negative: subtracts).</param>
/// <param name="Faulting">It holds the instance in FAULT.</param>
public sealed record TrackerContribution(string Name, string Kind, int Contribution, bool Faulting);

/// <summary>The last state change.</summary>
/// <param name="From">The state left.</param>
/// <param name="To">The state entered.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">Wall-clock time (UTC).</param>
/// <param name="AtMonotonicMicros">The instance clock's monotonic time (µs).</param>
public sealed record TransitionRecord(VrrpState From, VrrpState To, VrrpReason Reason, DateTimeOffset At, long AtMonotonicMicros);

/// <summary>The last valid advert heard from one router.</summary>
/// <param name="Address">Its source address.</param>
/// <param name="Priority">Advertised priority.</param>
/// <param name="IntervalCentiseconds">Advertised interval.</param>
/// <param name="Checksum">The checksum flavour it was detected with.</param>
/// <param name="TtlOrHopLimit">IPv4 TTL or IPv6 hop limit (-1: not known).</param>
/// <param name="At">Wall-clock time (UTC).</param>
/// <param name="AtMonotonicMicros">The instance clock's monotonic time (µs).</param>
public sealed record PeerAdvert(IPAddress Address, int Priority, int IntervalCentiseconds, VrrpChecksumFlavour Checksum, int TtlOrHopLimit, DateTimeOffset At, long AtMonotonicMicros);

/// <summary>Everything an instance can tell about itself: the status endpoint, the metrics and keepalived's dumps are
/// all formatted from it.</summary>
public sealed record InstanceReport
{
    public required string Name { get; init; }

    public required byte Vrid { get; init; }

    public required AddressFamily Family { get; init; }

    public required string Interface { get; init; }

    /// <summary>Our advert source (keepalived's "Using src_ip").</summary>
    public required IPAddress Source { get; init; }

    public required int Version { get; init; }

    public required VrrpState State { get; init; }

    /// <summary>The configured priority (keepalived's base_priority).</summary>
    public required int Priority { get; init; }

    /// <summary>Configured priority with every tracker's contribution, clamped.</summary>
    public required int EffectivePriority { get; init; }

    public ImmutableArray<TrackerContribution> Trackers { get; init; } = [];

    /// <summary>Who is MASTER as far as we know: us when MASTER, the accepted master's source when BACKUP.</summary>
    public IPAddress? MasterAddress { get; init; }

    /// <summary>The last accepted master's priority (-1: none).</summary>
    public int MasterPriority { get; init; } = -1;

    /// <summary>Master_Adver_Interval in µs (ours, or a v3 master's).</summary>
    public long MasterAdverIntervalMicros { get; init; }

    public long AdvertIntervalMicros { get; init; }

    public TransitionRecord? LastTransition { get; init; }

    /// <summary>The last advert from each router heard (at most <see cref="InstanceObservations.MaxPeers"/>).</summary>
    public ImmutableArray<PeerAdvert> Peers { get; init; } = [];

    /// <summary>Why the instance is in its state, in words.</summary>
    public string Explanation { get; init; } = "";

    /// <summary>keepalived's counters since the start or the last STATS_CLEAR (receive errors included).</summary>
    public VrrpInstanceStats Stats { get; init; } = VrrpInstanceStats.Zero;

    /// <summary>The same counters since the actor started, never cleared (the metrics' counters).</summary>
    public VrrpInstanceStats Totals { get; init; } = VrrpInstanceStats.Zero;

    /// <summary>Transitions since the actor started.</summary>
    public long Transitions { get; init; }

    /// <summary>Adverts the timer thread sent for this MASTER without waking the instance (<see cref="AdvertPacer"/>),
    /// since the instance started: included in the sent counts; shows the shortcut at work.</summary>
    public long AdvertsPaced { get; init; }

    /// <summary>One of its own fault sources fails.</summary>
    public bool Faulted { get; init; }

    /// <summary>Why it cannot run at all (missing interface or address), if so.</summary>
    public string? ConfigFault { get; init; }

    public bool InSyncGroup { get; init; }

    public bool Preempt { get; init; } = true;

    /// <summary>Adverts for this VRID the I/O actor dropped, by reason, since it started (filled in by the status
    /// query from the I/O actor's <see cref="IoStatus.DiscardsByVrid"/>).</summary>
    public ImmutableSortedDictionary<VrrpDiscard, long> Discards { get; init; } = ImmutableSortedDictionary<VrrpDiscard, long>.Empty;
}

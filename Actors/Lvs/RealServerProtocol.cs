using System.Collections.Immutable;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Status;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>What a <see cref="RealServerActor"/> needs besides its own block.</summary>
/// <param name="VirtualServer">Its virtual server (for the probes' context and log lines).</param>
/// <param name="RealServer">Its block and checkers.</param>
/// <param name="Probes">Builds one probe per checker (the real factory in the daemon, scripted fakes in specs).</param>
/// <param name="Ssl">The root SSL block (SSL_GET).</param>
/// <param name="Globals">global_defs (script user and the like).</param>
/// <param name="ChecksEnabled">False while ha_suspend holds the checkers (the VIP is not here).</param>
/// <param name="Health">The checkers' health to start from (a reload keeps an unchanged checker's health), by index;
/// empty: each checker's <see cref="HealthPolicy.Initial"/>.</param>
public sealed record RealServerSetup(
    VirtualServerConfig VirtualServer,
    RealServerConfig RealServer,
    IHealthProbeFactory Probes,
    SslConfig? Ssl,
    GlobalDefs Globals,
    bool ChecksEnabled = true,
    ImmutableArray<CheckerHealth> Health = default)
{
    /// <summary>The first check comes after this delay plus a random part of warmup (keepalived's BOOTSTRAP_DELAY, one
    /// second, check_api.c register_checkers_thread).</summary>
    public TimeSpan BootstrapDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A number in [0, 1) for the random warmup part (tests pass a fixed one).</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;
}

/// <summary>To the real server's parent: all its checkers now say up, or one says down (edges only).</summary>
public sealed record RealServerHealthChanged(RealServerKey Server, bool Up, string Reason);

/// <summary>To the parent: an alpha real server's first check failed (it started down; keepalived runs notify_down).</summary>
public sealed record RealServerConfirmedDown(RealServerKey Server, string Reason);

/// <summary>To the parent: a MISC_CHECK with misc_dynamic set a new effective weight.</summary>
public sealed record RealServerWeightChanged(RealServerKey Server, long Weight);

/// <summary>ha_suspend: checkers run (true) or are held (false; their timers still tick, nothing is probed).</summary>
public sealed record SetChecksEnabled(bool Enabled);

/// <summary>A reload changed the real server's checkers: checkers equal to a current one (same index, same block)
/// keep their health; the others start afresh.</summary>
public sealed record ReconfigureRealServer(VirtualServerConfig VirtualServer, RealServerConfig RealServer);

/// <summary>Asks a real server for its <see cref="RealServerStatus"/>.</summary>
public sealed record GetRealServerStatus
{
    public static GetRealServerStatus Instance { get; } = new();
}

/// <summary>One checker as the status endpoint and the metrics show it.</summary>
/// <param name="Describe">keepalived's style: <c>TCP_CHECK on [10.0.0.2]:80</c>.</param>
/// <param name="Health">Up, retries, last result.</param>
/// <param name="Passed">Checks that succeeded since start.</param>
/// <param name="Failed">Checks that failed since start.</param>
/// <param name="Durations">How long the checks took.</param>
public sealed record CheckerStatus(string Describe, CheckerHealth Health, long Passed, long Failed, HistogramSnapshot Durations);

/// <summary>A real server's checkers, and those that could not be created.</summary>
public sealed record RealServerStatus(RealServerKey Server, bool Up, ImmutableArray<CheckerStatus> Checkers, ImmutableArray<string> Unusable);

using System.Collections.Immutable;
using Akka.Actor;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>What a <see cref="VirtualServerActor"/> needs.</summary>
/// <param name="Config">Its virtual_server block.</param>
/// <param name="Groups">The virtual_server_groups of the configuration (a group key expands through them).</param>
/// <param name="Effector">The netlink effector (every IPVS change goes there).</param>
/// <param name="Notifier">The node's notifier (scripts and FIFO lines), or null for none.</param>
/// <param name="Probes">Builds the checkers' probes.</param>
/// <param name="Ssl">The root SSL block.</param>
/// <param name="Globals">global_defs.</param>
/// <param name="Observed">The kernel's entries for this virtual server's services when it starts (they are ours:
/// configured); the first ops make them match.</param>
/// <param name="VipInstance">ha_suspend: the vrrp_instance whose VIPs include the virtual address; its checkers run
/// only while that instance is MASTER (its transitions on the event stream; its current state from an
/// <see cref="KeepAlive.Actors.Vrrp.InstanceReport"/> the node has it send, since an instance MASTER already publishes
/// nothing). Null: nothing to follow, the checkers run.</param>
public sealed record VirtualServerSetup(
    VirtualServerConfig Config,
    ImmutableArray<VirtualServerGroupConfig> Groups,
    IActorRef Effector,
    IActorRef? Notifier,
    IHealthProbeFactory Probes,
    SslConfig? Ssl,
    GlobalDefs Globals,
    ImmutableArray<IpvsServiceState> Observed,
    string? VipInstance)
{
    /// <summary>After an IPVS op failed, the kernel table is read again and reconciled after this long.</summary>
    public TimeSpan ResyncDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Passed to each real server (<see cref="RealServerSetup.BootstrapDelay"/>).</summary>
    public TimeSpan BootstrapDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Passed to each real server (<see cref="RealServerSetup.Random"/>).</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;
}

/// <summary>A reload changed the virtual server (or the groups it expands through, or the instance holding its VIP).
/// Unchanged real servers receive nothing; one whose checkers changed is reconfigured; a weight change is one IPVS op.</summary>
public sealed record ReconfigureVirtualServer(VirtualServerConfig Config, ImmutableArray<VirtualServerGroupConfig> Groups, string? VipInstance);

/// <summary>The node stops or a reload removed the virtual server: omega notifications, then its IPVS services are
/// removed when <paramref name="Release"/> (not with --dont-release-ipvs); answered with
/// <see cref="VirtualServerStopped"/> once the effector applied that, and the actor stops its checkers.</summary>
public sealed record StopVirtualServer(bool Release);

/// <summary>The answer to <see cref="StopVirtualServer"/>.</summary>
public sealed record VirtualServerStopped(string Name);

/// <summary>Asks a virtual server for its <see cref="KeepAlive.Actors.Status.VirtualServerReport"/>.</summary>
public sealed record GetVirtualServerStatus
{
    public static GetVirtualServerStatus Instance { get; } = new();
}

using System.Collections.Immutable;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>One real server's live view: keepalived's <c>alive</c> and <c>effective_weight</c>.</summary>
public readonly record struct RealServerLive(bool Alive, long EffectiveWeight);

/// <summary>A virtual server's live view.</summary>
/// <param name="Servers">Every real server of the spec, by key.</param>
/// <param name="QuorumUp">keepalived's <c>quorum_state_up</c>.</param>
/// <param name="SorryActive">The sorry server is in the pool (keepalived's <c>s_svr-&gt;alive</c>).</param>
/// <param name="Suspended">ha_suspend: the VIP is not here, checkers do not run and their results are ignored.</param>
public sealed record VirtualServerState(
    ImmutableDictionary<RealServerKey, RealServerLive> Servers,
    bool QuorumUp,
    bool SorryActive,
    bool Suspended)
{
    /// <summary>Checkers should run (not suspended by ha_suspend).</summary>
    public bool ChecksEnabled => !Suspended;
}

/// <summary>One destination the virtual server wants in IPVS, before it is laid on a service (ports and forwarding
/// come from the config mapping).</summary>
/// <param name="Server">The real (or sorry) server.</param>
/// <param name="Weight">The IPVS weight (0 = inhibited).</param>
/// <param name="IsSorry">This is the sorry server.</param>
public readonly record struct DesiredDestination(RealServerKey Server, int Weight, bool IsSorry);

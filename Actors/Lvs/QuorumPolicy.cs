using System.Collections.Immutable;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>
/// keepalived 2.2.7's virtual server logic (check/ipwrapper.c weigh_live_realservers, update_quorum_state,
/// perform_svr_state, perform_quorum_state, init_service_rs, init_service_vs, update_svr_wgt, clear_service_rs,
/// update_vs_notifies; check/ipvswrapper.c ipvs_cmd for inhibit), pure. The pool is derived, not patched:
/// <see cref="Desired"/> gives the destinations the kernel should hold, and the reconciler turns that into ops.
/// <list type="bullet">
/// <item>Live weight = sum of real_weight(effective weight) of the alive real servers.</item>
/// <item>Quorum gained when down and sum ≥ quorum + hysteresis; lost when up and sum &lt; quorum − hysteresis or
/// sum = 0. Edges only. A sum of 0 never holds quorum (keepalived would gain it with a quorum lowered to 0 and lose it
/// again at the next change, flapping).</item>
/// <item>While quorum is lost and there is a sorry server, the sorry server (weight 1) is the pool: alive real servers
/// leave it (inhibit_on_failure ones stay at weight 0).</item>
/// <item>A failed real server leaves the pool, or stays at weight 0 with inhibit_on_failure.</item>
/// <item>sorry_server_inhibit keeps the sorry server at weight 0 while it is not needed.</item>
/// <item>Start: every real server without an alpha checker is alive; quorum is then evaluated once ("Starting with
/// quorum up"; "Starting with quorum down" only when there is a sorry server to put in).</item>
/// <item>Stop: with omega, notify_down for every alive real server and quorum_down; without, nothing.</item>
/// </list>
/// </summary>
public static class QuorumPolicy
{
    /// <summary>The state at start-up and the notifications keepalived raises then. With global_defs
    /// <c>rs_init_notifies</c>, notify_up for every real server that starts alive comes first (init_service_rs).</summary>
    public static (VirtualServerState State, ImmutableArray<LvsEvent> Events) Start(VirtualServerSpec spec, bool rsInitNotifies = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var servers = spec.RealServers.ToImmutableDictionary(rs => rs.Key, rs => new RealServerLive(rs.StartsUp, rs.Weight));
        var state = new VirtualServerState(servers, QuorumUp: false, SorryActive: false, Suspended: spec.HaSuspend);
        var events = ImmutableArray.CreateBuilder<LvsEvent>();
        if (rsInitNotifies)
            events.AddRange(spec.RealServers.Where(rs => rs.StartsUp).Select(rs => new LvsEvent.RealServerUp(rs.Key)));
        state = Evaluate(spec, state, init: true, events);
        return (state, events.ToImmutable());
    }

    /// <summary>A real server's checkers now say alive (all up) or not.</summary>
    public static (VirtualServerState State, ImmutableArray<LvsEvent> Events) RealServerChanged(VirtualServerSpec spec, VirtualServerState state, RealServerKey server, bool alive)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Suspended || !state.Servers.TryGetValue(server, out var live) || live.Alive == alive)
            return (state, []);
        var events = ImmutableArray.CreateBuilder<LvsEvent>();
        state = state with { Servers = state.Servers.SetItem(server, live with { Alive = alive }) };
        events.Add(alive ? new LvsEvent.RealServerUp(server) : new LvsEvent.RealServerDown(server, Initial: false, Stopping: false));
        state = Evaluate(spec, state, init: false, events);
        return (state, events.ToImmutable());
    }

    /// <summary>A reload changed the virtual server (keepalived clear_diff_rs and migrate_checkers): a real server kept
    /// across the reload keeps its alive state and its effective weight unless its configured weight changed (then the
    /// new one applies); a new one starts as at start-up; a removed one is gone; the quorum state and the sorry server
    /// carry over and quorum is evaluated again against the new figures.</summary>
    public static (VirtualServerState State, ImmutableArray<LvsEvent> Events) Reconfigure(VirtualServerSpec previous, VirtualServerSpec spec, VirtualServerState state)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        var before = previous.RealServers.ToDictionary(rs => rs.Key, rs => rs.Weight);
        var servers = spec.RealServers.ToImmutableDictionary(rs => rs.Key, rs =>
            state.Servers.TryGetValue(rs.Key, out var live)
                ? live with { EffectiveWeight = before.TryGetValue(rs.Key, out var w) && w == rs.Weight ? live.EffectiveWeight : rs.Weight }
                : new RealServerLive(rs.StartsUp, rs.Weight));
        state = state with
        {
            Servers = servers,
            Suspended = spec.HaSuspend && state.Suspended,
            SorryActive = spec.Sorry is not null && state.SorryActive,
        };
        var events = ImmutableArray.CreateBuilder<LvsEvent>();
        state = Evaluate(spec, state, init: false, events);
        return (state, events.ToImmutable());
    }

    /// <summary>An alpha real server's first check failed: it was already down, but keepalived runs notify_down.</summary>
    public static ImmutableArray<LvsEvent> ConfirmDown(VirtualServerState state, RealServerKey server)
    {
        ArgumentNullException.ThrowIfNull(state);
        return !state.Suspended && state.Servers.TryGetValue(server, out var live) && !live.Alive
            ? [new LvsEvent.RealServerDown(server, Initial: true, Stopping: false)]
            : [];
    }

    /// <summary>A real server's effective weight changed (MISC_CHECK misc_dynamic, FILE_CHECK, a reload): the pool
    /// follows through <see cref="Desired"/>; quorum is re-evaluated when the IPVS weight changed (update_svr_wgt).</summary>
    public static (VirtualServerState State, ImmutableArray<LvsEvent> Events) WeightChanged(VirtualServerSpec spec, VirtualServerState state, RealServerKey server, long weight)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        if (!state.Servers.TryGetValue(server, out var live))
            return (state, []);
        var changed = VirtualServerSpec.RealWeight(weight) != VirtualServerSpec.RealWeight(live.EffectiveWeight);
        state = state with { Servers = state.Servers.SetItem(server, live with { EffectiveWeight = weight }) };
        if (!changed)
            return (state, []);
        var events = ImmutableArray.CreateBuilder<LvsEvent>();
        state = Evaluate(spec, state, init: false, events);
        return (state, events.ToImmutable());
    }

    /// <summary>ha_suspend: whether the VIP of the virtual server is here (its VRRP instance is MASTER). Without
    /// ha_suspend this changes nothing. keepalived only stops the checkers; the pool stays as it is.</summary>
    public static VirtualServerState VipPresent(VirtualServerSpec spec, VirtualServerState state, bool present)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        return spec.HaSuspend ? state with { Suspended = !present } : state;
    }

    /// <summary>Shut-down notifications (clear_service_rs, update_vs_notifies with stopping): with omega, notify_down
    /// for each alive real server, then quorum_down; without omega none.</summary>
    public static ImmutableArray<LvsEvent> Stop(VirtualServerSpec spec, VirtualServerState state)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        if (!spec.Omega)
            return [];
        var events = ImmutableArray.CreateBuilder<LvsEvent>();
        foreach (var rs in spec.RealServers)
        {
            if (state.Servers.TryGetValue(rs.Key, out var live) && live.Alive)
                events.Add(new LvsEvent.RealServerDown(rs.Key, Initial: false, Stopping: true));
        }
        events.Add(new LvsEvent.QuorumDown(spec.Quorum - spec.Hysteresis, LiveWeight(state), Initial: false, Stopping: true));
        return events.ToImmutable();
    }

    /// <summary>keepalived's weigh_live_realservers (saturating instead of overflowing).</summary>
    public static long LiveWeight(VirtualServerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var sum = 0L;
        foreach (var live in state.Servers.Values)
        {
            if (live.Alive)
                sum = VirtualServerSpec.SaturatingAdd(sum, VirtualServerSpec.RealWeight(live.EffectiveWeight));
        }
        return sum;
    }

    /// <summary>The destinations the kernel should hold for this virtual server, in spec order, sorry server last.</summary>
    public static ImmutableArray<DesiredDestination> Desired(VirtualServerSpec spec, VirtualServerState state)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(state);
        var result = ImmutableArray.CreateBuilder<DesiredDestination>();
        var sorryKey = spec.Sorry?.Key;
        foreach (var rs in spec.RealServers)
        {
            // The sorry server equal to a real server (keepalived s_svr_duplicates_rs): while it is in, it is that one
            // destination at the sorry server's weight.
            if (state.SorryActive && rs.Key == sorryKey)
                continue;
            if (!state.Servers.TryGetValue(rs.Key, out var live))
                continue;
            if (!state.SorryActive && live.Alive)
                result.Add(new DesiredDestination(rs.Key, VirtualServerSpec.RealWeight(live.EffectiveWeight), IsSorry: false));
            else if (rs.Inhibit)
                result.Add(new DesiredDestination(rs.Key, 0, IsSorry: false));
        }
        if (spec.Sorry is { } sorry)
        {
            if (state.SorryActive)
                result.Add(new DesiredDestination(sorry.Key, 1, IsSorry: true));
            else if (sorry.Inhibit && !state.Servers.ContainsKey(sorry.Key))
                result.Add(new DesiredDestination(sorry.Key, 0, IsSorry: true));
        }
        return result.ToImmutable();
    }

    private static VirtualServerState Evaluate(VirtualServerSpec spec, VirtualServerState state, bool init, ImmutableArray<LvsEvent>.Builder events)
    {
        var sum = LiveWeight(state);
        var threshold = state.QuorumUp ? spec.Quorum - spec.Hysteresis : spec.Quorum + spec.Hysteresis;
        if (!state.QuorumUp && sum >= threshold && sum > 0)
        {
            if (state.SorryActive && spec.Sorry is { } sorry)
                events.Add(new LvsEvent.SorryServer(sorry.Key, Active: false));
            events.Add(new LvsEvent.QuorumUp(threshold, sum, init));
            return state with { QuorumUp = true, SorryActive = false };
        }
        if ((state.QuorumUp && (sum == 0 || sum < threshold)) || (init && !state.QuorumUp && spec.Sorry is not null && !state.SorryActive))
        {
            var sorryIn = spec.Sorry is not null && !state.SorryActive;
            if (sorryIn)
                events.Add(new LvsEvent.SorryServer(spec.Sorry!.Key, Active: true));
            events.Add(new LvsEvent.QuorumDown(threshold, sum, init, Stopping: false));
            return state with { QuorumUp = false, SorryActive = state.SorryActive || sorryIn };
        }
        return state;
    }
}

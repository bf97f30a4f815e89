using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Plane;

/// <summary>Asks the static plane to remove the static set (at exit, after the instances released theirs); answered
/// with <see cref="StaticPlaneReleased"/>.</summary>
public sealed record ReleaseStaticPlane
{
    public static ReleaseStaticPlane Instance { get; } = new();
}

/// <summary>A reload changed static_ipaddress, static_routes or static_rules: hold <paramref name="Plane"/> from now on
/// (only the difference is added and removed; what both have is untouched).</summary>
public sealed record ReplaceStaticPlane(StaticPlane Plane);

/// <summary>The static set is gone (or why not).</summary>
public sealed record StaticPlaneReleased(KernelResult Result);

/// <summary>
/// Holds <c>static_ipaddress</c>, <c>static_routes</c> and <c>static_rules</c> for the whole run, as owner "static"
/// of the effector: acquired at start (again at a restart: acquiring is idempotent), untouched by VRRP transitions,
/// converged by the effector after its own restarts, a static address someone removes put back unless it is
/// <c>no_track</c> (keepalived_netlink.c <c>reinstate_static_address</c>) together with the routes the kernel flushed
/// with it, removed on <see cref="ReleaseStaticPlane"/> (vrrp_daemon.c <c>vrrp_terminate_phase2</c>). Not yet: a static
/// route or rule deleted on its own is put back only by an effector restart (keepalived watches route and rule events,
/// <c>reinstate_static_route</c>; the kernel port reports link and address events only). Thin: <see cref="StaticPlane"/>
/// decides what the set is.
/// </summary>
public sealed class StaticPlaneActor : ReceiveActor
{
    private readonly StaticPlaneHolder _holder;
    private StaticPlane _plane;
    private readonly IActorRef _effector;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _nextOp;
    private (long OpId, IActorRef ReplyTo)? _releasing;

    public StaticPlaneActor(StaticPlane plane, IActorRef effector, StaticPlaneHolder holder)
    {
        _holder = holder;
        _plane = holder.Plane ?? plane;
        _effector = effector;
        Receive<HeldAddressLost>(OnLost);
        Receive<ReleaseStaticPlane>(_ =>
        {
            _releasing = (++_nextOp, Sender);
            _effector.Tell(new ReleaseAddresses(_nextOp, StaticPlane.Owner, _plane.Set));
        });
        Receive<ReplaceStaticPlane>(r =>
        {
            _plane = r.Plane;
            _holder.Plane = r.Plane;
            foreach (var error in _plane.Errors)
                _log.Error("{0}", error);
            _effector.Tell(new ReplaceAddresses(++_nextOp, StaticPlane.Owner, _plane.Set));
        });
        Receive<OpCompleted>(OnCompleted);
    }

    public static Props Props(StaticPlane plane, IActorRef effector)
    {
        var holder = new StaticPlaneHolder();
        return Akka.Actor.Props.Create(() => new StaticPlaneActor(plane, effector, holder));
    }

    protected override void PreStart()
    {
        foreach (var error in _plane.Errors)
            _log.Error("{0}", error);
        if (_plane.Set.Count > 0)
            _effector.Tell(new AcquireAddresses(++_nextOp, StaticPlane.Owner, _plane.Set));
    }

    private void OnLost(HeldAddressLost lost)
    {
        if (lost.Owner != StaticPlane.Owner || _plane.NotTracked.Contains(lost.Address.Key))
            return;
        // The whole set, not only the address: the kernel flushed the routes through the address's subnet with it.
        // Acquiring what is still there is harmless; no_track addresses stay as they are.
        _log.Info("Restoring deleted static address {0}", lost.Address);
        var tracked = _plane.Set with { Addresses = _plane.Set.Addresses.Where(a => !_plane.NotTracked.Contains(a.Key)).ToList() };
        _effector.Tell(new AcquireAddresses(++_nextOp, StaticPlane.Owner, tracked));
    }

    private void OnCompleted(OpCompleted done)
    {
        if (!done.Result.IsOk)
            _log.Warning("static addresses, routes and rules: kernel op {0} failed: {1}", done.OpId, done.Result);
        if (_releasing is { } r && r.OpId == done.OpId)
        {
            r.ReplyTo.Tell(new StaticPlaneReleased(done.Result));
            _releasing = null;
        }
    }
}

/// <summary>The static plane of the last reload, kept across the actor's restarts (null: the one of its Props).</summary>
public sealed class StaticPlaneHolder
{
    internal StaticPlane? Plane { get; set; }
}

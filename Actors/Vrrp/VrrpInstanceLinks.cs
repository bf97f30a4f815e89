using Akka.Actor;

namespace KeepAlive.Actors.Vrrp;

/// <summary>The actors an instance talks to. All are stable references (a restarted actor keeps its reference).</summary>
/// <param name="Io">The I/O actor of the instance's interface and family.</param>
/// <param name="Effector">The node's netlink effector.</param>
/// <param name="SyncGroup">Its vrrp_sync_group, if any.</param>
/// <param name="Notifier">Where transitions go for notify scripts, the FIFO and mail (in order), if anywhere.</param>
/// <param name="Trackers">The tracker actors of its tracked objects: asked for their state at every (re)start.</param>
public sealed record VrrpInstanceLinks(
    IActorRef Io,
    IActorRef Effector,
    IActorRef? SyncGroup = null,
    IActorRef? Notifier = null,
    IReadOnlyList<IActorRef>? Trackers = null);

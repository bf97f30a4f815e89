using Akka.Actor;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tracking;

/// <summary>
/// A tracked interface (track_interface, or an instance's own interface): subscribes to the effector's link events,
/// reads the links at every (re)start and after events were lost, and reports <see cref="TrackedStatus"/> (up = administratively up with
/// carrier) to its subscribers at each change; answers <see cref="QueryTracked"/>. An interface that does not exist
/// is down.
/// </summary>
public sealed class InterfaceTrackerActor : ReceiveActor
{
    private readonly string _interface;
    private readonly string _key;
    private readonly IActorRef _effector;
    private readonly TrackerSubscribers _subscribers;
    private bool? _up;

    public InterfaceTrackerActor(string interfaceName, IActorRef effector, TrackerSubscribers subscribers)
    {
        _interface = interfaceName;
        _key = TrackerNames.Interface(interfaceName);
        _effector = effector;
        _subscribers = subscribers;
        Receive<LinksSnapshot>(s =>
        {
            if (s.Result.IsOk)
                Set(s.Links.Any(l => l.Name == _interface && l.IsUp));
        });
        Receive<KernelEvent.LinkChanged>(e => e.Link.Name == _interface, e => Set(e.Link.IsUp));
        Receive<KernelEvent.LinkRemoved>(e => e.Name == _interface, _ => Set(false));
        // Events were lost (netlink ENOBUFS): a link change may be among them.
        Receive<KernelEvent.Resync>(_ => _effector.Tell(GetLinks.Instance));
        Receive<KernelEvent>(_ => { });
        Receive<UpdateSubscribers>(u => _subscribers.Replace(u.Paths));
        Receive<QueryTracked>(_ =>
        {
            if (_up is { } up)
                Sender.Tell(new TrackedStatus(_key, up));
        });
    }

    public static Props Props(string interfaceName, IActorRef effector, TrackerSubscribers subscribers) =>
        Akka.Actor.Props.Create(() => new InterfaceTrackerActor(interfaceName, effector, subscribers));

    protected override void PreStart()
    {
        _effector.Tell(SubscribeKernelEvents.LinksOnly);
        _effector.Tell(GetLinks.Instance);
    }

    private void Set(bool up)
    {
        if (up == _up)
            return;
        _up = up;
        _subscribers.Tell(Context.System, new TrackedStatus(_key, up), Self);
    }
}

using Akka.Actor;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tracking;

/// <summary>
/// A tracked interface (track_interface, or the instance's own interface): follows the kernel's link events on the
/// event stream (the effector publishes them) and reports its effect to every instance that tracks it, once at start
/// and on every change of up/down.
/// </summary>
public sealed class InterfaceTrackerActor : ReceiveActor
{
    private readonly string _interface;
    private readonly int _weight;
    private readonly bool _reverse;
    private readonly IReadOnlyList<IActorRef> _instances;
    private bool _up;

    public InterfaceTrackerActor(string interfaceName, int weight, bool reverse, bool initiallyUp, IReadOnlyList<IActorRef> instances)
    {
        _interface = interfaceName;
        _weight = weight;
        _reverse = reverse;
        _instances = instances;
        _up = initiallyUp;
        Receive<KernelEvent.LinkChanged>(e => e.Link.Name == _interface, e => Set(e.Link.IsUp));
        Receive<KernelEvent.LinkRemoved>(e => e.Name == _interface, _ => Set(false));
    }

    public static Props Props(string interfaceName, int weight, bool reverse, bool initiallyUp, IReadOnlyList<IActorRef> instances) =>
        Akka.Actor.Props.Create(() => new InterfaceTrackerActor(interfaceName, weight, reverse, initiallyUp, instances));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(KernelEvent));
        Report();
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Set(bool up)
    {
        if (up == _up)
            return;
        _up = up;
        Report();
    }

    private void Report()
    {
        var report = new TrackerReport($"interface {_interface}", TrackerPolicy.UpDown(_up, _weight, _reverse));
        foreach (var instance in _instances)
            instance.Tell(report);
    }
}

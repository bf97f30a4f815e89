using Akka.Actor;
using Akka.Event;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>What the effector holds, kept outside the actor instance so a restarted effector still knows it.</summary>
public sealed class EffectorMemory
{
    internal Dictionary<string, List<InterfaceAddress>> Held { get; } = new(StringComparer.Ordinal);

    internal bool Started { get; set; }

    internal HashSet<IActorRef> EventSubscribers { get; } = [];
}

/// <summary>
/// The only holder of <see cref="IKernelPort"/>: every kernel side effect of the node goes through here, one op at a
/// time (the mailbox is the queue), answered with <see cref="OpCompleted"/> in order. An address op is all or
/// nothing: when one address of an owner's set fails, the ones this op added are removed again, so no owner is ever
/// left half-configured. It remembers what each owner holds (the status endpoint shows it) in an
/// <see cref="EffectorMemory"/> that survives restarts: a restarted effector re-reads the kernel and puts back what
/// is missing. At its first start it removes the configured addresses a killed predecessor left behind.
/// </summary>
public sealed class NetlinkEffectorActor : ReceiveActor
{
    private readonly IKernelPort _kernel;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, List<InterfaceAddress>> _held;
    private readonly EffectorMemory _memory;
    private readonly IReadOnlyList<InterfaceAddress> _configured;
    private long _applied;
    private long _failed;

    public NetlinkEffectorActor(IKernelPort kernel, EffectorMemory memory, IReadOnlyList<InterfaceAddress> configured)
    {
        _kernel = kernel;
        _memory = memory;
        _held = memory.Held;
        _configured = configured;
        Receive<AcquireAddresses>(Acquire);
        Receive<ReleaseAddresses>(Release);
        Receive<SendFrames>(Send);
        Receive<KernelEvent>(e =>
        {
            foreach (var subscriber in _memory.EventSubscribers)
                subscriber.Tell(e);
        });
        Receive<SubscribeKernelEvents>(_ => _memory.EventSubscribers.Add(Sender));
        Receive<GetHostFacts>(_ =>
        {
            IReadOnlyList<InterfaceAddress> addresses = [];
            var r = _kernel.Links(out var links);
            if (r.IsOk)
                r = _kernel.Addresses(out addresses);
            Sender.Tell(r.IsOk
                ? new HostFactsSnapshot(KernelResult.Ok, new KeepAlive.Actors.Node.HostFacts(links, addresses))
                : new HostFactsSnapshot(r, KeepAlive.Actors.Node.HostFacts.Empty));
        });
        Receive<GetLinks>(_ =>
        {
            var r = _kernel.Links(out var links);
            Sender.Tell(new LinksSnapshot(r, r.IsOk ? links : []));
        });
        Receive<GetEffectorStatus>(_ => Sender.Tell(new EffectorStatus(
            _held.ToDictionary(x => x.Key, x => (IReadOnlyList<InterfaceAddress>)x.Value.ToList(), StringComparer.Ordinal), _applied, _failed)));
    }

    public static Props Props(IKernelPort kernel, EffectorMemory? memory = null, IReadOnlyList<InterfaceAddress>? configured = null)
    {
        var m = memory ?? new EffectorMemory();
        var c = configured ?? [];
        return Akka.Actor.Props.Create(() => new NetlinkEffectorActor(kernel, m, c));
    }

    private IDisposable? _events;

    protected override void PostStop() => _events?.Dispose();

    protected override void PreStart()
    {
        // Kernel events (link state, addresses changed behind our back) go to the subscribers through this actor.
        var self = Self;
        _events = _kernel.Subscribe(e => self.Tell(e));
        if (_memory.Started)
        {
            Converge();
            return;
        }
        _memory.Started = true;
        // A predecessor killed with -9 left its VIPs: nobody is MASTER yet, so none of ours may stay.
        if (_configured.Count == 0 || !_kernel.Addresses(out var present).IsOk)
            return;
        foreach (var stale in present.Where(p => _configured.Any(c => c.Key == p.Key)))
        {
            var r = _kernel.RemoveAddress(stale);
            _log.Info("removed {Address} left behind by a previous run: {Result}", stale, r);
        }
    }

    protected override void PostRestart(Exception reason)
    {
        _log.Warning("effector restarted after {Error}; converging the kernel to what it holds", reason.Message);
        PreStart();
    }

    /// <summary>After a restart: every address an owner holds must be in the kernel again.</summary>
    private void Converge()
    {
        if (!_kernel.Addresses(out var present).IsOk)
            return;
        foreach (var (owner, addresses) in _held)
        {
            foreach (var missing in addresses.Where(a => !present.Any(p => p.Key == a.Key)))
            {
                var r = _kernel.AddAddress(missing);
                _log.Info("{Owner}: put back {Address}: {Result}", owner, missing, r);
            }
        }
    }

    private void Acquire(AcquireAddresses op)
    {
        var added = new List<InterfaceAddress>();
        foreach (var address in op.Addresses)
        {
            var r = _kernel.AddAddress(address);
            if (r.IsOk)
            {
                added.Add(address);
                continue;
            }
            // All or nothing: undo this op's additions before answering.
            foreach (var undo in added)
                _kernel.RemoveAddress(undo);
            _failed++;
            _log.Warning("{Owner}: adding {Address} failed ({Result}); the {Count} addresses added by this op were removed again", op.Owner, address, r, added.Count);
            Sender.Tell(new OpCompleted(op.OpId, r));
            return;
        }
        if (!_held.TryGetValue(op.Owner, out var held))
            _held[op.Owner] = held = new List<InterfaceAddress>();
        foreach (var a in added.Where(a => !held.Any(h => h.Key == a.Key)))
            held.Add(a);
        _applied++;
        Sender.Tell(new OpCompleted(op.OpId, KernelResult.Ok));
    }

    private void Release(ReleaseAddresses op)
    {
        var first = KernelResult.Ok;
        foreach (var address in op.Addresses)
        {
            var r = _kernel.RemoveAddress(address);
            if (!r.IsOk && first.IsOk)
                first = r;
        }
        if (_held.TryGetValue(op.Owner, out var held))
        {
            held.RemoveAll(h => op.Addresses.Any(a => a.Key == h.Key));
            if (held.Count == 0)
                _held.Remove(op.Owner);
        }
        if (first.IsOk)
            _applied++;
        else
            _failed++;
        Sender.Tell(new OpCompleted(op.OpId, first));
    }

    private void Send(SendFrames op)
    {
        var first = KernelResult.Ok;
        foreach (var frame in op.Frames)
        {
            var r = _kernel.SendFrame(op.Interface, frame);
            if (!r.IsOk && first.IsOk)
                first = r;
        }
        Sender.Tell(new OpCompleted(op.OpId, first));
    }
}

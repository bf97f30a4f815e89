using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// An in-memory kernel with the Linux port's error semantics, and a log of every operation: the kernel of actor
/// specs, of fault-injection tests and of <c>--dry-run</c>. Adds of what exists and removes of what is gone succeed
/// (as LinuxKernelPort maps EEXIST / EADDRNOTAVAIL / ESRCH); a missing device is ENODEV; a frame on a link that is
/// down is ENETDOWN. Faults can be injected per operation kind. Thread-safe.
/// </summary>
public sealed class RecordingKernelPort : IKernelPort
{
    public const int ENODEV = 19;
    public const int EEXIST = 17;
    public const int ENETDOWN = 100;

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkState> _links = new(StringComparer.Ordinal);
    private readonly List<InterfaceAddress> _addresses = new();
    private readonly List<RouteSpec> _routes = new();
    private readonly List<RuleSpec> _rules = new();
    private readonly List<KernelOp> _log = new();
    private readonly List<(string Interface, byte[] Frame)> _frames = new();
    private readonly Dictionary<KernelOpKind, Queue<int>> _faults = new();
    private readonly List<Action<KernelEvent>> _subscribers = new();
    private readonly List<KernelEvent> _pending = new();
    private int _nextIndex = 1;
    private long _sequence;

    /// <summary>Adds a link (a NIC of the fake host), up with carrier unless told otherwise.</summary>
    public RecordingKernelPort WithLink(string name, int mtu = 1500, bool up = true, byte[]? mac = null)
    {
        lock (_gate)
        {
            int index = _nextIndex++;
            _links[name] = new LinkState(index, name, up, up, mtu, mac ?? [0x02, 0, 0, 0, 0, (byte)index]);
        }
        return this;
    }

    /// <summary>The in-memory IPVS of this fake kernel.</summary>
    public RecordingIpvs RecordingIpvs { get; } = new();

    public IIpvsPort Ipvs => RecordingIpvs;

    /// <summary>The in-memory nf_tables drop sets.</summary>
    public InMemoryVipFirewall RecordingFirewall { get; } = new();

    public IVipFirewall Firewall => RecordingFirewall;

    /// <summary>Every operation so far, in order.</summary>
    public IReadOnlyList<KernelOp> Log
    {
        get
        {
            lock (_gate)
                return _log.ToList();
        }
    }

    /// <summary>Every frame sent, with its interface.</summary>
    public IReadOnlyList<(string Interface, byte[] Frame)> Frames
    {
        get
        {
            lock (_gate)
                return _frames.ToList();
        }
    }

    /// <summary>The next <paramref name="times"/> operations of <paramref name="kind"/> fail with <paramref name="errno"/>
    /// and change nothing.</summary>
    public void InjectFault(KernelOpKind kind, int errno, int times = 1)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(kind, out var queue))
                _faults[kind] = queue = new Queue<int>();
            for (int i = 0; i < times; i++)
                queue.Enqueue(errno);
        }
    }

    /// <summary>Changes a link's state as the outside world would (cable pulled, ip link set down) and reports it.</summary>
    public void SetLink(string name, bool adminUp, bool carrier)
    {
        LinkState changed;
        lock (_gate)
        {
            changed = _links[name] with { AdminUp = adminUp, Carrier = carrier };
            _links[name] = changed;
        }
        Publish(new KernelEvent.LinkChanged(changed));
    }

    /// <summary>Removes an address without being asked (another tool, an operator): reported as an event.</summary>
    public void RemoveAddressBehindOurBack(InterfaceAddress address)
    {
        bool removed;
        lock (_gate)
            removed = _addresses.RemoveAll(a => a.Key == address.Key) > 0;
        if (removed)
            Publish(new KernelEvent.AddressRemoved(address));
    }

    public KernelResult AddAddress(InterfaceAddress address) =>
        Do(KernelOpKind.AddAddress, address.ToString(), () =>
        {
            if (!_links.ContainsKey(address.Interface))
                return (NoDevice(address.Interface), null);
            if (_addresses.Any(a => a.Key == address.Key))
                return (KernelResult.Ok, null);
            _addresses.Add(address);
            return (KernelResult.Ok, new KernelEvent.AddressAdded(address));
        });

    public KernelResult RemoveAddress(InterfaceAddress address) =>
        Do(KernelOpKind.RemoveAddress, address.ToString(), () =>
        {
            // No device, so no address on it: already gone (as LinuxKernelPort).
            return _addresses.RemoveAll(a => a.Key == address.Key) > 0
                ? (KernelResult.Ok, new KernelEvent.AddressRemoved(address))
                : (KernelResult.Ok, null);
        });

    public KernelResult AddRoute(RouteSpec route) =>
        Do(KernelOpKind.AddRoute, route.ToString(), () =>
        {
            if (route.Interface is { } dev && !_links.ContainsKey(dev))
                return (NoDevice(dev), null);
            if (!_routes.Contains(route))
                _routes.Add(route);
            return (KernelResult.Ok, null);
        });

    public KernelResult RemoveRoute(RouteSpec route) =>
        Do(KernelOpKind.RemoveRoute, route.ToString(), () =>
        {
            _routes.Remove(route);
            return (KernelResult.Ok, null);
        });

    public KernelResult AddRule(RuleSpec rule) =>
        Do(KernelOpKind.AddRule, rule.ToString(), () =>
        {
            if (!_rules.Contains(rule))
                _rules.Add(rule);
            return (KernelResult.Ok, null);
        });

    public KernelResult RemoveRule(RuleSpec rule) =>
        Do(KernelOpKind.RemoveRule, rule.ToString(), () =>
        {
            _rules.Remove(rule);
            return (KernelResult.Ok, null);
        });

    public KernelResult CreateMacvlan(MacvlanSpec link) =>
        Do(KernelOpKind.CreateMacvlan, link.ToString(), () =>
        {
            if (!_links.TryGetValue(link.BaseInterface, out var parent))
                return (NoDevice(link.BaseInterface), null);
            if (_links.TryGetValue(link.Name, out var existing))
                return existing.Mac.AsSpan().SequenceEqual(link.Mac)
                    ? (KernelResult.Ok, null)
                    : (KernelResult.Fail(EEXIST, $"{link.Name} exists with another MAC"), null);
            var state = new LinkState(_nextIndex++, link.Name, parent.AdminUp, parent.Carrier, parent.Mtu, link.Mac.ToArray());
            _links[link.Name] = state;
            return (KernelResult.Ok, new KernelEvent.LinkChanged(state));
        });

    public KernelResult DeleteLink(string name)
    {
        // The kernel reports each address of a deleted link as removed (RTM_DELADDR), then the link (RTM_DELLINK).
        return Do(KernelOpKind.DeleteLink, name, () =>
        {
            if (!_links.Remove(name, out var gone))
                return (KernelResult.Ok, null);
            foreach (var a in _addresses.Where(a => a.Interface == name))
                _pending.Add(new KernelEvent.AddressRemoved(a));
            _addresses.RemoveAll(a => a.Interface == name);
            return (KernelResult.Ok, new KernelEvent.LinkRemoved(gone.Index, name));
        });
    }

    public KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame)
    {
        var copy = frame.ToArray();
        return Do(KernelOpKind.SendFrame, $"{interfaceName} {copy.Length} bytes", () =>
        {
            if (!_links.TryGetValue(interfaceName, out var link))
                return (NoDevice(interfaceName), null);
            if (!link.IsUp)
                return (KernelResult.Fail(ENETDOWN, $"{interfaceName} is down"), null);
            _frames.Add((interfaceName, copy));
            return (KernelResult.Ok, null);
        });
    }

    public KernelResult Links(out IReadOnlyList<LinkState> links)
    {
        lock (_gate)
            links = _links.Values.OrderBy(l => l.Index).ToList();
        return KernelResult.Ok;
    }

    public KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses)
    {
        lock (_gate)
            addresses = _addresses.ToList();
        return KernelResult.Ok;
    }

    /// <summary>The routes installed now.</summary>
    public IReadOnlyList<RouteSpec> Routes
    {
        get
        {
            lock (_gate)
                return _routes.ToList();
        }
    }

    /// <summary>The rules installed now.</summary>
    public IReadOnlyList<RuleSpec> Rules
    {
        get
        {
            lock (_gate)
                return _rules.ToList();
        }
    }

    public IDisposable Subscribe(Action<KernelEvent> onEvent)
    {
        lock (_gate)
            _subscribers.Add(onEvent);
        return new Subscription(this, onEvent);
    }

    private KernelResult Do(KernelOpKind kind, string target, Func<(KernelResult Result, KernelEvent? Event)> apply)
    {
        KernelResult result;
        KernelEvent? evt = null;
        lock (_gate)
        {
            if (_faults.TryGetValue(kind, out var queue) && queue.Count > 0)
                result = KernelResult.Fail(queue.Dequeue(), $"injected fault on {kind}");
            else
                (result, evt) = apply();
            _log.Add(new KernelOp(++_sequence, kind, target, result));
        }
        KernelEvent[] before;
        lock (_gate)
        {
            before = _pending.ToArray();
            _pending.Clear();
        }
        foreach (var e in before)
            Publish(e);
        if (evt is not null)
            Publish(evt);
        return result;
    }

    private static KernelResult NoDevice(string name) => KernelResult.Fail(ENODEV, $"Cannot find device \"{name}\"");

    private void Publish(KernelEvent evt)
    {
        Action<KernelEvent>[] subscribers;
        lock (_gate)
            subscribers = _subscribers.ToArray();
        foreach (var s in subscribers)
            s(evt);
    }

    private sealed class Subscription(RecordingKernelPort port, Action<KernelEvent> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (port._gate)
                port._subscribers.Remove(handler);
        }
    }
}

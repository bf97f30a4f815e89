using Akka.Actor;
using Akka.Event;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>
/// The only holder of <see cref="IKernelPort"/>: every kernel side effect of the node goes through here, one op at a
/// time (the mailbox is the queue), answered with <see cref="OpCompleted"/> in order. An owner's set (addresses,
/// routes, rules) is acquired all or nothing: when one object fails, the ones this op added are removed again, so no
/// owner is ever left half-configured. It remembers what each owner holds (the status endpoint shows it) in an
/// <see cref="EffectorMemory"/> that survives restarts: a restarted effector puts back what is missing (macvlans,
/// addresses, routes, rules). At its first start it removes the configured objects a killed predecessor left
/// behind. When someone else removes an address an owner holds, the owner's actor is told
/// (<see cref="HeldAddressLost"/>); kernel events also go to every subscriber.
/// </summary>
public sealed partial class NetlinkEffectorActor : ReceiveActor
{
    private readonly IKernelPort _kernel;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly EffectorMemory _memory;
    private readonly KernelSet _configured;
    private VipFirewallSettings _firewall;
    private IDisposable? _events;
    private long _applied;
    private long _failed;

    public NetlinkEffectorActor(IKernelPort kernel, EffectorMemory memory, KernelSet configured, (VipFirewallSettings Settings, bool Needed) firewall = default)
    {
        _firewall = memory.FirewallSettings ??= firewall.Settings ?? new VipFirewallSettings();
        memory.FirewallUsed |= firewall.Needed;
        _kernel = new TimedKernelPort(kernel, memory.OpDurations);     // every kernel call is timed (metrics)
        _memory = memory;
        _configured = configured;
        Receive<AcquireAddresses>(Acquire);
        Receive<AcquireAddressesTogether>(together =>
        {
            foreach (var op in together.Ops)
                _acquisitions.Add((op, op.Holder ?? Sender));
            Flush();
        });
        Receive<ReleaseAddresses>(Release);
        Receive<ReplaceAddresses>(Replace);
        Receive<EnsureMacvlan>(Ensure);
        Receive<RemoveMacvlan>(RemoveLink);
        Receive<SendFrames>(Send);
        Receive<FlushFrames>(_ =>
        {
            _flushQueued = false;
            Flush();
        });
        Receive<KernelEvent>(OnKernelEvent);
        Receive<SubscribeKernelEvents>(subscribe => _memory.EventSubscribers[Sender] = subscribe.Addresses);
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
        Receive<GetEffectorStatus>(_ => Sender.Tell(Status()));
        Receive<ChangeFirewall>(ChangeFirewall);
        ReceiveIpvs();
        Receive<RemoveFirewallTables>(_ =>
        {
            if (_memory.FirewallUsed)
                Log("node", "removed the nftables tables", _firewall.Table, _kernel.Firewall.Remove(_firewall));
        });
    }

    /// <summary>The effector; <paramref name="configured"/> are the VIPs that a killed predecessor may have left.</summary>
    public static Props Props(IKernelPort kernel, EffectorMemory? memory = null, IReadOnlyList<InterfaceAddress>? configured = null) =>
        Props(kernel, memory, KernelSet.Of(configured ?? []));

    /// <summary>The effector; <paramref name="configured"/> is everything instances may hold (VIPs, eVIPs, virtual
    /// routes and rules) that a killed predecessor may have left: removed at the first start.</summary>
    public static Props Props(IKernelPort kernel, EffectorMemory? memory, KernelSet configured, (VipFirewallSettings Settings, bool Needed) firewall = default)
    {
        var m = memory ?? new EffectorMemory();
        return Akka.Actor.Props.Create(() => new NetlinkEffectorActor(kernel, m, configured, firewall));
    }

    protected override void PostStop() => _events?.Dispose();

    /// <summary>Queued acquisitions, their answers and frames wait only behind other acquisitions and frames: anything
    /// else (a release above all, which must not overtake the announcement of what it releases) first applies and
    /// sends what is waiting.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (HasPending && message is not (AcquireAddresses or AcquireAddressesTogether or SendFrames or FlushFrames or KernelEvent))
            Flush();
        return base.AroundReceive(receive, message);
    }

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
        RemoveLeftovers();
        // The first takeover must be as quick as the next: frame sockets open, address code warm.
        var interfaces = _configured.Addresses.Select(a => a.Interface).Distinct(StringComparer.Ordinal).ToList();
        if (interfaces.Count > 0)
        {
            var prepared = _kernel.Prepare(interfaces);
            if (!prepared.IsOk)
                _log.Info("warming up the kernel path for {Interfaces}: {Result}", string.Join(", ", interfaces), prepared);
        }
    }

    /// <summary>Acquisitions applied before the failure are answered (their owners hold the addresses), the others
    /// answered as failed; waiting frames are dropped, as a failed send would be.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var (to, done) in _answers)
            to.Tell(done);
        _answers.Clear();
        // The owners of acquisitions not applied try again (a failed acquisition is retried by a MASTER).
        foreach (var (op, from) in _acquisitions.Skip(_completed))
            from.Tell(new OpCompleted(op.OpId, KernelResult.Fail(Ecanceled, $"the effector restarted ({reason.Message}) before applying it")));
        _acquisitions.Clear();
        _completed = 0;
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _log.Warning("effector restarted after {Error}; converging the kernel to what it holds", reason.Message);
        PreStart();
    }

    /// <summary>A predecessor killed with -9 left its VIPs, routes and rules: nobody is MASTER yet, so none of ours may
    /// stay (keepalived vrrp_restore_interfaces_startup: rules, routes, then addresses).</summary>
    private void RemoveLeftovers()
    {
        if (_memory.FirewallUsed)
            Log("startup", "removed a previous run's nftables tables", _firewall.Table, _kernel.Firewall.Remove(_firewall));
        foreach (var rule in _configured.Rules)
            Log("startup", "removed the leftover rule", rule, _kernel.RemoveRule(rule));
        foreach (var route in _configured.Routes)
            Log("startup", "removed the leftover route", route, _kernel.RemoveRoute(route));
        if (_configured.Addresses.Count == 0 || !_kernel.Addresses(out var present).IsOk)
            return;
        foreach (var stale in present.Where(p => _configured.Addresses.Any(c => c.Key == p.Key)))
            _log.Info("removed {Address} left behind by a previous run: {Result}", stale, _kernel.RemoveAddress(stale));
    }

    /// <summary>After a restart: every link, address, route and rule an owner holds must be in the kernel again.</summary>
    private void Converge()
    {
        foreach (var (owner, holding) in _memory.Held)
        {
            foreach (var link in holding.Links)
                Log(owner, "ensured", link, _kernel.CreateMacvlan(link));
        }
        foreach (var known in _kernel.Firewall.Vmacs.ToList())      // a link created again has a new index
        {
            if (_memory.Held.Values.SelectMany(h => h.Links).FirstOrDefault(l => l.Name == known.Name) is { } vmac)
                Log("node", "refreshed the firewall entries of", vmac.Name, VmacFirewall.Add(_kernel, _firewall, vmac, known.Families));
        }
        var havePresent = _kernel.Addresses(out var present).IsOk;
        foreach (var (owner, holding) in _memory.Held)
        {
            foreach (var missing in holding.Addresses.Where(a => !havePresent || !present.Any(p => p.Key == a.Key)))
                _log.Info("{Owner}: put back {Address}: {Result}", owner, missing, _kernel.AddAddress(missing));
            foreach (var route in holding.Routes)
                Log(owner, "ensured route", route, _kernel.AddRoute(route));
            foreach (var rule in holding.Rules)
                Log(owner, "ensured rule", rule, _kernel.AddRule(rule));
            if (holding.Blocked.Count > 0)
                Log(owner, "ensured the firewall drop of", string.Join(", ", holding.Blocked), _kernel.Firewall.Apply(_firewall, holding.Blocked, []));
        }
    }

    /// <summary>Queued, and applied with the other queued acquisitions once nothing but acquisitions, frames and kernel
    /// events waits (<see cref="ApplyAcquisitions"/>).</summary>
    private void Acquire(AcquireAddresses op)
    {
        _acquisitions.Add((op, op.Holder ?? Sender));
        if (NothingElseWaiting())
            Flush();
        else
            QueueFlush();
    }

    /// <summary>
    /// The queued acquisitions in order, each all or nothing as before, with the addresses of consecutive ones added in
    /// one batch (<see cref="IKernelPort.AddAddresses"/>: one netlink round trip instead of one per address, which on
    /// a sync group's takeover woke the kernel's address worker and every address listener once per VIP). An op with
    /// firewall drops (its drops go in before its addresses) is applied on its own. Once an op of a batch has been
    /// undone, the ops after it add their addresses again one by one: the undo may have taken back one of theirs.
    /// Each answer waits until every acquisition queued with it is applied: they arrive together when a sync group
    /// takes over, and each answer wakes a VRRP thread that then competed with this one for the CPU.
    /// </summary>
    private void ApplyAcquisitions()
    {
        if (_acquisitions.Count == 0)
            return;
        var queued = _acquisitions.ToArray();
        _completed = 0;
        for (int i = 0; i < queued.Length;)
        {
            if (queued[i].Op.Set.Blocked.Count > 0)
            {
                var (op, from) = queued[i++];
                var holding = _memory.For(op.Owner);
                var added = new KernelSetUndo();
                Complete(op, from, holding, added, Add(op.Set, holding, added));
                continue;
            }
            int end = i;
            while (end < queued.Length && queued[end].Op.Set.Blocked.Count == 0)
                end++;
            ApplyBatch(queued.AsSpan(i, end - i));
            i = end;
        }
        _acquisitions.Clear();
        _completed = 0;
    }

    private void ApplyBatch(ReadOnlySpan<(AcquireAddresses Op, IActorRef From)> batch)
    {
        var addresses = new List<InterfaceAddress>();
        foreach (var (op, _) in batch)
            addresses.AddRange(op.Set.Addresses);
        var results = addresses.Count > 0 ? _kernel.AddAddresses(addresses) : [];
        bool undone = false;
        int next = 0;
        foreach (var (op, from) in batch)
        {
            var holding = _memory.For(op.Owner);
            var added = new KernelSetUndo();
            var r = undone ? AddEach(op.Set.Addresses, holding, added) : Added(op.Set.Addresses, results, next, holding, added);
            next += op.Set.Addresses.Count;
            if (r.IsOk)
                r = AddRoutesAndRules(op.Set, holding, added);
            undone |= !Complete(op, from, holding, added, r);
        }
    }

    /// <summary>The batch's results for one op's addresses: the first failure, or Ok; every address that went in and
    /// was not held before is recorded, so that a failure takes back all of them.</summary>
    private static KernelResult Added(IReadOnlyList<InterfaceAddress> addresses, IReadOnlyList<KernelResult> results, int from, Holding holding, KernelSetUndo added)
    {
        var first = KernelResult.Ok;
        for (int k = 0; k < addresses.Count; k++)
        {
            var r = results[from + k];
            if (!r.IsOk)
            {
                if (first.IsOk)
                    first = r;
                continue;
            }
            if (!holding.Holds(addresses[k]))
                added.Addresses.Add(addresses[k]);
        }
        return first;
    }

    /// <summary>Records a successful acquisition, or undoes a failed one; answers it either way. False when undone.</summary>
    private bool Complete(AcquireAddresses op, IActorRef from, Holding holding, KernelSetUndo added, KernelResult r)
    {
        _completed++;
        if (!r.IsOk)
        {
            // All or nothing: undo this op's additions (in reverse) before answering.
            added.Undo(_kernel, op.Owner, _memory, _firewall);
            _memory.Prune();
            _failed++;
            _log.Warning("{Owner}: acquiring {Set} failed ({Result}); the {Count} objects added by this op were removed again", op.Owner, op.Set, r, added.Count);
            _answers.Add((from, new OpCompleted(op.OpId, r)));
            return false;
        }
        holding.Add(op.Set);
        holding.Holder = from;
        _applied++;
        _answers.Add((from, new OpCompleted(op.OpId, KernelResult.Ok)));
        return true;
    }

    private void Replace(ReplaceAddresses op)
    {
        if (op.PreviousOwner is { } previous && previous != op.Owner && _memory.Held.Remove(previous, out var before))
        {
            var target = _memory.For(op.Owner);
            target.Add(before.ToSet());
            target.Links.AddRange(before.Links.Where(l => !target.Links.Any(t => t.Name == l.Name)));
        }
        var holding = _memory.For(op.Owner);
        var change = KernelSetChange.Between(holding.ToSet(), op.Set);
        var added = new KernelSetUndo();
        var r = Add(change.Added, holding, added);
        if (!r.IsOk)
        {
            added.Undo(_kernel, op.Owner, _memory, _firewall);
            _memory.Prune();
            _failed++;
            _log.Warning("{Owner}: replacing its set with {Set} failed ({Result}); the {Count} objects added by this op were removed again and it keeps what it held",
                op.Owner, op.Set, r, added.Count);
            Sender.Tell(new OpCompleted(op.OpId, r));
            return;
        }
        var first = Remove(op.Owner, change.Removed);
        holding.Add(change.Added);
        holding.Remove(change.Removed);
        holding.Holder = Sender;
        _memory.Prune();
        Count(first);
        Sender.Tell(new OpCompleted(op.OpId, first));
    }

    /// <summary>Adds addresses, then routes, then rules; records what was not held before; stops at the first failure.</summary>
    private KernelResult Add(KernelSet set, Holding holding, KernelSetUndo added)
    {
        // The drop rules go in before the addresses (keepalived vrrp_state_become_master: accept mode first), so a
        // non-accepting master never answers for a VIP, not even for a moment.
        var block = set.Blocked.Where(b => !holding.Blocked.Contains(b)).ToList();
        if (block.Count > 0)
        {
            _memory.FirewallUsed = true;
            var blocked = _kernel.Firewall.Apply(_firewall, block, []);
            if (!blocked.IsOk)
                return blocked;
            added.Blocked.AddRange(block);
        }
        var r = AddEach(set.Addresses, holding, added);
        return r.IsOk ? AddRoutesAndRules(set, holding, added) : r;
    }

    private KernelResult AddEach(IReadOnlyList<InterfaceAddress> addresses, Holding holding, KernelSetUndo added)
    {
        foreach (var address in addresses)
        {
            var r = _kernel.AddAddress(address);
            if (!r.IsOk)
                return r;
            if (!holding.Holds(address))
                added.Addresses.Add(address);
        }
        return KernelResult.Ok;
    }

    private KernelResult AddRoutesAndRules(KernelSet set, Holding holding, KernelSetUndo added)
    {
        foreach (var route in set.Routes)
        {
            var r = _kernel.AddRoute(route);
            if (!r.IsOk)
                return r;
            if (!holding.Routes.Contains(route))
                added.Routes.Add(route);
        }
        foreach (var rule in set.Rules)
        {
            var r = _kernel.AddRule(rule);
            if (!r.IsOk)
                return r;
            if (!holding.Rules.Contains(rule))
                added.Rules.Add(rule);
        }
        return KernelResult.Ok;
    }

    private void Release(ReleaseAddresses op)
    {
        var first = Remove(op.Owner, op.Set);
        if (_memory.Held.TryGetValue(op.Owner, out var held))
        {
            held.Remove(op.Set);
            _memory.Prune();
        }
        Count(first);
        Sender.Tell(new OpCompleted(op.OpId, first));
    }

    /// <summary>Removes rules, routes, then addresses (what another owner holds stays); the first failure, or Ok.</summary>
    private KernelResult Remove(string owner, KernelSet set)
    {
        var first = KernelResult.Ok;
        void Note(KernelResult r)
        {
            if (!r.IsOk && first.IsOk)
                first = r;
        }

        foreach (var rule in Enumerable.Reverse(set.Rules).Where(r => !_memory.HeldByOther(owner, r)))
            Note(_kernel.RemoveRule(rule));
        foreach (var route in Enumerable.Reverse(set.Routes).Where(r => !_memory.HeldByOther(owner, r)))
            Note(_kernel.RemoveRoute(route));
        foreach (var address in Enumerable.Reverse(set.Addresses).Where(a => !_memory.HeldByOther(owner, a)))
            Note(_kernel.RemoveAddress(address));
        var unblock = set.Blocked.Where(b => !_memory.HeldByOther(owner, b)).ToList();
        if (unblock.Count > 0)
            Note(_kernel.Firewall.Apply(_firewall, [], unblock));
        return first;
    }

    private void Ensure(EnsureMacvlan op)
    {
        var r = _kernel.CreateMacvlan(op.Link);
        if (r.IsOk)
        {
            var holding = _memory.For(op.Owner);
            holding.Links.RemoveAll(l => l.Name == op.Link.Name);
            holding.Links.Add(op.Link);
            if (op.Firewall is { } families)
            {
                _memory.FirewallUsed = true;
                Log(op.Owner, "moved to its base interface the multicast reports of", op.Link.Name, VmacFirewall.Add(_kernel, _firewall, op.Link, families));
            }
        }
        else
        {
            _log.Warning("{Owner}: creating {Link} failed: {Result}", op.Owner, op.Link, r);
        }
        Count(r);
        Sender.Tell(new OpCompleted(op.OpId, r));
    }

    private void RemoveLink(RemoveMacvlan op)
    {
        if (_kernel.Firewall.Vmacs.Any(v => v.Name == op.Name))
            Log(op.Owner, "took out of the firewall", op.Name, _kernel.Firewall.RemoveVmac(_firewall, op.Name));
        var r = _kernel.DeleteLink(op.Name);
        if (r.IsOk)
        {
            // The kernel removed what lived on it.
            foreach (var holding in _memory.Held.Values)
                holding.ForgetInterface(op.Name);
            _memory.Prune();
        }
        Count(r);
        Sender.Tell(new OpCompleted(op.OpId, r));
    }

    /// <summary>Gratuitous frames wait until the acquisitions already queued are done (<see cref="PendingFrames{T}"/>):
    /// a flush is queued behind them.</summary>
    private void Send(SendFrames op)
    {
        _frames.Add(op, Sender);
        if (NothingElseWaiting())
        {
            // A lone takeover: nothing to let ahead, the frames leave now (a round trip through the mailbox cost
            // ~2.5 ms before the first gratuitous ARP in the lab).
            Flush();
            return;
        }
        QueueFlush();
    }

    private void QueueFlush()
    {
        if (_flushQueued)
            return;
        _flushQueued = true;
        Self.Tell(FlushFrames.Instance);
    }

    /// <summary>True when the mailbox holds nothing after the message being handled.</summary>
    private static bool NothingElseWaiting() => Context is ActorCell { Mailbox.MessageQueue: { } queue } && queue.Count == 0;

    private bool HasPending => _acquisitions.Count > 0 || _answers.Count > 0 || !_frames.IsEmpty;

    /// <summary>The queued acquisitions applied, their answers sent (a preempting member's advert waits for its own),
    /// then the frames.</summary>
    private void Flush()
    {
        ApplyAcquisitions();
        if (_answers.Count > 0)
        {
            var answers = _answers.ToArray();
            _answers.Clear();
            foreach (var (to, done) in answers)
                to.Tell(done);
        }
        if (_frames.IsEmpty)
            return;
        foreach (var (op, replyTo, result) in _frames.Flush((name, frame) => _kernel.SendFrame(name, frame)))
            replyTo.Tell(new OpCompleted(op.OpId, result));
    }

    private readonly PendingFrames<IActorRef> _frames = new();
    private readonly List<(AcquireAddresses Op, IActorRef From)> _acquisitions = [];
    private int _completed;                                        // of _acquisitions, while they are being applied
    private const int Ecanceled = 125;
    private readonly List<(IActorRef To, OpCompleted Done)> _answers = [];
    private bool _flushQueued;

    private sealed record FlushFrames
    {
        public static FlushFrames Instance { get; } = new();
    }

    private void OnKernelEvent(KernelEvent e)
    {
        bool address = e is KernelEvent.AddressAdded or KernelEvent.AddressRemoved;
        foreach (var (subscriber, addresses) in _memory.EventSubscribers)
        {
            if (addresses || !address)
                subscriber.Tell(e);
        }
        switch (e)
        {
            case KernelEvent.AddressRemoved removed when _memory.Held.Values.Any(h => h.Holder is not null && h.Holds(removed.Address)):
                ReportLost(a => a.Key == removed.Address.Key);
                break;
            case KernelEvent.Resync when _memory.Held.Values.Any(h => h.Holder is not null && h.Addresses.Count > 0):
                ReportLost(_ => true);
                break;
        }
    }

    /// <summary>Tells each holder which of its addresses (among those <paramref name="which"/> selects) the kernel does
    /// not have now. Checking the kernel makes a late event of our own release, or one followed by a re-add, harmless.</summary>
    private void ReportLost(Func<InterfaceAddress, bool> which)
    {
        if (!_kernel.Addresses(out var present).IsOk)
            return;
        foreach (var (owner, holding) in _memory.Held)
        {
            if (holding.Holder is not { } holder)
                continue;
            foreach (var lost in holding.Addresses.Where(a => which(a) && !present.Any(p => p.Key == a.Key)))
            {
                _log.Warning("{Owner}: {Address} was removed by someone else", owner, lost);
                holder.Tell(new HeldAddressLost(owner, lost));
            }
        }
    }

    private EffectorStatus Status() =>
        new(_memory.Held.Where(h => h.Value.Addresses.Count > 0)
                .ToDictionary(x => x.Key, x => (IReadOnlyList<InterfaceAddress>)x.Value.Addresses.ToList(), StringComparer.Ordinal), _applied, _failed)
        {
            Sets = _memory.Held.ToDictionary(x => x.Key, x => x.Value.ToSet(), StringComparer.Ordinal),
            OpDurations = _memory.OpDurations.Snapshot(),
            Links = _memory.Held.Where(h => h.Value.Links.Count > 0)
                .ToDictionary(x => x.Key, x => (IReadOnlyList<MacvlanSpec>)x.Value.Links.ToList(), StringComparer.Ordinal),
        };

    private void Count(KernelResult r)
    {
        if (r.IsOk)
            _applied++;
        else
            _failed++;
    }

    private void ChangeFirewall(ChangeFirewall change)
    {
        _memory.FirewallUsed |= change.Needed;
        var moved = KernelResult.Ok;
        if (change.Settings != _firewall)
        {
            if (_memory.FirewallUsed)
                moved = _kernel.Firewall.Move(_firewall, change.Settings);
            Log("node", $"moved the nftables table {_firewall.Table} (priority {_firewall.Priority}) to", $"{change.Settings.Table} (priority {change.Settings.Priority})", moved);
            if (moved.IsOk)
                _firewall = _memory.FirewallSettings = change.Settings;
        }
        Sender.Tell(new OpCompleted(change.OpId, moved));
    }

    private void Log(string owner, string action, object what, KernelResult result)
    {
        if (result.IsOk)
            _log.Debug("{0}: {1} {2}: {3}", owner, action, what, result);
        else
            _log.Warning("{0}: {1} {2}: {3}", owner, action, what, result);
    }
}

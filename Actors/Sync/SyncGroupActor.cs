using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Sync;

/// <summary>A member introduces itself (the sender is the member's instance actor).</summary>
public sealed record JoinSyncGroup(string Member);

/// <summary>A reload changed the group's members (an instance moved in or out, or was renamed): the group stays, with
/// what it knows of the members it keeps.</summary>
public sealed record SetSyncGroupMembers(IReadOnlyList<string> Members);

/// <summary>A member that did not become MASTER on its order gave its head start back itself.</summary>
public sealed record HeadStartReturned(string Member);

/// <summary>Asks the group for its state.</summary>
public sealed record GetSyncGroupStatus
{
    public static GetSyncGroupStatus Instance { get; } = new();
}

/// <summary>A member preempting a live master holds its first advert (see <see cref="HeldAdvertBarrier"/>);
/// <paramref name="Confirmed"/> once its addresses are in place.</summary>
public sealed record MemberAdvertHeld(string Member, bool Confirmed);

/// <summary>The group to its holding members: every member's addresses are in place, the first adverts may leave.</summary>
public sealed record ReleaseHeldAdverts
{
    public static ReleaseHeldAdverts Instance { get; } = new();
}

/// <summary>Sent to the group's notifier (and published on the event stream) when the group's state changes.</summary>
public sealed record SyncGroupStateChanged(string Group, VrrpState From, VrrpState To);

public sealed record SyncGroupStatus(string Name, VrrpState State, IReadOnlyDictionary<string, SyncMember> Members);

/// <summary>
/// One vrrp_sync_group, a sibling of its members (so moving an instance in or out of a group on reload never restarts
/// it): members tell it their transitions and wishes, <see cref="SyncGroupPolicy"/> decides, and the orders go back
/// to the members as ForceState.
/// <para>A takeover's head start: the members step one after another on one thread (an advert, an acquisition, the
/// announcements and the transition each: 2–8 ms for 50 in the lab), so the last member's addresses used to reach the
/// effector that late. The group therefore puts every member's set (sent with its wish) in one batch
/// (<see cref="HeadStartBatch"/>) that the first member to read its order hands to the effector once its advert has
/// left; every member adopts its op as its own acquisition (<see cref="HeadStart"/>), and one that does not become
/// MASTER gives its set back (<see cref="HeadStartReturned"/>). A member that stops before it reads its order leaves
/// its head start pending: the group watches every member from its join, and withdraws that op from the batch or
/// releases the set.</para>
/// </summary>
public sealed class SyncGroupActor : ReceiveActor
{
    private readonly string _name;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef? _notifier;
    private readonly Dictionary<string, IActorRef> _members;
    private readonly SyncGroupMembers _known;
    private SyncGroupState _state;
    private readonly HeldAdvertBarrier _held = new();
    private readonly IActorRef? _effector;

    /// <summary>What each member wishing to be MASTER holds as MASTER (from its latest wish).</summary>
    private readonly Dictionary<string, KernelSet> _wishes = new(StringComparer.Ordinal);

    /// <summary>Head starts whose member has not reported MASTER yet, by member name.</summary>
    private readonly Dictionary<string, PendingHeadStart> _headStarts = new(StringComparer.Ordinal);

    private sealed record PendingHeadStart(IActorRef Holder, HeadStart HeadStart);
    private long _lastOp;
    private readonly bool _quiet;

    public SyncGroupActor(string name, IReadOnlyCollection<string> members, IActorRef? notifier, SyncGroupMembers known, IActorRef? effector = null,
        bool quiet = false)
    {
        _quiet = quiet;
        _members = known.Refs;
        _known = known;
        _name = name;
        _notifier = notifier;
        _effector = effector;
        _state = SyncGroupState.Of(known.Names ?? members);
        Receive<JoinSyncGroup>(j =>
        {
            _members[j.Member] = Sender;
            Context.Watch(Sender);                                 // here, not on the takeover's path
        });
        Receive<SetSyncGroupMembers>(OnMembers);
        Receive<SyncInput>(input =>
        {
            Remember(input);
            Apply(input);
        });
        Receive<Terminated>(OnMemberTerminated);
        Receive<HeadStartReturned>(r => Settled(r.Member));
        Receive<OpCompleted>(done =>
        {
            if (!done.Result.IsOk)
                _log.Warning("VRRP_Group({Group}): releasing a stopped member's head start failed: {Result}", _name, done.Result);
        });
        Receive<MemberAdvertHeld>(h =>
        {
            foreach (var member in _held.Held(h.Member, h.Confirmed, _state.Names))
                if (_members.TryGetValue(member, out var m))
                    m.Tell(ReleaseHeldAdverts.Instance);
        });
        // After a restart the group knows nothing: its members tell it where they stand.
        Receive<InstanceStatus>(s => Apply(new SyncInput.Changed(s.Name, s.State, VrrpReason.Startup, s.OwnFault)));
        Receive<GetSyncGroupStatus>(_ => Sender.Tell(new SyncGroupStatus(_name, _state.State, _state.Members)));
    }

    /// <summary>The group; without <paramref name="effector"/> its members acquire their addresses on their own.
    /// <paramref name="quiet"/>: its state changes are not logged (the node's rehearsal group).</summary>
    public static Props Props(string name, IReadOnlyCollection<string> members, IActorRef? notifier = null, IActorRef? effector = null, bool quiet = false)
    {
        var known = new SyncGroupMembers();
        return Akka.Actor.Props.Create(() => new SyncGroupActor(name, members, notifier, known, effector, quiet));
    }

    /// <summary>keepalived announces every group's starting state (BACKUP) to its notify scripts and FIFO.</summary>
    protected override void PreStart() => _notifier?.Tell(new SyncGroupStateChanged(_name, VrrpState.Initialize, _state.State));

    protected override void PostRestart(Exception reason)
    {
        _log.Warning("VRRP_Group({Group}) restarted after {Error}; asking its members where they stand", _name, reason.Message);
        foreach (var member in _members.Values)
        {
            Context.Watch(member);
            member.Tell(GetInstanceStatus.Instance);
        }
    }

    private void OnMembers(SetSyncGroupMembers set)
    {
        _known.Names = set.Members.ToList();
        _state = _state.WithMembers(set.Members);
        _held.Reset();
        foreach (var gone in _members.Keys.Where(m => !_state.TryIndexOf(m, out _)).ToList())
            _members.Remove(gone);
        _log.Info("VRRP_Group({Group}) members now {Members}", _name, string.Join(", ", set.Members));
    }

    private void Remember(SyncInput input)
    {
        switch (input)
        {
            case SyncInput.WantsMaster { Set: { } set } wish:
                _wishes[wish.Member] = set;
                break;
            case SyncInput.WantsMaster or SyncInput.SawMaster:
                _wishes.Remove(input.Member);
                break;
            case SyncInput.Changed changed:
                _wishes.Remove(changed.Member);
                if (changed.To == VrrpState.Master)
                    Settled(changed.Member);
                break;
        }
    }

    /// <summary>The member adopted its head start (it reported MASTER) or gave it back: nothing is left to release.</summary>
    private void Settled(string member) => _headStarts.Remove(member);

    /// <summary>Puts the set of every member ordered to MASTER that wished it in one <see cref="HeadStartBatch"/> (its
    /// answer goes to the member; the first member to read its order sends the batch); returns each such member's
    /// <see cref="HeadStart"/>, or null when there is none.</summary>
    /// <remarks>Reference types only, no LINQ: a generic over a value type is compiled at its first use, and this runs
    /// once per takeover (a list of tuples here cost the first advert 2.7 ms in the lab).</remarks>
    private Dictionary<string, HeadStart>? HeadStarts(IReadOnlyList<SyncOrder> orders)
    {
        if (_effector is null)
            return null;
        List<AcquireAddresses>? ops = null;
        foreach (var order in orders)
        {
            if (order.State != VrrpState.Master || order.AddressLost || !_wishes.Remove(order.Member, out var set) || !_members.TryGetValue(order.Member, out var member))
                continue;
            (ops ??= []).Add(new AcquireAddresses(--_lastOp, order.Member, set) { Holder = member });
        }
        if (ops is null)
            return null;
        var batch = new HeadStartBatch(_effector, ops);
        var heads = new Dictionary<string, HeadStart>(ops.Count, StringComparer.Ordinal);
        foreach (var op in ops)
        {
            var head = new HeadStart(op.OpId, op.Set, batch);
            heads[op.Owner] = head;
            _headStarts[op.Owner] = new PendingHeadStart(op.Holder!, head);
        }
        return heads;
    }

    /// <summary>A member stopped (a reload removed it) after its head start was planned and before it reported MASTER:
    /// its order may never have been read, so its op leaves the batch, or, if the batch has left, its set is released.</summary>
    private void OnMemberTerminated(Terminated t)
    {
        string? member = null;
        foreach (var (name, pending) in _headStarts)
        {
            if (pending.Holder.Equals(t.ActorRef))
            {
                member = name;
                break;
            }
        }
        if (member is null || !_headStarts.Remove(member, out var stopped) || _effector is null)
            return;
        if (stopped.HeadStart.Batch.Withdraw(stopped.HeadStart.OpId))
            return;
        _log.Warning("VRRP_Group({Group}): {Member} stopped before it took over; releasing what was acquired for it", _name, member);
        _effector.Tell(new ReleaseAddresses(--_lastOp, member, stopped.HeadStart.Set));
    }

    private void Apply(SyncInput input)
    {
        var before = _state.State;
        (_state, var orders) = SyncGroupPolicy.Step(_state, input);
        bool changed = _state.State != before;
        if (changed && _state.State != VrrpState.Master)
            _held.Reset();
        var headStarts = HeadStarts(orders);
        foreach (var order in orders)
        {
            if (_members.TryGetValue(order.Member, out var member))
            {
                HeadStart? head = null;
                headStarts?.TryGetValue(order.Member, out head);
                member.Tell(order.AddressLost ? new InstanceCommand(VrrpInputKind.SiblingAddressLost)
                    : new InstanceCommand(VrrpInputKind.Force, State: order.State, HeadStart: head));
            }
        }
        if (changed)
        {
            // The members first (a takeover waits for them); the group's log line and notifies after, as keepalived's
            // vrrp_sync_master sends them once every member has moved.
            if (!_quiet)
                _log.Info("{Line} ({Trigger} from {Member})", KeepalivedLogText.Syncing(_name, _state.State) ?? $"VRRP_Group({_name}) {_state.State}", input.GetType().Name, input.Member);
            var change = new SyncGroupStateChanged(_name, before, _state.State);
            Context.System.EventStream.Publish(change);
            _notifier?.Tell(change);
        }
    }
}

/// <summary>The member actors a group has met, kept across the group's restarts.</summary>
public sealed class SyncGroupMembers
{
    internal Dictionary<string, IActorRef> Refs { get; } = new(StringComparer.Ordinal);

    /// <summary>The members set by the last reload (null: those of the Props).</summary>
    internal IReadOnlyList<string>? Names { get; set; }
}

using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Sync;

/// <summary>A member introduces itself (the sender is the member's instance actor).</summary>
public sealed record JoinSyncGroup(string Member);

/// <summary>A reload changed the group's members (an instance moved in or out, or was renamed): the group stays, with
/// what it knows of the members it keeps.</summary>
public sealed record SetSyncGroupMembers(IReadOnlyList<string> Members);

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

    public SyncGroupActor(string name, IReadOnlyCollection<string> members, IActorRef? notifier, SyncGroupMembers known)
    {
        _members = known.Refs;
        _known = known;
        _name = name;
        _notifier = notifier;
        _state = SyncGroupState.Of(known.Names ?? members);
        Receive<JoinSyncGroup>(j => _members[j.Member] = Sender);
        Receive<SetSyncGroupMembers>(OnMembers);
        Receive<SyncInput>(Apply);
        Receive<MemberAdvertHeld>(h =>
        {
            foreach (var member in _held.Held(h.Member, h.Confirmed, _state.Members.Keys.ToList()))
                if (_members.TryGetValue(member, out var m))
                    m.Tell(ReleaseHeldAdverts.Instance);
        });
        // After a restart the group knows nothing: its members tell it where they stand.
        Receive<InstanceStatus>(s => Apply(new SyncInput.Changed(s.Name, s.State, VrrpReason.Startup, s.OwnFault)));
        Receive<GetSyncGroupStatus>(_ => Sender.Tell(new SyncGroupStatus(_name, _state.State, _state.Members)));
    }

    public static Props Props(string name, IReadOnlyCollection<string> members, IActorRef? notifier = null)
    {
        var known = new SyncGroupMembers();
        return Akka.Actor.Props.Create(() => new SyncGroupActor(name, members, notifier, known));
    }

    /// <summary>keepalived announces every group's starting state (BACKUP) to its notify scripts and FIFO.</summary>
    protected override void PreStart() => _notifier?.Tell(new SyncGroupStateChanged(_name, VrrpState.Initialize, _state.State));

    protected override void PostRestart(Exception reason)
    {
        _log.Warning("VRRP_Group({Group}) restarted after {Error}; asking its members where they stand", _name, reason.Message);
        foreach (var member in _members.Values)
            member.Tell(GetInstanceStatus.Instance);
    }

    private void OnMembers(SetSyncGroupMembers set)
    {
        _known.Names = set.Members.ToList();
        _state = _state.WithMembers(set.Members);
        _held.Reset();
        foreach (var gone in _members.Keys.Where(m => !_state.Members.ContainsKey(m)).ToList())
            _members.Remove(gone);
        _log.Info("VRRP_Group({Group}) members now {Members}", _name, string.Join(", ", set.Members));
    }

    private void Apply(SyncInput input)
    {
        var before = _state.State;
        (_state, var orders) = SyncGroupPolicy.Step(_state, input);
        bool changed = _state.State != before;
        if (changed)
        {
            if (_state.State != VrrpState.Master)
                _held.Reset();
            _log.Info("{Line} ({Trigger} from {Member})", KeepalivedLogText.Syncing(_name, _state.State) ?? $"VRRP_Group({_name}) {_state.State}", input.GetType().Name, input.Member);
        }
        foreach (var order in orders)
        {
            if (_members.TryGetValue(order.Member, out var member))
                member.Tell(order.AddressLost ? new InstanceCommand(VrrpInputKind.SiblingAddressLost) : new InstanceCommand(VrrpInputKind.Force, State: order.State));
        }
        if (changed)
        {
            // The members first (a takeover waits for them); the group's notifies after, as keepalived's
            // vrrp_sync_master sends them once every member has moved.
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

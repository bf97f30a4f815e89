using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Sync;

/// <summary>A member introduces itself (the sender is the member's instance actor).</summary>
public sealed record JoinSyncGroup(string Member);

/// <summary>Asks the group for its state.</summary>
public sealed record GetSyncGroupStatus
{
    public static GetSyncGroupStatus Instance { get; } = new();
}

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
    private readonly Dictionary<string, IActorRef> _members = new(StringComparer.Ordinal);
    private SyncGroupState _state;

    public SyncGroupActor(string name, IReadOnlyCollection<string> members)
    {
        _name = name;
        _state = SyncGroupState.Of(members);
        Receive<JoinSyncGroup>(j => _members[j.Member] = Sender);
        Receive<SyncInput>(Apply);
        Receive<GetSyncGroupStatus>(_ => Sender.Tell(new SyncGroupStatus(_name, _state.State, _state.Members)));
    }

    public static Props Props(string name, IReadOnlyCollection<string> members) => Akka.Actor.Props.Create(() => new SyncGroupActor(name, members));

    private void Apply(SyncInput input)
    {
        var before = _state.State;
        (_state, var orders) = SyncGroupPolicy.Step(_state, input);
        if (_state.State != before)
            _log.Info("VRRP_Group({Group}) syncing instances to {State} ({Trigger} from {Member})", _name, _state.State, input.GetType().Name, input.Member);
        foreach (var order in orders)
        {
            if (_members.TryGetValue(order.Member, out var member))
                member.Tell(new InstanceCommand(VrrpInputKind.Force, State: order.State));
        }
    }
}

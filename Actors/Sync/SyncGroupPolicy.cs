using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Sync;

/// <summary>What the group knows of one member.</summary>
/// <param name="State">Its current state.</param>
/// <param name="OwnFault">One of its own fault sources is failing (not merely forced to FAULT by the group).</param>
/// <param name="WantsMaster">Its master-down timer ran out and it has heard no master since.</param>
public readonly record struct SyncMember(VrrpState State, bool OwnFault, bool WantsMaster);

/// <summary>
/// The group's view: its state and every member's. The members sit in arrays in the ordinal order of their names (the
/// order the group's orders go out in); a state that changes a member copies its array and shares the names. A sync
/// group's takeover steps once per member, on the takeover's path: with an immutable dictionary of 50 members a step
/// took about 16 µs and the last one, which orders all 50, 80–260 µs (mostly code of generics over a struct compiled
/// at Tier 0; measured in tests and in the lab), against a few µs here.
/// </summary>
public sealed record SyncGroupState
{
    private readonly SyncRoster _roster;

    private SyncGroupState(VrrpState state, SyncRoster roster, SyncMember[] slots)
    {
        State = state;
        _roster = roster;
        Slots = slots;
    }

    /// <summary>The group's own state.</summary>
    public VrrpState State { get; init; }

    private SyncMember[] Slots { get; init; }

    /// <summary>How many members the group has.</summary>
    public int Count => Slots.Length;

    /// <summary>Every member by name (a copy, for status and tests).</summary>
    public IReadOnlyDictionary<string, SyncMember> Members
    {
        get
        {
            var members = new Dictionary<string, SyncMember>(Slots.Length, StringComparer.Ordinal);
            for (int i = 0; i < Slots.Length; i++)
                members[_roster.Names[i]] = Slots[i];
            return members;
        }
    }

    /// <summary>The names of the members, in ordinal order.</summary>
    public IReadOnlyList<string> Names => _roster.Names;

    /// <summary>The <paramref name="index"/>th member by ordinal order of the names.</summary>
    public SyncMember At(int index) => Slots[index];

    /// <summary>Where member <paramref name="name"/> is, if it is one.</summary>
    public bool TryIndexOf(string name, out int index) => _roster.Index.TryGetValue(name, out index);

    /// <summary>This state with member <paramref name="index"/> replaced; this same state when nothing changes (a
    /// backup member reports every advert it accepts, so most steps change nothing and must not copy the array).</summary>
    public SyncGroupState WithMember(int index, SyncMember member)
    {
        if (Slots[index] == member)
            return this;
        var slots = (SyncMember[])Slots.Clone();
        slots[index] = member;
        return this with { Slots = slots };
    }

    /// <summary>This state with every member's wish to be MASTER forgotten.</summary>
    public SyncGroupState WithoutWishes()
    {
        var slots = (SyncMember[])Slots.Clone();
        for (int i = 0; i < slots.Length; i++)
            slots[i] = slots[i] with { WantsMaster = false };
        return this with { Slots = slots };
    }

    public static SyncGroupState Of(IEnumerable<string> members)
    {
        var roster = new SyncRoster(members);
        var slots = new SyncMember[roster.Names.Length];
        Array.Fill(slots, new SyncMember(VrrpState.Initialize, false, false));
        return new(VrrpState.Backup, roster, slots);
    }

    /// <summary>The group after a reload changed its members: those it keeps keep what it knows of them, new ones
    /// are in Initialize until they report, gone ones are forgotten; the group's own state is kept (keepalived keeps a
    /// group's state across a reload and re-derives it from its members' next reports).</summary>
    public SyncGroupState WithMembers(IEnumerable<string> members)
    {
        var roster = new SyncRoster(members);
        var slots = new SyncMember[roster.Names.Length];
        for (int i = 0; i < slots.Length; i++)
            slots[i] = TryIndexOf(roster.Names[i], out int known) ? Slots[known] : new SyncMember(VrrpState.Initialize, false, false);
        return new(State, roster, slots);
    }

    public bool Equals(SyncGroupState? other) =>
        other is not null && State == other.State && _roster.Names.AsSpan().SequenceEqual(other._roster.Names) && Slots.AsSpan().SequenceEqual(other.Slots);

    public override int GetHashCode() => HashCode.Combine(State, Slots.Length);

    /// <summary>The members' names in ordinal order and where each is; shared by the states of one member set.</summary>
    private sealed class SyncRoster
    {
        public SyncRoster(IEnumerable<string> members)
        {
            Names = members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            Index = new Dictionary<string, int>(Names.Length, StringComparer.Ordinal);
            for (int i = 0; i < Names.Length; i++)
                Index[Names[i]] = i;
        }

        public string[] Names { get; }

        public Dictionary<string, int> Index { get; }
    }
}

/// <summary>What a member tells its group.</summary>
public abstract record SyncInput(string Member)
{
    /// <summary>The member changed state (a Transition effect), with whether its own fault sources fail.</summary>
    public sealed record Changed(string Member, VrrpState To, VrrpReason Reason, bool OwnFault) : SyncInput(Member);

    /// <summary>The member's master-down timer ran out (WantMaster effect). <paramref name="Set"/>: what it holds as
    /// MASTER, which the group's actor puts in the takeover's batch when it orders the member to MASTER (the policy
    /// does not use it).</summary>
    public sealed record WantsMaster(string Member, KeepAlive.Actors.Effector.KernelSet? Set = null) : SyncInput(Member);

    /// <summary>The member accepted a master's advert (MasterSeen effect).</summary>
    public sealed record SawMaster(string Member) : SyncInput(Member);
}

/// <summary>An order to one member (sent as VrrpInput.ForceState, or as VrrpInput.AddressLost when
/// <paramref name="AddressLost"/>: another member lost an address and the group leaves MASTER the way it does).</summary>
/// <param name="Member">The member.</param>
/// <param name="State">The state it must take.</param>
/// <param name="AddressLost">Leave MASTER as after a lost address (priority 0, quick return).</param>
public readonly record struct SyncOrder(string Member, VrrpState State, bool AddressLost = false);

/// <summary>
/// keepalived 2.2.7's sync groups (vrrp_sync.c; keepalived-reference.md §3.9), all or nothing: a member's own
/// FAULT pulls every member to FAULT, and they leave it together when no member faults any more; a member pushed to
/// BACKUP by a better master takes every member to BACKUP; a member that lost an address takes every MASTER
/// member out of MASTER the same way (priority 0, back after Skew_Time); MASTER only when every member wants it (or is it), then
/// all together. Pure.
/// </summary>
public static class SyncGroupPolicy
{
    public static (SyncGroupState State, IReadOnlyList<SyncOrder> Orders) Step(SyncGroupState group, SyncInput input)
    {
        if (!group.TryIndexOf(input.Member, out int at))
            return (group, []);
        var member = group.At(at);
        member = input switch
        {
            SyncInput.Changed c => member with { State = c.To, OwnFault = c.OwnFault, WantsMaster = c.To == VrrpState.Backup && member.WantsMaster },
            SyncInput.WantsMaster => member with { WantsMaster = true },
            SyncInput.SawMaster => member with { WantsMaster = false },
            _ => member,
        };
        group = group.WithMember(at, member);
        var orders = new List<SyncOrder>();

        if (Any(group, m => m.OwnFault))
        {
            // FAULT propagates.
            Order(group, VrrpState.Fault, orders, m => m.State is VrrpState.Master or VrrpState.Backup);
            return (group with { State = VrrpState.Fault }, orders);
        }
        if (group.State == VrrpState.Fault)
        {
            // No member faults any more: all leave FAULT together.
            Order(group, VrrpState.Backup, orders, m => m.State == VrrpState.Fault);
            return (group.WithoutWishes() with { State = VrrpState.Backup }, orders);
        }
        if (input is SyncInput.Changed { To: VrrpState.Fault, OwnFault: false })
        {
            // A member reports the FAULT the group ordered while its own fault was clearing, but the group has left
            // FAULT since (the orders crossed): bring it to the group's state, or it would stay in FAULT for good.
            orders.Add(new SyncOrder(input.Member, group.State));
            return (group, orders);
        }
        if (input is SyncInput.Changed { To: VrrpState.Backup } change && group.State == VrrpState.Master
            && change.Reason is VrrpReason.HigherPriorityAdvert or VrrpReason.EqualPriorityHigherAddress)
        {
            // One member lost its election: the whole group goes BACKUP.
            Order(group, VrrpState.Backup, orders, m => m.State == VrrpState.Master);
            return (group.WithoutWishes() with { State = VrrpState.Backup }, orders);
        }
        if (input is SyncInput.Changed { To: VrrpState.Backup, Reason: VrrpReason.AddressDeleted })
        {
            // keepalived_netlink.c set_vrrp_backup: every MASTER member leaves too (priority 0) and comes back after
            // Skew_Time, so the group takes over again together.
            for (int i = 0; i < group.Count; i++)
                if (group.At(i).State == VrrpState.Master)
                    orders.Add(new SyncOrder(group.Names[i], VrrpState.Backup, AddressLost: true));
            return (group.WithoutWishes() with { State = VrrpState.Backup }, orders);
        }
        if (group.State == VrrpState.Master && member.State == VrrpState.Backup
            && input is SyncInput.WantsMaster or SyncInput.Changed { Reason: VrrpReason.Startup })
        {
            // The group is MASTER and one member is not: it (re)started — a crashed instance comes back as BACKUP —
            // so it rejoins its group's state instead of splitting the group or failing the whole group over.
            orders.Add(new SyncOrder(input.Member, VrrpState.Master));
            return (group, orders);
        }
        if (input is SyncInput.Changed { To: VrrpState.Master } && group.State != VrrpState.Master)
        {
            // A member became MASTER on its own (an owner at start): the others follow.
            Order(group, VrrpState.Master, orders, m => m.State == VrrpState.Backup);
            return (group.WithoutWishes() with { State = VrrpState.Master }, orders);
        }
        if (group.State != VrrpState.Master && !Any(group, m => !m.WantsMaster && m.State != VrrpState.Master))
        {
            Order(group, VrrpState.Master, orders, m => m.State == VrrpState.Backup);
            return (group.WithoutWishes() with { State = VrrpState.Master }, orders);
        }
        return (group, orders);
    }

    private static bool Any(SyncGroupState group, Func<SyncMember, bool> which)
    {
        for (int i = 0; i < group.Count; i++)
            if (which(group.At(i)))
                return true;
        return false;
    }

    /// <summary>Orders every member <paramref name="which"/> selects to <paramref name="target"/>, in ordinal order of the names.</summary>
    private static void Order(SyncGroupState group, VrrpState target, List<SyncOrder> orders, Func<SyncMember, bool> which)
    {
        for (int i = 0; i < group.Count; i++)
            if (which(group.At(i)))
                orders.Add(new SyncOrder(group.Names[i], target));
    }
}

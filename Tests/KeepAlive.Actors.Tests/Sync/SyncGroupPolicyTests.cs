using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Sync;

public class SyncGroupPolicyTests
{
    private static readonly string[] Names = Enumerable.Range(1, 50).Select(i => $"VI_{i:00}").ToArray();

    private static SyncGroupState Group(VrrpState memberState, params string[] names)
    {
        var group = SyncGroupState.Of(names);
        foreach (var n in names)
            (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed(n, memberState, VrrpReason.Startup, false));
        return group;
    }

    [Fact]
    public void Fifty_members_become_master_together_only_when_all_want_it()
    {
        var group = Group(VrrpState.Backup, Names);
        IReadOnlyList<SyncOrder> orders = [];
        foreach (var n in Names.SkipLast(1))
        {
            (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster(n));
            Assert.Empty(orders);
        }
        (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster(Names[^1]));

        Assert.Equal(VrrpState.Master, group.State);
        Assert.Equal(Names, orders.Select(o => o.Member));
        Assert.All(orders, o => Assert.Equal(VrrpState.Master, o.State));
    }

    [Fact]
    public void Members_whose_faults_clear_at_once_do_not_leave_one_stuck_in_fault()
    {
        // Found end to end: both members track the same interface; on link up each clears its own fault at the same
        // moment. The group, still seeing b's fault, orders a back to FAULT; then b clears and the group leaves FAULT —
        // but a's forced FAULT arrives after that and must be corrected, or a stays in FAULT for good.
        var group = Group(VrrpState.Backup, "a", "b");
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed("a", VrrpState.Fault, VrrpReason.FaultRaised, true));
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed("b", VrrpState.Fault, VrrpReason.FaultRaised, true));
        Assert.Equal(VrrpState.Fault, group.State);

        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("a", VrrpState.Backup, VrrpReason.FaultCleared, false));
        Assert.Equal([new SyncOrder("a", VrrpState.Fault)], orders);
        (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("b", VrrpState.Backup, VrrpReason.FaultCleared, false));
        Assert.Equal(VrrpState.Backup, group.State);
        Assert.Empty(orders);                                          // the group still believes a is BACKUP
        (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("a", VrrpState.Fault, VrrpReason.SyncGroup, false));
        Assert.Equal([new SyncOrder("a", VrrpState.Backup)], orders);
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed("a", VrrpState.Backup, VrrpReason.SyncGroup, false));
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster("a"));
        (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster("b"));
        Assert.Equal(VrrpState.Master, group.State);
        Assert.Equal(2, orders.Count);
    }

    [Fact]
    public void A_member_that_hears_a_master_withdraws_its_wish()
    {
        var group = Group(VrrpState.Backup, "a", "b");
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster("a"));
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.SawMaster("a"));
        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster("b"));
        Assert.Empty(orders);
        Assert.Equal(VrrpState.Backup, group.State);
    }

    [Fact]
    public void Fault_in_one_member_pulls_the_group_and_they_leave_together()
    {
        var group = Group(VrrpState.Master, Names);
        Assert.Equal(VrrpState.Master, group.State);

        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed(Names[7], VrrpState.Fault, VrrpReason.FaultRaised, OwnFault: true));
        Assert.Equal(VrrpState.Fault, group.State);
        Assert.Equal(Names.Where(n => n != Names[7]), orders.Select(o => o.Member));
        Assert.All(orders, o => Assert.Equal(VrrpState.Fault, o.State));
        foreach (var o in orders)
            (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed(o.Member, VrrpState.Fault, VrrpReason.SyncGroup, false));

        (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed(Names[7], VrrpState.Fault, VrrpReason.FaultCleared, OwnFault: false));
        Assert.Equal(VrrpState.Backup, group.State);
        Assert.Equal(50, orders.Count);
        Assert.All(orders, o => Assert.Equal(VrrpState.Backup, o.State));
    }

    [Fact]
    public void A_member_beaten_by_a_better_master_takes_the_group_to_backup()
    {
        var group = Group(VrrpState.Master, "a", "b", "c");
        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("b", VrrpState.Backup, VrrpReason.HigherPriorityAdvert, false));
        Assert.Equal(VrrpState.Backup, group.State);
        Assert.Equal([new SyncOrder("a", VrrpState.Backup), new SyncOrder("c", VrrpState.Backup)], orders);
    }

    [Fact]
    public void An_owner_becoming_master_at_start_brings_the_others()
    {
        var group = Group(VrrpState.Backup, "a", "b");
        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("a", VrrpState.Master, VrrpReason.OwnerStartup, false));
        Assert.Equal(VrrpState.Master, group.State);
        Assert.Equal([new SyncOrder("b", VrrpState.Master)], orders);
    }

    [Fact]
    public void A_stranger_changes_nothing()
    {
        var group = Group(VrrpState.Backup, "a");
        var (after, orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("zz", VrrpState.Fault, VrrpReason.FaultRaised, true));
        Assert.Same(group, after);
        Assert.Empty(orders);
    }

    [Fact]
    public void Machines_and_policy_together_fail_a_group_over_in_both_directions()
    {
        // Ten member machines on one node; their WantMaster effects feed the policy, its orders feed them back.
        var settings = Names.Take(10).ToDictionary(n => n, n => new VrrpSettings
        {
            Version = 3, Vrid = (byte)(int.Parse(n[3..]) + 10), Priority = 100, AdvertIntervalMicros = 1_000_000,
            PrimaryAddress = [10, 0, 0, 5], InSyncGroup = true,
        });
        var machines = settings.ToDictionary(x => x.Key, x => VrrpMachineState.Initial(x.Value));
        var group = SyncGroupState.Of(settings.Keys);
        long now = 0;
        void Apply(string n, VrrpInput input)
        {
            var queue = new Queue<(string, VrrpInput)>([(n, input)]);
            while (queue.TryDequeue(out var item))
            {
                var (name, i) = item;
                (machines[name], var fx) = VrrpMachine.Step(machines[name], i, settings[name]);
                foreach (var e in fx)
                {
                    SyncInput? told = e switch
                    {
                        VrrpEffect.WantMaster => new SyncInput.WantsMaster(name),
                        VrrpEffect.MasterSeen => new SyncInput.SawMaster(name),
                        VrrpEffect.Transition t => new SyncInput.Changed(name, t.To, t.Reason, machines[name].Faulted),
                        _ => null,
                    };
                    if (told is null)
                        continue;
                    (group, var orders) = SyncGroupPolicy.Step(group, told);
                    foreach (var o in orders)
                        queue.Enqueue((o.Member, new VrrpInput.ForceState(now, o.State)));
                }
            }
        }

        foreach (var n in settings.Keys)
            Apply(n, new VrrpInput.Start(now));
        now = 4_000_000;
        foreach (var n in settings.Keys)
            Apply(n, new VrrpInput.TimerFired(now, VrrpTimer.MasterDown, machines[n].Timers.MasterDown));
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Master, m.State));

        // One member hears a better master: the whole group steps down.
        Apply(Names[3], new VrrpInput.AdvertReceived(now, 200, 100, [10, 0, 0, 9]));
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Backup, m.State));

        // A fault in one member: all FAULT; cleared: all BACKUP.
        Apply(Names[5], new VrrpInput.FaultChanged(now, true));
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Fault, m.State));
        Apply(Names[5], new VrrpInput.FaultChanged(now, false));
        Assert.All(machines.Values, m => Assert.Equal(VrrpState.Backup, m.State));
    }

    [Fact]
    public void A_member_that_restarts_as_backup_in_a_master_group_is_ordered_back_to_master_alone()
    {
        var group = Group(VrrpState.Master, "a", "b", "c");
        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("b", VrrpState.Backup, VrrpReason.Startup, false));
        Assert.Equal(VrrpState.Master, group.State);
        Assert.Equal([new SyncOrder("b", VrrpState.Master)], orders);
        (_, orders) = SyncGroupPolicy.Step(group, new SyncInput.WantsMaster("b"));
        Assert.Equal([new SyncOrder("b", VrrpState.Master)], orders);
    }

    [Fact]
    public void A_member_that_loses_an_election_in_a_master_group_still_takes_the_group_to_backup()
    {
        var group = Group(VrrpState.Master, "a", "b", "c");
        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("b", VrrpState.Backup, VrrpReason.HigherPriorityAdvert, false));
        Assert.Equal(VrrpState.Backup, group.State);
        Assert.Equal(["a", "c"], orders.Select(o => o.Member));
    }
}

/// <summary>A reload changing a group's members.</summary>
public sealed class SyncGroupMembershipTests
{
    [Fact]
    public void Kept_members_keep_their_state_new_ones_start_unknown_gone_ones_are_forgotten()
    {
        var group = SyncGroupState.Of(["A", "B"]) with { State = KeepAlive.Actors.Vrrp.VrrpState.Master };
        (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed("A", KeepAlive.Actors.Vrrp.VrrpState.Master, KeepAlive.Actors.Vrrp.VrrpReason.SyncGroup, false));
        var next = group.WithMembers(["A", "C", "C"]);
        Assert.Equal(["A", "C"], next.Members.Keys.Order());
        Assert.Equal(KeepAlive.Actors.Vrrp.VrrpState.Master, next.Members["A"].State);
        Assert.Equal(KeepAlive.Actors.Vrrp.VrrpState.Initialize, next.Members["C"].State);
        Assert.Equal(KeepAlive.Actors.Vrrp.VrrpState.Master, next.State);
        Assert.Empty(group.WithMembers([]).Members);
    }
}

using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Sync;

/// <summary>keepalived_netlink.c set_vrrp_backup with a sync group: every MASTER member leaves with priority 0 and the
/// group comes back together after Skew_Time.</summary>
public sealed class SyncGroupAddressLostTests
{
    [Fact]
    public void A_member_that_lost_an_address_takes_every_master_member_out_the_same_way()
    {
        var group = SyncGroupState.Of(["a", "b", "c"]);
        foreach (var n in new[] { "a", "b", "c" })
            (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed(n, VrrpState.Master, VrrpReason.MasterDown, false));
        Assert.Equal(VrrpState.Master, group.State);

        (group, var orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("b", VrrpState.Backup, VrrpReason.AddressDeleted, false));
        Assert.Equal(VrrpState.Backup, group.State);
        Assert.Equal([new SyncOrder("a", VrrpState.Backup, AddressLost: true), new SyncOrder("c", VrrpState.Backup, AddressLost: true)], orders);

        // The siblings' own transitions (reason SyncGroup) order nothing more.
        (group, orders) = SyncGroupPolicy.Step(group, new SyncInput.Changed("a", VrrpState.Backup, VrrpReason.SyncGroup, false));
        Assert.Empty(orders);
    }

    [Fact]
    public void Machines_and_policy_bring_the_group_back_after_skew_time()
    {
        var names = new[] { "a", "b" };
        var settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = 100, AdvertIntervalMicros = 1_000_000, PrimaryAddress = [10, 0, 0, 5], InSyncGroup = true };
        var machines = names.ToDictionary(n => n, _ => VrrpMachineState.Initial(settings));
        var group = SyncGroupState.Of(names);
        long now = 0;

        void Feed(string member, VrrpInput input)
        {
            var pending = new Queue<(string, VrrpInput)>([(member, input)]);
            while (pending.TryDequeue(out var next))
            {
                (machines[next.Item1], var fx) = VrrpMachine.Step(machines[next.Item1], next.Item2, settings);
                foreach (var e in fx)
                {
                    SyncInput? told = e switch
                    {
                        VrrpEffect.Transition t => new SyncInput.Changed(next.Item1, t.To, t.Reason, false),
                        VrrpEffect.WantMaster => new SyncInput.WantsMaster(next.Item1),
                        _ => null,
                    };
                    if (told is null)
                        continue;
                    (group, var orders) = SyncGroupPolicy.Step(group, told);
                    foreach (var o in orders)
                        pending.Enqueue((o.Member, o.AddressLost ? new VrrpInput.AddressLost(now, Sibling: true) : new VrrpInput.ForceState(now, o.State)));
                }
            }
        }

        void FireDown(string member)
        {
            now = Math.Max(now, machines[member].MasterDownDeadline);
            Feed(member, new VrrpInput.TimerFired(now, VrrpTimer.MasterDown, machines[member].Timers.MasterDown));
        }

        foreach (var n in names)
            Feed(n, new VrrpInput.Start(now));
        foreach (var n in names)
            FireDown(n);
        Assert.All(names, n => Assert.Equal(VrrpState.Master, machines[n].State));

        now += 5_000_000;
        Feed("a", new VrrpInput.AddressLost(now));
        Assert.All(names, n => Assert.Equal(VrrpState.Backup, machines[n].State));
        Assert.All(names, n => Assert.Equal(now + 609_375, machines[n].MasterDownDeadline));

        foreach (var n in names)
            FireDown(n);
        Assert.All(names, n => Assert.Equal(VrrpState.Master, machines[n].State));
        Assert.Equal(VrrpState.Master, group.State);
    }
}

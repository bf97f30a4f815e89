using System.Net;
using KeepAlive.Actors.Node;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>The pure reload planner: every child's action for a running and a new configuration, including hostile
/// reloads (everything removed, everything renamed, a key collision, a VIP moved between instances).</summary>
public sealed class NodeReloadPlannerTests
{
    private static readonly HostFacts Host = new(
        [new LinkState(2, "eth0", true, true, 1500, [2, 0, 0, 0, 0, 1]), new LinkState(3, "eth1", true, true, 1500, [2, 0, 0, 0, 1, 1])],
        [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.1"), 24), new InterfaceAddress("eth1", IPAddress.Parse("10.0.1.1"), 24)]);

    private static string Inst(string name, int vrid, string vips, string body = "priority 100", string iface = "eth0") => $$"""
        vrrp_instance {{name}} {
            interface {{iface}}
            virtual_router_id {{vrid}}
            {{body}}
            virtual_ipaddress {
                {{vips}}
            }
        }
        """;

    private const string Group = "vrrp_sync_group G {\n group {\n VI_1\n VI_2\n }\n}\n";

    private static readonly string Base = Inst("VI_1", 51, "10.0.0.100/32") + Inst("VI_2", 52, "10.0.0.101/32") + Group;

    private static NodeReloadPlan Reload(string running, string next)
    {
        var config = VirtualLab.Load(running);
        return NodeReloadPlanner.Plan(NodePlanner.Plan(config, Host), config, VirtualLab.Load(next), Host);
    }

    private static ReloadAction Action(NodeReloadPlan plan, string child) => plan.Children.Single(c => c.Child == child).Action;

    [Fact]
    public void The_same_text_parsed_twice_changes_nothing_although_its_lists_and_arrays_are_new_objects()
    {
        var plan = Reload(Base, Base);
        Assert.True(plan.IsEmpty);
        Assert.All(plan.Children, c => Assert.Equal(ReloadAction.Unchanged, c.Action));
        Assert.Equal(["sync-G", "track-interface-eth0", "vrrp-eth0-v4-51", "vrrp-eth0-v4-52"], plan.With(ReloadAction.Unchanged).Order(StringComparer.Ordinal));
        Assert.Empty(plan.Problems);
        Assert.False(plan.NotifyChanged);
        Assert.Null(plan.Static);
    }

    [Theory]
    [InlineData("10.0.0.100/32\n 10.0.0.110/32", "a VIP added")]
    [InlineData("10.0.0.100/32", "priority 120", "priority")]
    [InlineData("10.0.0.100/32", "priority 100\n advert_int 2", "advert interval")]
    [InlineData("10.0.0.100/32", "priority 100\n nopreempt", "preemption")]
    public void A_changed_setting_reconfigures_only_that_instance(string vips, string body = "priority 100", string what = "")
    {
        var plan = Reload(Base, Inst("VI_1", 51, vips, body) + Inst("VI_2", 52, "10.0.0.101/32") + Group);
        Assert.True(ReloadAction.Reconfigure == Action(plan, "vrrp-eth0-v4-51"), what);
        Assert.Equal(ReloadAction.Unchanged, Action(plan, "vrrp-eth0-v4-52"));
        Assert.Equal(ReloadAction.Unchanged, Action(plan, "sync-G"));
        Assert.Equal(ReloadAction.Unchanged, Action(plan, "track-interface-eth0"));
        Assert.Empty(plan.With(ReloadAction.Start));
        Assert.Empty(plan.With(ReloadAction.Stop));
    }

    [Fact]
    public void Removing_every_instance_stops_them_first_then_their_group_socket_and_trackers()
    {
        var plan = Reload(Base, "global_defs {\n router_id r\n}\n");
        Assert.Equal(
            [
                new ChildReload("vrrp-eth0-v4-51", ChildKind.Instance, ReloadAction.Stop),
                new ChildReload("vrrp-eth0-v4-52", ChildKind.Instance, ReloadAction.Stop),
                new ChildReload("track-interface-eth0", ChildKind.Tracker, ReloadAction.Stop),
                new ChildReload("sync-G", ChildKind.Group, ReloadAction.Stop),
                new ChildReload("io-eth0-v4-multicast", ChildKind.Io, ReloadAction.Stop),
            ],
            plan.Children);
        Assert.Empty(plan.Plan.Instances);
    }

    [Fact]
    public void Renaming_everything_reconfigures_the_same_children_and_renames_the_group_actor()
    {
        var renamed = Inst("A", 51, "10.0.0.100/32") + Inst("B", 52, "10.0.0.101/32") + "vrrp_sync_group H {\n group {\n A\n B\n }\n}\n";
        var plan = Reload(Base, renamed);
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-51"));
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-52"));
        Assert.Equal(ReloadAction.Stop, Action(plan, "sync-G"));          // a group is keyed by its name
        Assert.Equal(ReloadAction.Start, Action(plan, "sync-H"));
        Assert.Equal(ReloadAction.Unchanged, Action(plan, "track-interface-eth0"));   // same subscribers: the child names
        // The new group starts before the instances are reconfigured into it; the old one stops after.
        var order = plan.Children.Select(c => c.Child).ToList();
        Assert.True(order.IndexOf("sync-H") < order.IndexOf("vrrp-eth0-v4-51"));
        Assert.True(order.IndexOf("sync-G") > order.IndexOf("vrrp-eth0-v4-52"));
    }

    [Fact]
    public void A_key_collision_in_the_new_config_keeps_the_first_and_reports_the_second()
    {
        // The validator refuses it (KA3003), so build it behind its back: the planner must not trust its input.
        var running = VirtualLab.Load(Base);
        var hostile = running with { VrrpInstances = ValueList.From(running.VrrpInstances.Append(running.VrrpInstances[0] with { Name = "VI_9" })) };
        var plan = NodeReloadPlanner.Plan(NodePlanner.Plan(running, Host), running, hostile, Host);
        Assert.Equal(ReloadAction.Unchanged, Action(plan, "vrrp-eth0-v4-51"));
        Assert.Contains(plan.Problems, p => p.Contains("VI_9") && p.Contains("not started"));
        Assert.DoesNotContain(plan.Plan.Instances, i => i.Setup.Name == "VI_9");
    }

    [Fact]
    public void A_vip_moved_between_instances_reconfigures_both_in_one_reload()
    {
        var moved = Inst("VI_1", 51, "10.0.0.100/32\n 10.0.0.101/32") + Inst("VI_2", 52, "10.0.0.102/32") + Group;
        var plan = Reload(Base, moved);
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-51"));
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-52"));
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void Moving_an_instance_out_of_its_group_updates_the_members_and_reconfigures_it()
    {
        var plan = Reload(Base, Inst("VI_1", 51, "10.0.0.100/32") + Inst("VI_2", 52, "10.0.0.101/32") + "vrrp_sync_group G {\n group {\n VI_2\n }\n}\n");
        Assert.Equal(ReloadAction.UpdateMembers, Action(plan, "sync-G"));
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-51"));    // InSyncGroup, its group link
        Assert.Equal(ReloadAction.Unchanged, Action(plan, "vrrp-eth0-v4-52"));
        Assert.True(plan.NotifyChanged);                                             // memberships are in the notify plan
    }

    [Fact]
    public void Trackers_are_replaced_when_their_object_changes_and_told_when_only_their_subscribers_change()
    {
        const string Script = "vrrp_script chk {\n script \"/bin/chk\"\n interval 1\n}\n";
        var running = Script + Inst("VI_1", 51, "10.0.0.100/32", "priority 100\n track_script {\n chk\n}") + Inst("VI_2", 52, "10.0.0.101/32");
        var tracked = Script.Replace("interval 1", "interval 2") + Inst("VI_1", 51, "10.0.0.100/32", "priority 100\n track_script {\n chk\n}")
            + Inst("VI_2", 52, "10.0.0.101/32", "priority 100\n track_interface {\n eth1\n}");
        var plan = Reload(running, tracked);
        Assert.Equal(ReloadAction.Replace, Action(plan, "track-script-chk"));
        Assert.Equal(ReloadAction.Start, Action(plan, "track-interface-eth1"));
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-51"));      // its tracker has a new reference
        Assert.Equal(ReloadAction.Reconfigure, Action(plan, "vrrp-eth0-v4-52"));      // a new tracked interface

        var moreSubscribers = Script + Inst("VI_1", 51, "10.0.0.100/32", "priority 100\n track_script {\n chk\n}")
            + Inst("VI_2", 52, "10.0.0.101/32", "priority 100\n track_script {\n chk\n}");
        var told = Reload(running, moreSubscribers);
        Assert.Equal(ReloadAction.UpdateSubscribers, Action(told, "track-script-chk"));
        Assert.Equal(ReloadAction.Unchanged, Action(told, "vrrp-eth0-v4-51"));
    }

    [Fact]
    public void A_new_interface_brings_its_socket_and_tracker_before_the_instance_and_a_gone_one_retires_them_after()
    {
        var plan = Reload(Base, Base + Inst("VI_3", 53, "10.0.1.100/32", iface: "eth1"));
        var order = plan.Children.Select(c => (c.Child, c.Action)).ToList();
        Assert.True(order.IndexOf(("io-eth1-v4-multicast", ReloadAction.Start)) < order.IndexOf(("vrrp-eth1-v4-53", ReloadAction.Start)));
        Assert.True(order.IndexOf(("track-interface-eth1", ReloadAction.Start)) < order.IndexOf(("vrrp-eth1-v4-53", ReloadAction.Start)));

        var back = Reload(Base + Inst("VI_3", 53, "10.0.1.100/32", iface: "eth1"), Base);
        var retire = back.Children.Select(c => (c.Child, c.Action)).ToList();
        Assert.True(retire.IndexOf(("vrrp-eth1-v4-53", ReloadAction.Stop)) < retire.IndexOf(("io-eth1-v4-multicast", ReloadAction.Stop)));
    }

    [Fact]
    public void Use_vmac_links_are_created_for_new_instances_and_removed_for_gone_ones()
    {
        var vmac = Inst("VI_3", 53, "10.0.0.103/32", "priority 100\n use_vmac");
        var added = Reload(Base, Base + vmac);
        Assert.Equal(["vrrp.53"], added.CreateVmacs.Select(v => v.Name));
        Assert.Empty(added.RemoveVmacs);
        Assert.Equal(ReloadAction.Start, Action(added, "vrrp-eth0-v4-53-vmac"));
        var removed = Reload(Base + vmac, Base);
        Assert.Equal(["vrrp.53"], removed.RemoveVmacs.Select(v => v.Name));
        Assert.Empty(Reload(Base + vmac, Base + vmac).CreateVmacs);
    }

    [Fact]
    public void Settings_a_reload_cannot_change_are_kept_and_reported()
    {
        var running = "net_namespace blue\nglobal_defs {\n vrrp_rt_priority 50\n vrrp_priority -5\n}\n" + Base;
        var next = "net_namespace red\nglobal_defs {\n vrrp_rt_priority 10\n vrrp_priority 3\n}\n" + Base;
        var plan = Reload(running, next);
        Assert.Equal("blue", plan.Config.TopLevel.NetNamespace);
        Assert.Equal(50, plan.Config.Globals.VrrpRtPriority);
        Assert.Contains(plan.Problems, p => p.StartsWith("net_namespace cannot change on reload (blue -> red)", StringComparison.Ordinal));
        Assert.Contains(plan.Problems, p => p.StartsWith("vrrp_rt_priority cannot change on reload (50 -> 10)", StringComparison.Ordinal));
        Assert.Equal(-5, plan.Config.Globals.VrrpPriority);
        Assert.Contains(plan.Problems, p => p.StartsWith("vrrp_priority cannot change on reload (-5 -> 3)", StringComparison.Ordinal));
        Assert.All(plan.Children, c => Assert.Equal(ReloadAction.Unchanged, c.Action));
    }

    [Fact]
    public void A_changed_static_set_is_planned_and_an_unchanged_one_is_not()
    {
        const string Static = "static_ipaddress {\n 192.168.9.1/24 dev eth0\n}\n";
        Assert.Null(Reload(Static + Base, Static + Base).Static);
        var plan = Reload(Static + Base, Static.Replace("9.1", "9.2") + Base);
        Assert.Equal(["192.168.9.2/24 dev eth0"], plan.Static!.Set.Addresses.Select(a => a.ToString()));
        Assert.All(plan.Children, c => Assert.Equal(ReloadAction.Unchanged, c.Action));
    }

    [Fact]
    public void A_notify_script_change_goes_to_the_notifier_only()
    {
        var plan = Reload(Base, Base.Replace("priority 100\n", "priority 100\n notify_master /bin/m\n"));
        Assert.True(plan.NotifyChanged);
        Assert.All(plan.Children, c => Assert.Equal(ReloadAction.Unchanged, c.Action));
    }
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tracking;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Node;

public sealed class NodePlannerTests
{
    private static readonly HostFacts Host = new(
        [new LinkState(2, "eth0", true, true, 1500, [2, 0, 0, 0, 0, 1]), new LinkState(3, "eth1", true, true, 1500, [2, 0, 0, 0, 1, 1])],
        [
            new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.1"), 24),
            new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.9"), 24),
            new InterfaceAddress("eth0", IPAddress.Parse("2001:db8::1"), 64),
            new InterfaceAddress("eth0", IPAddress.Parse("fe80::1"), 64),
        ]);

    private static NodePlan Plan(string text, HostFacts? host = null) => NodePlanner.Plan(VirtualLab.Load(text), host ?? Host);

    private static string Inst(string name, int vrid, string body) => $$"""
        vrrp_instance {{name}} {
            interface eth0
            virtual_router_id {{vrid}}
            {{body}}
            virtual_ipaddress {
                10.0.{{vrid}}.1/24
            }
        }
        """;

    [Fact]
    public void A_multicast_instance_gets_a_key_name_the_first_ipv4_address_the_group_and_its_own_interface_tracked()
    {
        var plan = Plan(Inst("VI_1", 51, "priority 120\n nopreempt\n state BACKUP"));
        var i = Assert.Single(plan.Instances);
        Assert.Equal("vrrp-eth0-v4-51", i.ChildName);
        Assert.Equal("io-eth0-v4-multicast", i.IoChild);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), i.Setup.Source);
        Assert.Equal(IPAddress.Parse("224.0.0.18"), i.Setup.Destination);
        Assert.Equal([10, 0, 0, 1], i.Setup.Settings.PrimaryAddress);
        Assert.Equal([2, 0, 0, 0, 0, 1], i.Setup.InterfaceMac);
        Assert.False(i.Setup.Settings.Preempt);
        Assert.False(i.Setup.Settings.WantsMaster);
        Assert.Equal(120, i.Setup.Settings.Priority);
        Assert.Equal(1_000_000, i.Setup.Settings.AdvertIntervalMicros);
        Assert.Equal([new TrackedBinding("interface eth0", TrackedKind.UpDown, 0, false)], i.Setup.Tracked);
        Assert.Equal(["track-interface-eth0"], i.TrackerChildren);
        Assert.Equal("10.0.51.1/24 dev eth0", Assert.Single(i.Setup.VirtualAddresses).ToString());
        Assert.Equal(["10.0.51.1/24 dev eth0"], NodePlanner.ConfiguredSet(VirtualLab.Load(Inst("VI_1", 51, "priority 120\n nopreempt\n state BACKUP"))).Addresses.Select(a => a.ToString()));
        Assert.Empty(plan.Vmacs);
        Assert.Null(i.Setup.ConfigFault);
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void Dont_track_primary_leaves_the_interface_untracked()
    {
        var i = Assert.Single(Plan(Inst("VI_1", 51, "dont_track_primary")).Instances);
        Assert.Empty(i.Setup.Tracked);
    }

    [Fact]
    public void An_ipv6_instance_sends_from_the_link_local_address_to_ff02_12()
    {
        var plan = Plan("""
            vrrp_instance V6 {
                interface eth0
                virtual_router_id 7
                virtual_ipaddress {
                    2001:db8::100/64
                }
            }
            """);
        var i = Assert.Single(plan.Instances);
        Assert.Equal("vrrp-eth0-v6-7", i.ChildName);
        Assert.Equal(AddressFamily.InterNetworkV6, i.Setup.Source.AddressFamily);
        Assert.Equal(IPAddress.Parse("fe80::1"), i.Setup.Source);
        Assert.Equal(IPAddress.Parse("ff02::12"), i.Setup.Destination);
        Assert.True(i.Setup.VirtualAddresses[0].NoDad);
        Assert.Equal(3, i.Setup.Settings.Version);
    }

    [Fact]
    public void A_unicast_instance_names_its_source_and_sends_to_every_peer()
    {
        var plan = Plan(Inst("VI_1", 51, "unicast_src_ip 10.0.0.9\n unicast_peer {\n 10.0.0.2\n 10.0.0.3\n }"));
        var i = Assert.Single(plan.Instances);
        Assert.Equal("vrrp-eth0-v4-51-unicast-10.0.0.9", i.ChildName);
        Assert.Equal("io-eth0-v4-unicast", i.IoChild);
        Assert.Equal(IPAddress.Parse("10.0.0.9"), i.Setup.Source);
        Assert.Equal([IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3")], i.Setup.UnicastPeers);
        Assert.False(Assert.Single(plan.Io).Spec.Multicast);
    }

    [Theory]
    [InlineData("eth9", "interface eth9 does not exist")]
    public void A_missing_interface_is_a_config_fault_of_that_instance_only(string iface, string fault)
    {
        var plan = Plan($$"""
            vrrp_instance BAD {
                interface {{iface}}
                virtual_router_id 1
                virtual_ipaddress {
                    10.1.0.1
                }
            }
            {{Inst("GOOD", 2, "")}}
            """);
        Assert.StartsWith(fault, plan.Instances.Single(i => i.Setup.Name == "BAD").Setup.ConfigFault);
        Assert.Null(plan.Instances.Single(i => i.Setup.Name == "GOOD").Setup.ConfigFault);
        Assert.Contains(plan.Problems, p => p.Contains("BAD") && p.Contains("FAULT"));
    }

    [Fact]
    public void An_interface_without_an_ipv4_address_cannot_send_adverts()
    {
        var host = Host with { Addresses = [] };
        var i = Assert.Single(Plan(Inst("VI_1", 51, ""), host).Instances);
        Assert.Contains("no IPv4 address", i.Setup.ConfigFault);
    }

    private const string Trackables = """
        vrrp_script chk {
            script "/bin/true"
            weight 20
        }
        vrrp_script gate {
            script "/bin/true"
        }
        track_file f1 {
            file "/tmp/f1"
        }
        track_file f5 {
            file "/tmp/f5"
            weight 5
        }

        """;

    private const string Tracks = """
        track_interface {
            eth1 weight -30
        }
        track_script {
            chk
            gate
        }
        track_file {
            f1
            f5
        }
        """;

    [Fact]
    public void Weights_come_from_the_object_unless_the_instance_overrides_them()
    {
        var plan = Plan(Trackables + Inst("VI_1", 51, Tracks.Replace("    chk\n", "    chk weight -7 reverse\n")));
        var tracked = plan.Instances[0].Setup.Tracked.ToDictionary(t => t.Tracker);
        Assert.Equal(new TrackedBinding("interface eth1", TrackedKind.UpDown, -30, false), tracked["interface eth1"]);
        Assert.Equal(new TrackedBinding("script chk", TrackedKind.UpDown, -7, true), tracked["script chk"]);
        Assert.Equal(new TrackedBinding("script gate", TrackedKind.UpDown, 0, false), tracked["script gate"]);
        Assert.Equal(new TrackedBinding("file f1", TrackedKind.File, 1, false), tracked["file f1"]);
        Assert.Equal(new TrackedBinding("file f5", TrackedKind.File, 5, false), tracked["file f5"]);
        var chk = plan.Trackers.Single(t => t.Key == "script chk");
        Assert.Equal(TrackerKind.Script, chk.Kind);
        Assert.Equal("/bin/true", chk.Script!.Script!.Command);
        Assert.Equal(["vrrp-eth0-v4-51"], chk.Subscribers);
    }

    [Fact]
    public void An_owner_drops_weighted_trackers_keeps_unweighted_ones_and_always_preempts()
    {
        var plan = Plan(Trackables + Inst("VI_1", 51, "priority 255\n nopreempt\n" + Tracks));
        var i = plan.Instances[0];
        Assert.Equal(["file f1", "interface eth0", "script gate"], i.Setup.Tracked.Select(t => t.Tracker).Order());
        Assert.Equal(0, i.Setup.Tracked.Single(t => t.Tracker == "file f1").Weight);       // default weight 1 → unweighted
        Assert.True(i.Setup.Settings.Preempt);
        Assert.True(i.Setup.Settings.WantsMaster);
        Assert.Equal(3, plan.Problems.Count(p => p.Contains("an address owner's priority never changes")));
    }

    [Fact]
    public void Sync_group_members_track_interfaces_unweighted_drop_weighted_scripts_and_share_the_groups_trackers()
    {
        var plan = Plan(Trackables + Inst("A", 1, Tracks) + Inst("B", 2, "") + """
            vrrp_sync_group G {
                group {
                    A
                    B
                }
                track_script {
                    gate
                }
            }
            """);
        var a = plan.Instances.Single(i => i.Setup.Name == "A");
        var b = plan.Instances.Single(i => i.Setup.Name == "B");
        Assert.Equal("sync-G", a.GroupChild);
        Assert.True(a.Setup.Settings.InSyncGroup);
        Assert.Equal(["file f1", "interface eth0", "interface eth1", "script gate"], a.Setup.Tracked.Select(t => t.Tracker).Order());
        Assert.All(a.Setup.Tracked, t => Assert.Equal(0, t.Weight));
        Assert.Equal(["interface eth0", "script gate"], b.Setup.Tracked.Select(t => t.Tracker).Order());
        Assert.Equal(["vrrp-eth0-v4-1", "vrrp-eth0-v4-2"], plan.Trackers.Single(t => t.Key == "script gate").Subscribers.Order());
        Assert.Equal(2, plan.Problems.Count(p => p.Contains("sync group members keep equal priorities")));
    }

    [Fact]
    public void Sync_group_tracking_weight_keeps_the_members_weights()
    {
        var plan = Plan(Trackables + Inst("A", 1, Tracks) + """
            vrrp_sync_group G {
                group {
                    A
                }
                sync_group_tracking_weight
            }
            """);
        Assert.Equal(20, plan.Instances[0].Setup.Tracked.Single(t => t.Tracker == "script chk").Weight);
        Assert.Equal(-30, plan.Instances[0].Setup.Tracked.Single(t => t.Tracker == "interface eth1").Weight);
    }

    [Fact]
    public void Pass_and_ah_authentication_apply_to_v2_only()
    {
        var plan = Plan(Inst("P", 1, "authentication {\n auth_type PASS\n auth_pass secret\n }") + Inst("H", 2, "authentication {\n auth_type AH\n auth_pass secret\n }"));
        Assert.Equal(VrrpAuthType.Password, plan.Instances[0].Setup.Authentication.Type);
        Assert.Equal(VrrpAuthType.IpsecAh, plan.Instances[1].Setup.Authentication.Type);
    }

    [Fact]
    public void Ah_instances_get_their_own_ah_socket_beside_the_vrrp_one_of_the_same_interface()
    {
        var plan = Plan(Inst("P", 1, "authentication {\n auth_type PASS\n auth_pass secret\n }") + Inst("H", 2, "authentication {\n auth_type AH\n auth_pass secret\n }")
            + Inst("U", 3, "authentication {\n auth_type AH\n auth_pass other\n }\n unicast_peer {\n 10.0.0.2\n }"));

        Assert.Equal(["io-eth0-v4-multicast", "io-eth0-v4-multicast-ah", "io-eth0-v4-unicast-ah"], plan.Instances.Select(i => i.IoChild));
        Assert.Equal(
            [new VrrpSocketSpec("eth0", AddressFamily.InterNetwork, true), new VrrpSocketSpec("eth0", AddressFamily.InterNetwork, true, Ah: true),
             new VrrpSocketSpec("eth0", AddressFamily.InterNetwork, false, Ah: true)],
            plan.Io.OrderBy(p => p.ChildName, StringComparer.Ordinal).Select(p => p.Spec));
    }

    [Theory]
    [InlineData("eth0", "eth0")]
    [InlineData("bond0.100", "bond0.100")]
    [InlineData("a b/c", "a%20b%2Fc")]
    public void Names_are_escaped_into_valid_actor_names(string name, string escaped)
    {
        Assert.Equal(escaped, ActorNames.Escape(name));
        Assert.True(Akka.Actor.ActorPath.IsValidPathElement(ActorNames.Tracker(TrackerKind.Interface, name)));
    }

    [Theory]
    [InlineData("", "vrrp.51", "io-vrrp.51-v4-multicast")]
    [InlineData("vmac_xmit_base", "vrrp.51", "io-eth0-v4-multicast")]
    public void A_use_vmac_instance_plans_its_macvlan_and_puts_its_vips_and_adverts_on_it(string extra, string vmac, string io)
    {
        var plan = Plan(Inst("VI_1", 51, "use_vmac\n" + extra));
        var i = Assert.Single(plan.Instances);
        Assert.Equal(vmac, Assert.Single(plan.Vmacs).Name);
        Assert.Equal("eth0", plan.Vmacs[0].BaseInterface);
        Assert.Equal(io, i.IoChild);
        Assert.Equal(vmac, i.Setup.Interface);                                 // where the VIPs and GARPs go
        Assert.Equal([0x00, 0x00, 0x5e, 0x00, 0x01, 51], i.Setup.InterfaceMac);
        Assert.Equal($"10.0.51.1/24 dev {vmac}", Assert.Single(i.Setup.VirtualAddresses).ToString());
        Assert.Equal(IPAddress.Parse("10.0.0.1"), i.Setup.Source);              // adverts still from eth0's address
        Assert.Equal("vrrp-eth0-v4-51-vmac", i.ChildName);
    }

    [Fact]
    public void Virtual_routes_and_excluded_addresses_are_part_of_what_master_holds()
    {
        var plan = Plan(Inst("VI_1", 51, "virtual_ipaddress_excluded {\n 10.9.0.1/24\n }\n virtual_routes {\n 10.20.0.0/16 via 10.0.0.254\n }"));
        var set = plan.Instances[0].Setup.MasterSet!;
        Assert.Equal(["10.0.51.1/24 dev eth0", "10.9.0.1/24 dev eth0"], set.Addresses.Select(a => a.ToString()));
        Assert.Equal("10.20.0.0", Assert.Single(set.Routes).Destination.ToString());
        var configured = NodePlanner.ConfiguredSet(VirtualLab.Load(Inst("VI_1", 51, "virtual_ipaddress_excluded {\n 10.9.0.1/24\n }\n virtual_routes {\n 10.20.0.0/16 via 10.0.0.254\n }")));
        Assert.Equal(set.Addresses, configured.Addresses);                   // what a killed predecessor may have left
        Assert.Equal(set.Routes, configured.Routes);
    }

    [Fact]
    public void Use_vmac_needs_the_firewall_and_moves_the_reports_of_its_family_and_of_its_other_family_evips()
    {
        var config = VirtualLab.Load(
            Inst("VI_1", 51, "use_vmac") + "\n"
            + Inst("VI_2", 52, "use_vmac\n virtual_ipaddress_excluded {\n 2001:db8::52/64\n }") + "\n"
            + Inst("VI_3", 53, ""));
        Assert.True(NodePlanner.Firewall(config).Needed);
        Assert.Equal(new Dictionary<string, VmacFamilies> { ["vrrp.51"] = new(true, false), ["vrrp.52"] = new(true, true) }, NodePlanner.VmacReports(config));
        Assert.False(NodePlanner.Firewall(VirtualLab.Load(Inst("VI_3", 53, ""))).Needed);
        Assert.Empty(NodePlanner.VmacReports(VirtualLab.Load(Inst("VI_3", 53, ""))));
    }
}

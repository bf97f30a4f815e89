using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>The node's address plane: static addresses held from start to stop (and restored after an effector
/// crash), a use_vmac instance whose macvlan exists before its socket opens and carries its VIP as MASTER.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodePlaneSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    private const string Statics = """
        static_ipaddress {
            192.168.9.1/24 dev eth0
        }
        static_routes {
            192.168.50.0/24 via 192.168.9.254
        }

        """;

    private static bool Has(LabNode n, string address) => Vips(n).Any(v => v.Address.ToString() == address);

    [Fact]
    public void Static_addresses_are_there_from_start_survive_an_effector_crash_and_go_at_stop()
    {
        var a = Lab.Start("a", 1, Statics + Conf(Instance("VI_1", 51, 100, "10.0.0.100/32")));
        Lab.RunUntil(() => Has(a, "192.168.9.1"), 0.5, "static address added at start");
        Assert.Single(a.Kernel.Routes, r => r.Destination.ToString() == "192.168.50.0");
        Lab.Run(4);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);     // they follow no VRRP state

        Lab.Child(a, ActorNames.Effector).Tell(Kill.Instance);
        a.Kernel.RemoveAddressBehindOurBack(new("eth0", System.Net.IPAddress.Parse("192.168.9.1"), 24));
        Lab.RunUntil(() => Has(a, "192.168.9.1"), 2, "static address restored");

        Lab.Stop(a);
        Assert.False(Has(a, "192.168.9.1"));
        Assert.False(Has(a, "10.0.0.100"));
        Assert.DoesNotContain(a.Kernel.Routes, r => r.Destination.ToString() == "192.168.50.0");
    }

    [Fact]
    public void A_use_vmac_instance_gets_its_macvlan_before_its_socket_and_its_vip_on_it_as_master()
    {
        var a = Lab.Start("a", 1, Conf(Instance("VI_1", 51, 100, "10.0.0.100/32", "use_vmac")), k => { });
        a.Sockets.Plug("vrrp.51", "lan", 3, a.Address);
        Lab.Run(4.5);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);
        a.Kernel.Links(out var links);
        var vmac = Assert.Single(links, l => l.Name == "vrrp.51");
        Assert.Equal([0x00, 0x00, 0x5e, 0x00, 0x01, 51], vmac.Mac);
        Assert.Contains(Vips(a), v => v.ToString() == "10.0.0.100/32 dev vrrp.51");
        // The gratuitous ARPs leave through the effector once the address is in: under load, after the state is seen.
        Lab.RunUntil(() => a.Kernel.Frames.Any(f => f.Interface == "vrrp.51" && f.Frame.AsSpan(6, 6).SequenceEqual(vmac.Mac)), 1, "gratuitous ARP from the VMAC");
        // keepalived 2.2.7 firewall_add_vmac: its IGMP reports go out on eth0, in the default table.
        var reports = Assert.Single(a.Kernel.RecordingFirewall.VmacTables["keepalived"]);
        Assert.Equal(new KeepAlive.Kernel.Ports.VmacFirewallLink("vrrp.51", vmac.Index, links.Single(l => l.Name == "eth0").Index, new(true, false)), reports);

        Lab.Stop(a);
        a.Kernel.Links(out links);
        Assert.DoesNotContain(links, l => l.Name == "vrrp.51");
        Assert.Empty(a.Kernel.RecordingFirewall.Vmacs);
        Assert.Empty(a.Kernel.RecordingFirewall.Tables);
    }
}

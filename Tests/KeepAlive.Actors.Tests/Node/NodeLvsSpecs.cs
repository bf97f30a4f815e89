using Akka.Actor;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Lvs;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Wire.Ipvs;
using static KeepAlive.Actors.Tests.Node.VirtualLab;
using IpvsServiceKey = KeepAlive.Actors.Lvs.IpvsServiceKey;
using KernelResultAlias = KeepAlive.Kernel.Ports.KernelResult;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>The node's LVS half against the recording IPVS: start reconcile (stale owned services removed, foreign
/// ones kept, configured ones taken over), release at stop (not with --dont-release-ipvs; priority 0 does not wait
/// for it), the keyed reload,
/// -C and -P, lvs_timeouts and the sync daemon following its instance.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeLvsSpecs() : Akka.TestKit.Xunit2.TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    private static string Vs(string address, string servers, string extra = "") => $$"""
        virtual_server {{address}} 80 {
            delay_loop 5
            lb_algo rr
            protocol TCP
            {{extra}}
            {{servers}}
        }
        """;

    private static string Rs(string address, int weight = 1) => $$"""
        real_server {{address}} 80 {
            weight {{weight}}
            TCP_CHECK {
                connect_timeout 1
            }
        }
        """;

    private static IpvsService Service(string address) =>
        new() { Family = AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse(address), Port = 80, Scheduler = "rr" };

    /// <summary>"address: octet:weight,..." per service, by address.</summary>
    private static string Table(RecordingKernelPort kernel)
    {
        kernel.Ipvs.Services(out var services);
        return string.Join(" | ", services.OrderBy(s => s.Service.Address!.ToString(), StringComparer.Ordinal).Select(s =>
        {
            kernel.Ipvs.Destinations(s.Service, out var d);
            return $"{s.Service.Address}: " + string.Join(',', d.Select(x => x.Destination).OrderBy(x => x.Address.GetAddressBytes()[3]).Select(x => $"{x.Address.GetAddressBytes()[3]}:{x.Weight}"));
        }));
    }

    private readonly ScriptedProbes _probes = new();

    private LabNode Start(string config, Action<RecordingKernelPort>? prepare = null, Func<NodeSetup, NodeSetup>? customise = null)
    {
        var probes = _probes;
        Lab.Customise = s => (customise ?? (x => x))(s with { Probes = probes });
        return Lab.Start("a", 1, config, prepare);
    }

    private void Until(LabNode node, string table, string what) => Lab.RunUntil(() => Table(node.Kernel) == table, 3, what + ": " + Table(node.Kernel));

    [Fact]
    public void Must_remove_stale_services_it_owns_keep_foreign_ones_and_take_over_configured_ones_at_start()
    {
        var memory = new EffectorMemory();
        memory.OwnedIpvs.Add(IpvsServiceKey.Of(Service("10.0.0.20")));
        memory.OwnedIpvs.Add(IpvsServiceKey.Of(Service("10.0.0.10")));
        var a = Start(Conf(Vs("10.0.0.10", Rs("192.168.1.1") + Rs("192.168.1.2"))), k =>
        {
            k.Ipvs.AddService(Service("10.0.0.10"));
            k.Ipvs.AddDestination(Service("10.0.0.10"), new IpvsDestination(IPAddress.Parse("192.168.1.9"), 80));
            k.Ipvs.AddService(Service("10.0.0.20"));
            k.Ipvs.AddDestination(Service("10.0.0.20"), new IpvsDestination(IPAddress.Parse("192.168.1.3"), 80));
            k.Ipvs.AddService(Service("10.0.0.30"));
        }, s => s with { EffectorMemory = memory });
        Until(a, "10.0.0.10: 1:1,2:1 | 10.0.0.30: ", "stale owned service removed, foreign kept, configured taken over");
        Assert.DoesNotContain(a.Kernel.RecordingIpvs.Log.Skip(5), l => l.StartsWith("add service", StringComparison.Ordinal));
    }

    [Fact]
    public void Must_remove_its_services_at_stop()
    {
        var a = Start(Conf(Vs("10.0.0.10", Rs("192.168.1.1"))), k => k.Ipvs.AddService(Service("10.0.0.30")));
        Until(a, "10.0.0.10: 1:1 | 10.0.0.30: ", "started");
        Lab.Stop(a);
        Assert.Equal("10.0.0.30: ", Table(a.Kernel));
    }

    [Fact]
    public void Must_leave_its_services_at_stop_with_dont_release_ipvs()
    {
        var a = Start(Conf(Vs("10.0.0.10", Rs("192.168.1.1"))), customise: s => s with { ReleaseIpvs = false });
        Until(a, "10.0.0.10: 1:1", "started");
        Lab.Stop(a);
        Assert.Equal("10.0.0.10: 1:1", Table(a.Kernel));
    }

    [Fact]
    public void Must_apply_a_reload_as_a_keyed_diff_with_one_ipvs_op_for_one_changed_weight()
    {
        var before = Conf(Vs("10.0.0.10", Rs("192.168.1.1") + Rs("192.168.1.2")), Vs("10.0.0.11", Rs("192.168.1.5")), Vs("10.0.0.12", Rs("192.168.1.6")));
        var a = Start(before);
        Until(a, "10.0.0.10: 1:1,2:1 | 10.0.0.11: 5:1 | 10.0.0.12: 6:1", "started");
        var ops = a.Kernel.RecordingIpvs.Log.Count;

        var applied = Lab.Reload(a, Conf(Vs("10.0.0.10", Rs("192.168.1.1") + Rs("192.168.1.2", 4)), Vs("10.0.0.11", Rs("192.168.1.5"))));
        Until(a, "10.0.0.10: 1:1,2:4 | 10.0.0.11: 5:1", "weight changed, removed virtual server gone");
        Assert.Contains("vs-10.0.0.10-80-tcp", applied.Reconfigured);
        Assert.Contains("vs-10.0.0.11-80-tcp", applied.Unchanged);
        Assert.Contains("vs-10.0.0.12-80-tcp", applied.Stopped);
        Assert.Equal(["delete destination 192.168.1.6:80 of Tcp 10.0.0.12:80: ok", "delete service Tcp 10.0.0.12:80: ok", "edit destination 192.168.1.2:80 of Tcp 10.0.0.10:80: ok"],
            a.Kernel.RecordingIpvs.Log.Skip(ops).Order(StringComparer.Ordinal));

        var added = Lab.Reload(a, Conf(Vs("10.0.0.10", Rs("192.168.1.1") + Rs("192.168.1.2", 4)), Vs("10.0.0.11", Rs("192.168.1.5")), Vs("10.0.0.13", Rs("192.168.1.7"))));
        Assert.Contains("vs-10.0.0.13-80-tcp", added.Started);
        Until(a, "10.0.0.10: 1:1,2:4 | 10.0.0.11: 5:1 | 10.0.0.13: 7:1", "added virtual server");
    }

    [Fact]
    public void Must_run_the_checkers_alone_with_dash_C_and_vrrp_alone_with_dash_P()
    {
        var config = Conf(Instance("VI_1", 51, 100, "10.0.0.100/32"), Vs("10.0.0.10", Rs("192.168.1.1")));
        var checkers = Start(config, customise: s => s with { Vrrp = false });
        Until(checkers, "10.0.0.10: 1:1", "IPVS configured by -C");
        Assert.DoesNotContain(Lab.Children(checkers).Children.Keys, k => k.StartsWith("vrrp-", StringComparison.Ordinal));
        Lab.Run(5);
        Assert.DoesNotContain(Vips(checkers), v => v.Address.ToString() == "10.0.0.100");
        Lab.Stop(checkers);

        var vrrp = Lab.Start("b", 2, config);
        Lab.Customise = s => s with { Checkers = false };
        var onlyVrrp = Lab.Start("c", 3, config);
        Lab.Run(5);
        Assert.Empty(onlyVrrp.Kernel.RecordingIpvs.Log);
        Assert.DoesNotContain(Lab.Children(onlyVrrp).Children.Keys, k => k.StartsWith("vs-", StringComparison.Ordinal));
        Assert.Contains(Lab.Children(vrrp).Children.Keys, k => k.StartsWith("vs-", StringComparison.Ordinal));
    }

    [Fact]
    public void Must_set_the_timeouts_and_run_the_sync_daemon_as_master_only_while_its_instance_is_master()
    {
        var a = Start("global_defs {\n lvs_timeouts tcp 7200 udp 60\n lvs_sync_daemon eth0 VI_1 id 4\n}\n" + Conf(
            Instance("VI_1", 51, 100, "10.0.0.100/32"),
            Vs("10.0.0.10", Rs("192.168.1.1"))));
        Until(a, "10.0.0.10: 1:1", "started");
        a.Kernel.Ipvs.Timeouts(out var timeouts);
        Assert.Equal(new IpvsTimeouts(7200, 120, 60), timeouts);
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Master, 6, "VI_1 master");
        Lab.RunUntil(() => a.Kernel.Ipvs.Daemons(out var d).IsOk && d.Count == 1 && d[0].State == IpvsSyncState.Master, 1, "sync daemon master");
        Assert.Equal(4u, Daemons(a)[0].SyncId);
        Lab.Stop(a);
        Assert.Empty(Daemons(a));
        a.Kernel.Ipvs.Timeouts(out timeouts);
        Assert.Equal(new IpvsTimeouts(900, 120, 300), timeouts);            // the kernel's own, put back at stop
    }

    [Fact]
    public void Must_run_the_sync_daemon_as_master_at_once_when_its_instance_is_master_already()
    {
        string Conf2(string globals) => "global_defs {\n" + globals + "\n}\n" + Conf(Instance("VI_1", 51, 255, "10.0.0.100/32", state: "MASTER"), Vs("10.0.0.10", Rs("192.168.1.1")));
        var a = Start(Conf2(""));
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Master, 3, "VI_1 master");
        Lab.Reload(a, Conf2("lvs_sync_daemon eth0 VI_1"));                  // no transition will come: the node asks
        Lab.RunUntil(() => Daemons(a) is [{ State: IpvsSyncState.Master }], 1, "sync daemon master");
    }

    [Fact]
    public void Must_apply_changed_timeouts_and_sync_daemon_on_reload_and_touch_neither_when_they_did_not_change()
    {
        string Conf2(string globals) => "global_defs {\n" + globals + "\n}\n" + Conf(Instance("VI_1", 51, 100, "10.0.0.100/32"), Vs("10.0.0.10", Rs("192.168.1.1")));
        var a = Start(Conf2("lvs_timeouts tcp 7200"));
        Until(a, "10.0.0.10: 1:1", "started");
        var before = a.Kernel.RecordingIpvs.Log.Count;

        Lab.Reload(a, Conf2("lvs_timeouts tcp 7200"));
        Lab.Run(1);
        Assert.Equal(before, a.Kernel.RecordingIpvs.Log.Count);              // nothing changed: no kernel op at all

        Lab.Reload(a, Conf2("lvs_timeouts tcp 3600 udp 30\n lvs_sync_daemon eth0 id 9"));
        Lab.RunUntil(() => Daemons(a).Count == 2, 1, "sync daemons started by the reload");
        a.Kernel.Ipvs.Timeouts(out var timeouts);
        Assert.Equal(new IpvsTimeouts(3600, 120, 30), timeouts);
        Assert.All(Daemons(a), d => Assert.Equal(9u, d.SyncId));

        Lab.Reload(a, Conf2(""));
        Lab.RunUntil(() => Daemons(a).Count == 0, 1, "sync daemons stopped by the reload");
        a.Kernel.Ipvs.Timeouts(out timeouts);
        Assert.Equal(new IpvsTimeouts(900, 120, 300), timeouts);
        Assert.Equal("10.0.0.10: 1:1", Table(a.Kernel));
    }

    [Fact]
    public async Task Must_show_every_virtual_server_with_its_real_servers_in_the_node_status()
    {
        var a = Start(Conf(Vs("10.0.0.10", Rs("192.168.1.1", 3) + Rs("192.168.1.2"))));
        Until(a, "10.0.0.10: 1:3,2:1", "started");
        var report = await KeepAlive.Actors.Status.NodeStatus.CollectAsync(Sys, a.Root, TimeSpan.FromSeconds(5));
        var vs = Assert.Single(report.VirtualServers);
        Assert.Equal(("vs-10.0.0.10-80-tcp", "[10.0.0.10]:tcp:80", true), (vs.Name, vs.Display, vs.QuorumUp));
        Assert.Equal(["192.168.1.1:80 w3 healthy", "192.168.1.2:80 w1 healthy"], vs.RealServers.Select(r => $"{r.Address}:{r.Port} w{r.Weight} {(r.Healthy ? "healthy" : "down")}"));
        Assert.Equal("TCP_CHECK on [192.168.1.1]:80", Assert.Single(vs.RealServers[0].Checkers).Checker);
        Assert.Empty(report.Missing);
    }

    [Fact]
    public void Must_run_ha_suspend_checkers_only_while_the_instance_holding_the_vip_is_master()
    {
        var a = Start(Conf(Instance("VI_1", 51, 100, "10.0.0.10/32"), Vs("10.0.0.10", Rs("192.168.1.1"), "ha_suspend")));
        Until(a, "10.0.0.10: 1:1", "started");
        Lab.Run(2);
        Assert.Equal(0, _probes.Checks("192.168.1.1"));                    // BACKUP: held
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Master, 6, "VI_1 master");
        Lab.RunUntil(() => _probes.Checks("192.168.1.1") > 0, 8, "checks once MASTER");
    }

    [Fact]
    public void Must_run_ha_suspend_checkers_of_an_instance_that_was_master_before_the_virtual_server_started()
    {
        var a = Start(Conf(Instance("VI_1", 51, 255, "10.0.0.10/32", state: "MASTER")));
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Master, 2, "VI_1 master");
        Lab.Reload(a, Conf(Instance("VI_1", 51, 255, "10.0.0.10/32", state: "MASTER"), Vs("10.0.0.10", Rs("192.168.1.1"), "ha_suspend")));
        Lab.RunUntil(() => _probes.Checks("192.168.1.1") > 0, 8, "checks at once: the instance is MASTER already");
    }

    [Fact]
    public async Task Must_send_priority_zero_at_stop_without_waiting_for_the_ipvs_release()
    {
        // keepalived's parent signals the VRRP and checker children together: the handover does not wait for IPVS.
        using var gate = new ManualResetEventSlim();
        var a = Start(Conf(Instance("VI_1", 51, 255, "10.0.0.100/32", state: "MASTER"), Vs("10.0.0.10", Rs("192.168.1.1"))),
            customise: s => s with { Kernel = new GatedIpvsKernel(s.Kernel, gate) });
        Until(a, "10.0.0.10: 1:1", "started");
        Lab.RunUntil(() => Lab.Instance(a, "VI_1").State == VrrpState.Master, 3, "VI_1 master");

        var stop = a.Root.Ask<NodeStopped>(StopNode.Instance, TimeSpan.FromSeconds(30));
        try
        {
            bool priorityZero = SpinWait.SpinUntil(() => Lab.Network.Sent.Any(d => d.Source.Equals(a.Address) && d.Payload.Span[2] == 0), TimeSpan.FromSeconds(10));
            Assert.True(priorityZero, "no priority-0 advert while the IPVS release is held");
            Assert.False(stop.IsCompleted, "the node stopped before its IPVS release");
        }
        finally
        {
            gate.Set();
        }
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
        a.Alive = false;
        Assert.Equal(string.Empty, Table(a.Kernel));
    }

    /// <summary>A kernel whose IPVS service deletes wait for <paramref name="gate"/> (a slow IPVS teardown).</summary>
    private sealed class GatedIpvsKernel(KeepAlive.Kernel.Ports.IKernelPort inner, ManualResetEventSlim gate) : KeepAlive.Kernel.Ports.DelegatingKernelPort(inner)
    {
        private readonly GatedIpvs _ipvs = new(inner.Ipvs, gate);

        public override KeepAlive.Kernel.Ports.IIpvsPort Ipvs => _ipvs;
    }

    private sealed class GatedIpvs(KeepAlive.Kernel.Ports.IIpvsPort inner, ManualResetEventSlim gate) : KeepAlive.Kernel.Ports.IIpvsPort
    {
        public KernelResultAlias Info(out IpvsInfo? info) => inner.Info(out info);
        public KernelResultAlias AddService(IpvsService service) => inner.AddService(service);
        public KernelResultAlias EditService(IpvsService service) => inner.EditService(service);
        public KernelResultAlias DeleteService(IpvsService service)
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            return inner.DeleteService(service);
        }
        public KernelResultAlias Flush() => inner.Flush();
        public KernelResultAlias AddDestination(IpvsService service, IpvsDestination destination) => inner.AddDestination(service, destination);
        public KernelResultAlias EditDestination(IpvsService service, IpvsDestination destination) => inner.EditDestination(service, destination);
        public KernelResultAlias DeleteDestination(IpvsService service, IpvsDestination destination) => inner.DeleteDestination(service, destination);
        public KernelResultAlias Services(out IReadOnlyList<IpvsServiceEntry> services) => inner.Services(out services);
        public KernelResultAlias Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations) => inner.Destinations(service, out destinations);
        public KernelResultAlias Timeouts(out IpvsTimeouts? timeouts) => inner.Timeouts(out timeouts);
        public KernelResultAlias SetTimeouts(IpvsTimeouts timeouts) => inner.SetTimeouts(timeouts);
        public KernelResultAlias Zero(IpvsService? service) => inner.Zero(service);
        public KernelResultAlias StartDaemon(IpvsDaemon daemon) => inner.StartDaemon(daemon);
        public KernelResultAlias StopDaemon(IpvsSyncState state) => inner.StopDaemon(state);
        public KernelResultAlias Daemons(out IReadOnlyList<IpvsDaemon> daemons) => inner.Daemons(out daemons);
    }

    private static IReadOnlyList<IpvsDaemon> Daemons(LabNode node)
    {
        node.Kernel.Ipvs.Daemons(out var d);
        return d;
    }
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Lvs;

public class IpvsReconcilerTests
{
    internal static IpvsService Svc(string address, ushort port, IpvsProtocol protocol = IpvsProtocol.Tcp, string scheduler = "wlc")
    {
        var ip = IPAddress.Parse(address);
        return new IpvsService { Family = ip.AddressFamily, Protocol = protocol, Address = ip, Port = port, Scheduler = scheduler };
    }

    internal static IpvsService Fwm(uint mark, bool ipv6 = false) =>
        new() { Family = ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, FirewallMark = mark, Scheduler = "rr" };

    internal static IpvsDestination Dst(string address, ushort port = 80, int weight = 1, IpvsForwarding forwarding = IpvsForwarding.Masquerade) =>
        new(IPAddress.Parse(address), port) { Weight = weight, Forwarding = forwarding };

    internal static IpvsServiceState St(IpvsService service, params IpvsDestination[] destinations) => new(service, destinations);

    private static HashSet<IpvsServiceKey> Owned(params IpvsService[] services) => services.Select(IpvsServiceKey.Of).ToHashSet();

    private static string Describe(IpvsOp op) => op switch
    {
        IpvsOp.AddService a => $"+S {op.Key}",
        IpvsOp.EditService => $"~S {op.Key}",
        IpvsOp.DeleteService => $"-S {op.Key}",
        IpvsOp.AddDestination a => $"+D {a.Destination.Address}:{a.Destination.Port} w{a.Destination.Weight}",
        IpvsOp.EditDestination e => $"~D {e.Destination.Address}:{e.Destination.Port} w{e.Destination.Weight}",
        IpvsOp.DeleteDestination d => $"-D {d.Destination.Address}:{d.Destination.Port}",
        _ => "?",
    };

    private static string Ops(IpvsPlan plan) => string.Join("; ", plan.Ops.Select(Describe));

    private static readonly IpvsService Web = Svc("192.168.1.1", 80);
    private static readonly IpvsService Dns = Svc("192.168.1.1", 53, IpvsProtocol.Udp, "rr");
    private static readonly IpvsService Foreign = Svc("192.168.1.200", 443);

    /// <summary>Reconciles, applies with the strict applier, checks the result and that a second pass has no op.</summary>
    private static IpvsPlan Converge(IReadOnlyList<IpvsServiceState> desired, ref IReadOnlyList<IpvsServiceState> observed, HashSet<IpvsServiceKey> owned)
    {
        var plan = IpvsReconciler.Reconcile(desired, observed, owned);
        var applier = new IpvsApplier(observed);
        applier.Apply(plan.Ops);
        observed = applier.Table;
        owned.UnionWith(plan.Ops.OfType<IpvsOp.AddService>().Select(o => o.Key));
        Assert.Empty(IpvsReconciler.Reconcile(desired, observed, owned).Ops);
        return plan;
    }

    [Fact]
    public void Empty_to_full_adds_each_service_before_its_destinations()
    {
        var plan = IpvsReconciler.Reconcile([St(Web, Dst("10.0.0.1"), Dst("10.0.0.2")), St(Dns, Dst("10.0.0.1", 53))], [], Owned());
        Assert.Equal("+S 192.168.1.1:TCP:80; +D 10.0.0.1:80 w1; +D 10.0.0.2:80 w1; +S 192.168.1.1:UDP:53; +D 10.0.0.1:53 w1", Ops(plan));
        Assert.Empty(plan.Rejected);
    }

    [Fact]
    public void Full_to_empty_removes_destinations_then_the_service_and_only_owned_ones()
    {
        IReadOnlyList<IpvsServiceState> observed = [St(Web, Dst("10.0.0.1"), Dst("10.0.0.2")), St(Foreign, Dst("10.0.0.9", 443))];
        var plan = Converge([], ref observed, Owned(Web));
        Assert.Equal("-D 10.0.0.1:80; -D 10.0.0.2:80; -S 192.168.1.1:TCP:80", Ops(plan));
        Assert.Equal([St(Foreign, Dst("10.0.0.9", 443)).Key], observed.Select(o => o.Key));
        Assert.Same(Foreign, observed[0].Service);
    }

    [Fact]
    public void Nothing_changed_gives_no_op()
    {
        IReadOnlyList<IpvsServiceState> table = [St(Web, Dst("10.0.0.1"), Dst("10.0.0.2", weight: 3))];
        Assert.Empty(IpvsReconciler.Reconcile(table, table, Owned(Web)).Ops);
    }

    [Fact]
    public void One_weight_change_is_exactly_one_edit()
    {
        IReadOnlyList<IpvsServiceState> observed = [St(Web, Dst("10.0.0.1"), Dst("10.0.0.2")), St(Dns, Dst("10.0.0.1", 53))];
        var plan = Converge([St(Web, Dst("10.0.0.1"), Dst("10.0.0.2", weight: 7)), St(Dns, Dst("10.0.0.1", 53))], ref observed, Owned(Web, Dns));
        Assert.Equal("~D 10.0.0.2:80 w7", Ops(plan));
    }

    [Fact]
    public void One_scheduler_change_is_exactly_one_service_edit()
    {
        IReadOnlyList<IpvsServiceState> observed = [St(Web, Dst("10.0.0.1"))];
        var plan = Converge([St(Web with { Scheduler = "sh", SchedulerFlags = IpvsSchedulerFlags.ShPort }, Dst("10.0.0.1"))], ref observed, Owned(Web));
        Assert.Equal("~S 192.168.1.1:TCP:80", Ops(plan));
    }

    [Fact]
    public void A_desired_service_held_by_someone_else_is_left_alone()
    {
        IReadOnlyList<IpvsServiceState> observed = [St(Foreign, Dst("10.0.0.9", 443, weight: 5))];
        var plan = IpvsReconciler.Reconcile([St(Foreign, Dst("10.0.0.1", 443))], observed, Owned());
        Assert.Empty(plan.Ops);
        Assert.Equal([IpvsServiceKey.Of(Foreign)], plan.NotOwned);
    }

    [Fact]
    public void A_pool_swapped_to_the_sorry_server_is_never_empty()
    {
        IReadOnlyList<IpvsServiceState> observed = [St(Web, Dst("10.0.0.1"), Dst("10.0.0.2"))];
        var plan = Converge([St(Web, Dst("10.0.0.99"))], ref observed, Owned(Web));
        Assert.Equal("+D 10.0.0.99:80 w1; -D 10.0.0.1:80; -D 10.0.0.2:80", Ops(plan));
    }

    [Fact]
    public void Flapping_inputs_cost_exactly_one_op_per_flap()
    {
        IReadOnlyList<IpvsServiceState> observed = [];
        var owned = Owned();
        Converge([St(Web, Dst("10.0.0.1"), Dst("10.0.0.2"))], ref observed, owned);
        for (var i = 0; i < 50; i++)
        {
            // inhibit_on_failure: weight 1 ↔ 0.
            var down = i % 2 == 0;
            var plan = Converge([St(Web, Dst("10.0.0.1", weight: down ? 0 : 1), Dst("10.0.0.2"))], ref observed, owned);
            Assert.Equal(down ? "~D 10.0.0.1:80 w0" : "~D 10.0.0.1:80 w1", Ops(plan));
        }
        for (var i = 0; i < 50; i++)
        {
            // Without it: out ↔ in.
            var down = i % 2 == 0;
            var plan = Converge(down ? [St(Web, Dst("10.0.0.2"))] : [St(Web, Dst("10.0.0.1"), Dst("10.0.0.2"))], ref observed, owned);
            Assert.Equal(down ? "-D 10.0.0.1:80" : "+D 10.0.0.1:80 w1", Ops(plan));
        }
    }

    [Fact]
    public void Kernel_reporting_differences_are_not_changes()
    {
        var desired = Web with { PersistenceTimeout = 360, NetmaskPrefixLength = 32, PersistenceEngine = "" };
        var kernel = Web with { PersistenceTimeout = 360, NetmaskPrefixLength = null, PersistenceEngine = null };
        var nat = Dst("10.0.0.1") with { TunnelType = IpvsTunnelType.Gue, TunnelPort = 6080 };
        var ipip = Dst("10.0.0.2") with { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Ipip, TunnelPort = 1 };
        Assert.Empty(IpvsReconciler.Reconcile(
            [St(desired, nat, ipip)],
            [St(kernel, Dst("10.0.0.1"), ipip with { TunnelPort = 0 }), St(Web with { Port = 81, NetmaskPrefixLength = 24 })],
            Owned(Web)).Ops);
        // …but a real granularity or tunnel difference is.
        Assert.Single(IpvsReconciler.Reconcile([St(desired with { NetmaskPrefixLength = 24 })], [St(kernel)], Owned(Web)).Ops);
        var gue = Dst("10.0.0.3") with { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Gue, TunnelPort = 6080 };
        Assert.Single(IpvsReconciler.Reconcile([St(Web, gue)], [St(Web, gue with { TunnelPort = 6081 })], Owned(Web)).Ops);
    }

    [Fact]
    public void Hostile_desired_entries_are_rejected_with_a_reason()
    {
        var v4Svc6 = Web with { Address = IPAddress.Parse("2001:db8::1") };
        var noAddress = Web with { Address = null };
        var plan = IpvsReconciler.Reconcile(
            [
                St(Web, Dst("10.0.0.1"), Dst("10.0.0.1", weight: 9), Dst("2001:db8::5"), Dst("2001:db8::6", forwarding: IpvsForwarding.Tunnel), Dst("10.0.0.2", weight: -4)),
                St(Web with { Scheduler = "rr" }),
                St(v4Svc6),
                St(noAddress),
                St(Web with { Port = 1, Protocol = IpvsProtocol.None }),
                St(Web with { Port = 2, Scheduler = "" }),
                St(Web with { Port = 3, Scheduler = "a-scheduler-name-too-long" }),
                St(Web with { Port = 4, PersistenceEngine = "an-engine-name-too-long" }),
                St(Web with { Port = 5, Family = AddressFamily.Unix }),
                null!,
                new IpvsServiceState(Dns, null!),
                St(Fwm(7) with { Address = IPAddress.Parse("10.9.9.9"), Port = 99, Protocol = IpvsProtocol.Tcp }, Dst("10.0.0.1", 0)),
            ],
            [St(Web, null!, Dst("10.0.0.1")), St(Web, Dst("10.0.0.3"))],
            Owned(Web));
        Assert.Equal(
            "+D 2001:db8::6:80 w1; +D 10.0.0.2:80 w0; +S 192.168.1.1:UDP:53; +S FWM 7 (IPv4); +D 10.0.0.1:0 w1",
            Ops(plan));
        Assert.Equal(11, plan.Rejected.Count);
        Assert.Contains(plan.Rejected, r => r.Reason.Contains("tunnel", StringComparison.Ordinal));
        Assert.Contains(plan.Rejected, r => r.Reason.Contains("twice", StringComparison.Ordinal));
        var fwm = Assert.IsType<IpvsOp.AddService>(plan.Ops[3]).Service;
        Assert.Null(fwm.Address);
        Assert.Equal(IpvsProtocol.None, fwm.Protocol);
    }

    [Fact]
    public void IPv4_and_IPv6_services_with_the_same_mark_or_port_are_distinct()
    {
        IReadOnlyList<IpvsServiceState> observed = [];
        var plan = Converge(
            [St(Fwm(1), Dst("10.0.0.1", 0)), St(Fwm(1, ipv6: true), Dst("2001:db8::1", 0)), St(Svc("2001:db8::100", 80), Dst("2001:db8::1")), St(Web, Dst("10.0.0.1"))],
            ref observed, Owned());
        Assert.Equal(4, plan.Ops.OfType<IpvsOp.AddService>().Count());
        Assert.Equal(4, observed.Count);
    }
}

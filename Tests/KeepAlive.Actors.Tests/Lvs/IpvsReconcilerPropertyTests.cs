using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>Many random desired/observed/owned triples (fixed seed): the plan applies cleanly to a strict table, yields
/// the desired table on owned services, leaves the others as they were, is minimal, and a second pass has no op.</summary>
public class IpvsReconcilerPropertyTests
{
    private static readonly IpvsService[] Universe = BuildUniverse();

    private static IpvsService[] BuildUniverse()
    {
        var list = new List<IpvsService>();
        foreach (var a in new[] { "192.168.1.1", "192.168.1.2", "2001:db8::1" })
        {
            foreach (var port in new ushort[] { 80, 443, 0 })
            {
                foreach (var proto in new[] { IpvsProtocol.Tcp, IpvsProtocol.Udp, IpvsProtocol.Sctp })
                    list.Add(IpvsReconcilerTests.Svc(a, port, proto));
            }
        }
        for (uint mark = 1; mark <= 3; mark++)
        {
            list.Add(IpvsReconcilerTests.Fwm(mark));
            list.Add(IpvsReconcilerTests.Fwm(mark, ipv6: true));
        }
        return [.. list];
    }

    private static readonly IPAddress[] V4 = Enumerable.Range(1, 6).Select(i => IPAddress.Parse($"10.0.0.{i}")).ToArray();
    private static readonly IPAddress[] V6 = Enumerable.Range(1, 4).Select(i => IPAddress.Parse($"2001:db8:1::{i}")).ToArray();
    private static readonly int[] Weights = [0, 1, 2, 5, int.MaxValue];

    private static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private static IpvsService Settings(Random rng, IpvsService s)
    {
        var persistent = rng.Next(3) == 0;
        var max = s.Family == AddressFamily.InterNetworkV6 ? 128 : 32;
        return s with
        {
            Scheduler = Pick(rng, ["rr", "wlc", "sh", "mh"]),
            SchedulerFlags = (IpvsSchedulerFlags)rng.Next(8),
            PersistenceTimeout = persistent ? (uint)Pick(rng, [60, 360]) : null,
            NetmaskPrefixLength = rng.Next(3) switch { 0 => null, 1 => (byte)max, _ => (byte)(max - 8) },
            OnePacket = s.Protocol == IpvsProtocol.Udp && rng.Next(2) == 0,
        };
    }

    private static List<IpvsDestination> Destinations(Random rng, IpvsService s)
    {
        var result = new List<IpvsDestination>();
        var count = rng.Next(6);
        var seen = new HashSet<IpvsDestinationKey>();
        for (var i = 0; i < count; i++)
        {
            var v6 = rng.Next(4) == 0 ? s.Family != AddressFamily.InterNetworkV6 : s.Family == AddressFamily.InterNetworkV6;
            var address = Pick(rng, v6 ? V6 : V4);
            var port = Pick(rng, new ushort[] { 80, 8080, 0 });
            if (!seen.Add(new IpvsDestinationKey(address, port)))
                continue;
            var foreignFamily = address.AddressFamily != s.Family;
            var forwarding = foreignFamily ? IpvsForwarding.Tunnel : Pick(rng, [IpvsForwarding.Masquerade, IpvsForwarding.DirectRoute, IpvsForwarding.Tunnel]);
            result.Add(new IpvsDestination(address, port)
            {
                Weight = Pick(rng, Weights),
                Forwarding = forwarding,
                TunnelType = forwarding == IpvsForwarding.Tunnel ? (IpvsTunnelType)rng.Next(3) : IpvsTunnelType.Ipip,
                TunnelPort = (ushort)Pick(rng, [0, 6080]),
                TunnelChecksum = (IpvsTunnelChecksum)rng.Next(3),
                UpperThreshold = (uint)Pick(rng, [0, 100]),
                LowerThreshold = (uint)Pick(rng, [0, 10]),
            });
        }
        return result;
    }

    private static List<IpvsServiceState> Table(Random rng, double density)
    {
        var table = new List<IpvsServiceState>();
        foreach (var s in Universe.OrderBy(_ => rng.Next()))
        {
            if (rng.NextDouble() < density)
            {
                var service = Settings(rng, s);
                table.Add(new IpvsServiceState(service, Destinations(rng, service)));
            }
        }
        return table;
    }

    private static bool SameTable(IpvsServiceState a, IpvsServiceState b)
    {
        if (a.Key != b.Key || !IpvsReconciler.SameService(a.Service, b.Service) || a.Destinations.Count != b.Destinations.Count)
            return false;
        var bs = b.Destinations.ToDictionary(IpvsDestinationKey.Of);
        return a.Destinations.All(d => bs.TryGetValue(IpvsDestinationKey.Of(d), out var o) && IpvsReconciler.SameDestination(d, o));
    }

    [Fact]
    public void Random_tables_converge_minimally_and_only_on_owned_services()
    {
        var rng = new Random(20261126);
        var totalOps = 0;
        for (var iteration = 0; iteration < 600; iteration++)
        {
            var desired = Table(rng, 0.3);
            var observed = Table(rng, 0.3);
            var owned = Universe.Select(IpvsServiceKey.Of).Where(_ => rng.Next(10) < 7).ToHashSet();
            var plan = IpvsReconciler.Reconcile(desired, observed, owned);
            totalOps += plan.Ops.Count;
            Assert.Empty(plan.Rejected);

            var applier = new IpvsApplier(observed);
            applier.Apply(plan.Ops); // throws on a wrong order or a duplicate
            var result = applier.Table.ToDictionary(s => s.Key);
            var observedByKey = observed.ToDictionary(s => s.Key);
            var desiredByKey = desired.ToDictionary(s => s.Key);

            foreach (var o in observed.Where(o => !owned.Contains(o.Key)))
                Assert.Same(o.Service, result[o.Key].Service); // never touched, even when desired
            foreach (var o in observed.Where(o => !owned.Contains(o.Key)))
                Assert.Equal(o.Destinations, result[o.Key].Destinations);
            foreach (var o in observed.Where(o => owned.Contains(o.Key) && !desiredByKey.ContainsKey(o.Key)))
                Assert.False(result.ContainsKey(o.Key)); // stale owned: gone
            foreach (var d in desired.Where(d => owned.Contains(d.Key) || !observedByKey.ContainsKey(d.Key)))
                Assert.True(SameTable(d, result[d.Key]), $"iteration {iteration}: {d.Key}");
            Assert.Equal(
                observed.Select(o => o.Key).Where(k => !owned.Contains(k) || desiredByKey.ContainsKey(k)).Union(desired.Select(d => d.Key)).ToHashSet(),
                result.Keys.ToHashSet());
            Assert.Equal(desired.Where(d => observedByKey.ContainsKey(d.Key) && !owned.Contains(d.Key)).Select(d => d.Key), plan.NotOwned);

            // Minimal: each destination is touched at most once, edits change something, and the count is what differs.
            Assert.Equal(plan.Ops.Count, plan.Ops.Select(o => (o.Key, o switch
            {
                IpvsOp.AddDestination a => IpvsDestinationKey.Of(a.Destination),
                IpvsOp.EditDestination e => IpvsDestinationKey.Of(e.Destination),
                IpvsOp.DeleteDestination x => IpvsDestinationKey.Of(x.Destination),
                _ => (IpvsDestinationKey?)null,
            }, o is IpvsOp.DeleteService)).Distinct().Count());
            Assert.Equal(ExpectedCount(desired, observedByKey, desiredByKey, observed, owned), plan.Ops.Count);

            // Idempotent.
            var nowOwned = owned.Union(plan.Ops.OfType<IpvsOp.AddService>().Select(o => o.Key)).ToHashSet();
            Assert.Empty(IpvsReconciler.Reconcile(desired, applier.Table, nowOwned).Ops);
        }
        Assert.True(totalOps > 3000, $"the generator should produce work ({totalOps} ops)");
    }

    private static int ExpectedCount(List<IpvsServiceState> desired, Dictionary<IpvsServiceKey, IpvsServiceState> observedByKey,
        Dictionary<IpvsServiceKey, IpvsServiceState> desiredByKey, List<IpvsServiceState> observed, HashSet<IpvsServiceKey> owned)
    {
        var count = observed.Where(o => owned.Contains(o.Key) && !desiredByKey.ContainsKey(o.Key)).Sum(o => o.Destinations.Count + 1);
        foreach (var d in desired)
        {
            if (!observedByKey.TryGetValue(d.Key, out var o))
            {
                count += 1 + d.Destinations.Count;
                continue;
            }
            if (!owned.Contains(d.Key))
                continue;
            count += IpvsReconciler.SameService(d.Service, o.Service) ? 0 : 1;
            var od = o.Destinations.ToDictionary(IpvsDestinationKey.Of);
            var dd = d.Destinations.ToDictionary(IpvsDestinationKey.Of);
            count += dd.Count(kv => !od.TryGetValue(kv.Key, out var x) || !IpvsReconciler.SameDestination(kv.Value, x));
            count += od.Keys.Count(k => !dd.ContainsKey(k));
        }
        return count;
    }
}

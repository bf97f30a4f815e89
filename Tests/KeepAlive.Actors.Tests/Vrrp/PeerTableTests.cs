using System.Net;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The bounded table of routers heard: updated in place, least recently heard forgotten first.</summary>
public class PeerTableTests
{
    private static readonly DateTimeOffset Wall = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] A = [10, 0, 0, 1], B = [10, 0, 0, 2], C = [10, 0, 0, 3];

    private static IPAddress Hear(PeerTable t, byte[] source, long now, int priority = 100) =>
        t.Heard(source, priority, 100, VrrpChecksumFlavour.PseudoHeader, 255, Wall.AddTicks(now), now);

    [Fact]
    public void A_known_router_is_updated_in_place_with_the_same_address()
    {
        var table = new PeerTable(4);
        var first = Hear(table, A, 1, priority: 100);
        var again = Hear(table, [10, 0, 0, 1], 2, priority: 200);      // equal bytes, another array
        Assert.Same(first, again);
        var peer = Assert.Single(table.Snapshot());
        Assert.Equal((IPAddress.Parse("10.0.0.1"), 200, 2L, Wall.AddTicks(2)), (peer.Address, peer.Priority, peer.AtMonotonicMicros, peer.At));
    }

    [Fact]
    public void When_full_the_least_recently_heard_router_is_forgotten_not_the_first_admitted()
    {
        var table = new PeerTable(2);
        Hear(table, A, 1);
        Hear(table, B, 2);
        Hear(table, A, 3);                                              // A is heard again: B is now the oldest
        Hear(table, C, 4);
        Assert.Equal(2, table.Count);
        Assert.Equal([IPAddress.Parse("10.0.0.3"), IPAddress.Parse("10.0.0.1")], table.Snapshot().Select(p => p.Address));
    }

    [Fact]
    public void A_flood_of_sources_never_grows_the_table_beyond_its_capacity()
    {
        var table = new PeerTable(InstanceObservations.MaxPeers);
        for (int i = 0; i < 5000; i++)
        {
            Hear(table, [10, 2, (byte)(i >> 8), (byte)i], i);
            Assert.True(table.Count <= table.Capacity);
        }
        Assert.Equal(InstanceObservations.MaxPeers, table.Count);
        Assert.All(table.Snapshot(), p => Assert.True(p.AtMonotonicMicros >= 5000 - InstanceObservations.MaxPeers));
    }

    [Fact]
    public void The_snapshot_is_newest_first_with_ties_by_address()
    {
        var table = new PeerTable(4);
        Hear(table, B, 5);
        Hear(table, A, 5);
        Hear(table, C, 9);
        Assert.Equal(["10.0.0.3", "10.0.0.1", "10.0.0.2"], table.Snapshot().Select(p => p.Address.ToString()));
    }
}

using System.Net;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using Microsoft.Extensions.Time.Testing;

namespace KeepAlive.Kernel.Tests.Fakes;

public class InMemoryVrrpNetworkTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress C = IPAddress.Parse("10.0.0.3");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");

    private static List<VrrpDatagram> Collect(InMemoryVrrpSocket socket)
    {
        var got = new List<VrrpDatagram>();
        socket.Received = d =>
        {
            lock (got)
                got.Add(d);
        };
        return got;
    }

    [Fact]
    public void Multicast_reaches_every_other_node_of_the_segment_and_family_only()
    {
        var net = new InMemoryVrrpNetwork();
        using var a = net.Attach("lan1", 2, A);
        using var b = net.Attach("lan1", 3, B);
        using var c = net.Attach("lan2", 4, C);
        using var v6 = net.Attach("lan1", 5, IPAddress.Parse("fe80::9"));
        var atA = Collect(a);
        var atB = Collect(b);
        var atC = Collect(c);
        var atV6 = Collect(v6);

        Assert.True(a.Send([1, 2, 3], A, Group).IsOk);

        Assert.Empty(atA);
        var got = Assert.Single(atB);
        Assert.Equal(new byte[] { 1, 2, 3 }, got.Payload.ToArray());
        Assert.Equal((A, Group, 255, 3), (got.Source, got.Destination, got.TtlOrHopLimit, got.InterfaceIndex));
        Assert.Empty(atC);
        Assert.Empty(atV6);
    }

    [Fact]
    public void Unicast_reaches_only_the_destination()
    {
        var net = new InMemoryVrrpNetwork();
        using var a = net.Attach("lan", 2, A);
        using var b = net.Attach("lan", 3, B);
        using var c = net.Attach("lan", 4, C);
        var atB = Collect(b);
        var atC = Collect(c);

        a.Send([9], A, C);

        Assert.Empty(atB);
        Assert.Single(atC);
    }

    [Fact]
    public void Partition_blocks_both_directions_until_healed()
    {
        var net = new InMemoryVrrpNetwork();
        using var a = net.Attach("lan", 2, A);
        using var b = net.Attach("lan", 3, B);
        var atA = Collect(a);
        var atB = Collect(b);
        net.Partition(A, B);
        a.Send([1], A, Group);
        b.Send([2], B, Group);
        Assert.Empty(atA);
        Assert.Empty(atB);
        net.Heal();
        a.Send([3], A, Group);
        Assert.Single(atB);
        Assert.Equal(3, net.Sent.Count);
    }

    [Fact]
    public void Delay_and_jitter_run_on_the_time_provider_and_can_reorder()
    {
        var time = new FakeTimeProvider();
        var net = new InMemoryVrrpNetwork(time, seed: 4) { Delay = TimeSpan.FromMilliseconds(10), Jitter = TimeSpan.FromMilliseconds(50) };
        using var a = net.Attach("lan", 2, A);
        using var b = net.Attach("lan", 3, B);
        var atB = Collect(b);
        for (byte i = 0; i < 20; i++)
            a.Send([i], A, Group);

        time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Empty(atB);
        time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(20, atB.Count);
        var order = atB.Select(d => d.Payload.Span[0]).ToList();
        Assert.NotEqual(order.Order().ToList(), order);          // jitter reordered some
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), order.Order());
    }

    [Fact]
    public void Loss_and_duplication_follow_their_rates_and_the_seed()
    {
        static int Received(double loss, double dup, int seed)
        {
            var net = new InMemoryVrrpNetwork(seed: seed) { LossRate = loss, DuplicateRate = dup };
            using var a = net.Attach("lan", 2, A);
            using var b = net.Attach("lan", 3, B);
            var atB = Collect(b);
            for (int i = 0; i < 10_000; i++)
                a.Send([1], A, Group);
            return atB.Count;
        }

        int lossy = Received(0.3, 0, 1);
        Assert.InRange(lossy, 6_700, 7_300);
        Assert.Equal(lossy, Received(0.3, 0, 1));                  // same seed, same run
        Assert.InRange(Received(0, 0.5, 1), 14_700, 15_300);
        Assert.Equal(0, Received(1, 0, 1));
    }

    [Fact]
    public void Pull_receive_copies_into_the_buffer_and_times_out_when_idle()
    {
        var net = new InMemoryVrrpNetwork() { TtlOnArrival = 254 };
        using var a = net.Attach("lan", 2, A);
        using var b = net.Attach("lan", 3, B);
        a.Send([7, 8], A, Group);
        var buffer = new byte[64];

        Assert.True(b.TryReceive(buffer, TimeSpan.FromSeconds(1), out var d, out _));
        Assert.Equal(new byte[] { 7, 8 }, d.Payload.ToArray());
        Assert.Equal(254, d.TtlOrHopLimit);
        Assert.False(b.TryReceive(buffer, TimeSpan.FromMilliseconds(20), out _, out var error));
        Assert.False(error.IsOk);
    }

    [Fact]
    public void A_disposed_socket_neither_sends_nor_receives()
    {
        var net = new InMemoryVrrpNetwork();
        var a = net.Attach("lan", 2, A);
        using var b = net.Attach("lan", 3, B);
        var atB = Collect(b);
        a.Dispose();
        a.Dispose();
        Assert.False(a.Send([1], A, Group).IsOk);
        b.Send([2], B, Group);
        Assert.Empty(atB);
        Assert.False(a.TryReceive(new byte[8], TimeSpan.Zero, out _, out _));
    }
}

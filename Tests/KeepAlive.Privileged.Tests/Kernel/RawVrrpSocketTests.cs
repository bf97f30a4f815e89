using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// <see cref="RawVrrpSocket"/> on a real kernel: golden keepalived adverts sent by a socket in namespace A arrive
/// intact at a socket in namespace B (over a veth pair of ours) with TTL / hop limit 255 and the right addresses.
/// </summary>
[Collection("privileged")]
public sealed class RawVrrpSocketTests : IClassFixture<VethPairFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly VethPairFixture _fixture;
    private readonly ITestOutputHelper _output;

    public RawVrrpSocketTests(VethPairFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [SkippableFact]
    public void Ipv4_multicast_delivers_the_golden_v2_advert_with_ttl_255_and_its_addresses()
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);

        var golden = GoldenVrrp.V2IPv4;
        Assert.Equal(KernelResult.Ok, a.Send(golden, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group));
        var got = ReceiveOne(b);

        Assert.Equal(golden, got.Payload.ToArray());
        Assert.Equal(255, got.TtlOrHopLimit);
        Assert.Equal(VethNamespacePair.IPv4A, got.Source);
        Assert.Equal(RawVrrpSocket.IPv4Group, got.Destination);
        Assert.Equal(pair.IndexB, got.InterfaceIndex);
        Assert.Equal(pair.IndexB, b.InterfaceIndex);
    }

    [SkippableFact]
    public void Ipv4_multicast_delivers_the_golden_v3_advert_whose_pseudo_header_checksum_still_holds()
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);

        var golden = GoldenVrrp.V3IPv4;
        Assert.Equal(KernelResult.Ok, a.Send(golden, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group));
        var got = ReceiveOne(b);

        Assert.Equal(golden, got.Payload.ToArray());
        Assert.Equal(255, got.TtlOrHopLimit);
        Assert.Equal(VethNamespacePair.IPv4A, got.Source);
        Assert.Equal(RawVrrpSocket.IPv4Group, got.Destination);
        Assert.Equal(pair.IndexB, got.InterfaceIndex);
        Assert.True(InternetChecksum.IsValidVrrpV3(got.Source, got.Destination, got.Payload.Span));
    }

    [SkippableFact]
    public void Ipv6_multicast_from_the_link_local_arrives_with_hop_limit_255_and_a_kernel_computed_checksum()
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetworkV6, VrrpSocketOptions.Multicast);
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetworkV6, VrrpSocketOptions.Multicast);
        var source = pair.InA(() => LinuxInterfaces.LinkLocalIPv6(VethNamespacePair.InterfaceA));
        Assert.Equal(new IPAddress(VethNamespacePair.LinkLocalA.GetAddressBytes(), pair.IndexA), source);

        var golden = GoldenVrrp.V3IPv6;
        var unsummed = (byte[])golden.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(unsummed.AsSpan(6), 0); // the kernel must fill it in (IPV6_CHECKSUM 6)
        Assert.Equal(KernelResult.Ok, a.Send(unsummed, source!, RawVrrpSocket.IPv6Group));
        var got = ReceiveOne(b);

        Assert.Equal(golden, got.Payload.ToArray()); // checksum 0x711f, as keepalived's kernel computed it
        Assert.Equal(255, got.TtlOrHopLimit);
        Assert.Equal(new IPAddress(VethNamespacePair.LinkLocalA.GetAddressBytes(), pair.IndexB), got.Source);
        Assert.Equal(RawVrrpSocket.IPv6Group, got.Destination);
        Assert.Equal(pair.IndexB, got.InterfaceIndex);
        Assert.True(InternetChecksum.IsValidVrrpV3(VethNamespacePair.LinkLocalA, got.Destination, got.Payload.Span));
    }

    [SkippableFact]
    public void Ipv4_unicast_reaches_the_peer_address_with_ttl_255()
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork, VrrpSocketOptions.Unicast);
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork, VrrpSocketOptions.Unicast);

        var golden = GoldenVrrp.V2IPv4;
        Assert.Equal(KernelResult.Ok, a.Send(golden, VethNamespacePair.IPv4A, VethNamespacePair.IPv4B));
        var got = ReceiveOne(b);

        Assert.Equal(golden, got.Payload.ToArray());
        Assert.Equal(255, got.TtlOrHopLimit);
        Assert.Equal(VethNamespacePair.IPv4A, got.Source);
        Assert.Equal(VethNamespacePair.IPv4B, got.Destination);
        Assert.Equal(pair.IndexB, got.InterfaceIndex);
    }

    [SkippableFact]
    public void Ipv6_unicast_reaches_the_peer_address_with_hop_limit_255()
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetworkV6, VrrpSocketOptions.Unicast);
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetworkV6, VrrpSocketOptions.Unicast);

        Assert.Equal(KernelResult.Ok, a.Send(GoldenVrrp.V3IPv6, VethNamespacePair.IPv6A, VethNamespacePair.IPv6B));
        var got = ReceiveOne(b);

        Assert.Equal(GoldenVrrp.V3IPv6.Length, got.Payload.Length);
        Assert.Equal(255, got.TtlOrHopLimit);
        Assert.Equal(VethNamespacePair.IPv6A, got.Source);
        Assert.Equal(VethNamespacePair.IPv6B, got.Destination);
        Assert.True(InternetChecksum.IsValidVrrpV3(got.Source, got.Destination, got.Payload.Span));
    }

    [SkippableTheory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public void A_unicast_socket_does_not_see_group_adverts_even_when_the_interface_joined_the_group(AddressFamily family)
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, family, VrrpSocketOptions.Multicast);
        using var joined = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Multicast);
        using var unicast = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Unicast);

        var sent = family == AddressFamily.InterNetwork
            ? a.Send(GoldenVrrp.V2IPv4, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group)
            : a.Send(GoldenVrrp.V3IPv6, new IPAddress(VethNamespacePair.LinkLocalA.GetAddressBytes(), pair.IndexA), RawVrrpSocket.IPv6Group);
        Assert.Equal(KernelResult.Ok, sent);

        ReceiveOne(joined);
        Assert.False(unicast.TryReceive(new byte[1500], TimeSpan.FromMilliseconds(300), out _, out var error));
        Assert.Equal(110, error.Errno); // ETIMEDOUT: IP(V6)_MULTICAST_ALL is off, and this socket joined nothing
    }

    [SkippableFact]
    public void Tcpdump_in_the_peer_namespace_sees_protocol_112_with_ttl_255_tos_0xc0_and_no_DF()
    {
        var pair = Pair("tcpdump");
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);
        using var capture = PacketCapture.Start(pair.B.Name, VethNamespacePair.InterfaceB, "ip proto 112");

        Assert.Equal(KernelResult.Ok, a.Send(GoldenVrrp.V2IPv4, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group));
        var text = capture.WaitForExit();

        _output.WriteLine(text);
        Assert.Contains("ttl 255", text);
        Assert.Contains("tos 0xc0", text);
        Assert.Contains("flags [none]", text); // DF clear, as keepalived sends
        Assert.Contains("proto VRRP (112)", text);
        Assert.Contains("10.7.0.1 > 224.0.0.18", text);
        Assert.Contains("VRRPv2, Advertisement, vrid 51, prio 100", text);
    }

    [SkippableFact]
    public void Two_hundred_adverts_arrive_in_order_and_receiving_them_allocates_nothing()
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);
        var advert = GoldenVrrp.V2IPv4;
        var buffer = new byte[1500];
        var micros = new double[210];
        long allocatedAfterWarmUp = 0;

        for (int i = 0; i < micros.Length; i++)
        {
            advert[2] = (byte)(i % 254 + 1); // priority carries the sequence number
            long start = Stopwatch.GetTimestamp();
            var sent = a.Send(advert, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            bool received = b.TryReceive(buffer, Wait, out var got, out var error);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            Assert.Equal(KernelResult.Ok, sent);
            Assert.True(received, error.ToString());
            Assert.Equal(advert[2], got.Payload.Span[2]);
            if (i >= 10)
                allocatedAfterWarmUp += allocated;
        }

        var measured = micros.Skip(10).Order().ToArray(); // the first ones pay for JIT
        _output.WriteLine($"send→receive µs over {measured.Length}: p50 {measured[measured.Length / 2]:F1}, " +
            $"p99 {measured[measured.Length * 99 / 100]:F1}, max {measured[^1]:F1}; bytes allocated by TryReceive: {allocatedAfterWarmUp}");
        Assert.Equal(0, allocatedAfterWarmUp); // same peer, same group: the cached IPAddress objects are handed out again
    }

    [SkippableTheory]
    [InlineData(AddressFamily.InterNetwork, false)]
    [InlineData(AddressFamily.InterNetwork, true)]
    [InlineData(AddressFamily.InterNetworkV6, false)]
    [InlineData(AddressFamily.InterNetworkV6, true)]
    public void A_queued_burst_is_read_by_one_system_call_per_sixteen_and_handed_out_in_order(AddressFamily family, bool waitForEver)
    {
        // A backup of many instances hears its master's adverts in bursts: 40 queued datagrams are 3 recvmmsg calls
        // (16 + 16 + 8), each datagram still whole, in order, with its own source, destination and TTL / hop limit.
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, family, VrrpSocketOptions.Multicast);
        var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Multicast);
        using var disposeB = b;
        using var guard = new Timer(_ => b.Dispose(), null, Wait, Timeout.InfiniteTimeSpan); // never hang the suite
        bool v4 = family == AddressFamily.InterNetwork;
        var advert = v4 ? (byte[])GoldenVrrp.V2IPv4.Clone() : (byte[])GoldenVrrp.V3IPv6.Clone();
        var source = v4 ? VethNamespacePair.IPv4A : pair.InA(() => LinuxInterfaces.LinkLocalIPv6(VethNamespacePair.InterfaceA))!;
        var group = v4 ? RawVrrpSocket.IPv4Group : RawVrrpSocket.IPv6Group;
        const int burst = 40;
        for (int i = 0; i < burst; i++)
        {
            advert[2] = (byte)(i + 1); // priority carries the sequence number
            Assert.Equal(KernelResult.Ok, a.Send(advert, source, group));
        }
        long callsBefore = b.ReceiveCalls;

        var buffer = new byte[2048];
        for (int i = 0; i < burst; i++)
        {
            Assert.True(b.TryReceive(buffer, waitForEver ? Timeout.InfiniteTimeSpan : Wait, out var got, out var error), $"datagram {i}: {error}");
            Assert.Equal(i + 1, got.Payload.Span[2]);
            advert[2] = (byte)(i + 1);
            Assert.Equal(WithoutChecksum(advert), WithoutChecksum(got.Payload.ToArray())); // IPv6: the kernel fills it
            Assert.Equal(255, got.TtlOrHopLimit);
            Assert.Equal(source.GetAddressBytes(), got.Source.GetAddressBytes());
            Assert.Equal(group, got.Destination);
            Assert.Equal(pair.IndexB, got.InterfaceIndex);
        }

        Assert.Equal(3, b.ReceiveCalls - callsBefore);
        Assert.False(b.TryReceive(buffer, TimeSpan.FromMilliseconds(100), out _, out var none), "more than was sent: " + none);
    }

    [SkippableTheory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public void A_unicast_socket_skips_group_adverts_inside_a_burst_and_hands_out_the_unicast_ones_in_order(AddressFamily family)
    {
        var pair = Pair();
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, family, VrrpSocketOptions.Multicast);
        using var joined = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Multicast);
        using var unicast = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Unicast);
        bool v4 = family == AddressFamily.InterNetwork;
        var advert = v4 ? (byte[])GoldenVrrp.V2IPv4.Clone() : (byte[])GoldenVrrp.V3IPv6.Clone();
        var (source, peer, group) = v4
            ? (VethNamespacePair.IPv4A, VethNamespacePair.IPv4B, RawVrrpSocket.IPv4Group)
            : (VethNamespacePair.IPv6A, VethNamespacePair.IPv6B, RawVrrpSocket.IPv6Group);
        var groupSource = v4 ? source : new IPAddress(VethNamespacePair.LinkLocalA.GetAddressBytes(), pair.IndexA);
        for (int i = 1; i <= 6; i++)
        {
            advert[2] = (byte)i; // odd: to the group, even: to the peer
            Assert.Equal(KernelResult.Ok, i % 2 == 1 ? a.Send(advert, groupSource, group) : a.Send(advert, source, peer));
        }

        var buffer = new byte[2048];
        foreach (int expected in new[] { 2, 4, 6 })
        {
            Assert.True(unicast.TryReceive(buffer, Wait, out var got, out var error), error.ToString());
            Assert.Equal(expected, got.Payload.Span[2]);
            Assert.Equal(peer, got.Destination);
        }
        Assert.False(unicast.TryReceive(buffer, TimeSpan.FromMilliseconds(100), out _, out var none), "a group advert got through: " + none);
    }

    private static byte[] WithoutChecksum(byte[] vrrp)
    {
        var copy = (byte[])vrrp.Clone();
        copy[6] = copy[7] = 0;
        return copy;
    }

    private VethNamespacePair Pair(params string[] moreTools)
    {
        Privilege.Require(["ip", .. moreTools]);
        return _fixture.Pair;
    }

    internal static RawVrrpSocket OpenIn(Func<Func<VrrpSocketOpenResult>, VrrpSocketOpenResult> inNamespace, string ifName, AddressFamily family, VrrpSocketOptions options)
    {
        var opened = inNamespace(() => RawVrrpSocket.Open(ifName, family, options));
        Assert.True(opened.IsOk, opened.Error.ToString());
        return opened.Socket;
    }

    [SkippableTheory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public void Opening_a_socket_puts_nothing_on_the_wire_and_its_first_send_arrives(AddressFamily family)
    {
        // Open warms the send path up on no socket (fd -1): nothing may leave, and the real send must still work.
        var pair = Pair();
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Multicast);
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, family, VrrpSocketOptions.Multicast);

        Assert.False(b.TryReceive(new byte[1500], TimeSpan.FromMilliseconds(300), out _, out var quiet), "a datagram arrived after Open: " + quiet);

        var golden = SendGoldenV3(pair, a, family);
        Assert.Equal(golden.Length, ReceiveOne(b).Payload.Length);
    }

    [SkippableTheory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public void A_datagram_read_late_reports_how_long_ago_it_arrived(AddressFamily family)
    {
        var pair = Pair();
        using var b = OpenIn(pair.InB, VethNamespacePair.InterfaceB, family, VrrpSocketOptions.Multicast);
        using var a = OpenIn(pair.InA, VethNamespacePair.InterfaceA, family, VrrpSocketOptions.Multicast);
        SendGoldenV3(pair, a, family);
        Thread.Sleep(200);                                            // it waits in the socket
        var got = ReceiveOne(b);

        Assert.InRange(got.Age, TimeSpan.FromMilliseconds(190), TimeSpan.FromSeconds(1));
    }

    /// <summary>Sends the golden VRRPv3 advert of <paramref name="family"/> from A to the group; returns what was sent.</summary>
    private static byte[] SendGoldenV3(VethNamespacePair pair, RawVrrpSocket a, AddressFamily family)
    {
        bool v4 = family == AddressFamily.InterNetwork;
        var golden = v4 ? GoldenVrrp.V3IPv4 : (byte[])GoldenVrrp.V3IPv6.Clone();
        var source = v4 ? VethNamespacePair.IPv4A : pair.InA(() => LinuxInterfaces.LinkLocalIPv6(VethNamespacePair.InterfaceA))!;
        Assert.Equal(KernelResult.Ok, a.Send(golden, source, v4 ? RawVrrpSocket.IPv4Group : RawVrrpSocket.IPv6Group));
        return golden;
    }

    private static VrrpDatagram ReceiveOne(RawVrrpSocket socket)
    {
        Assert.True(socket.TryReceive(new byte[1500], Wait, out var got, out var error), error.ToString());
        Assert.Equal(KernelResult.Ok, error);
        return got;
    }
}

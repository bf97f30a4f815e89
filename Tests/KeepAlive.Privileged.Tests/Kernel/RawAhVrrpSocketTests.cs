using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// The AH socket of <see cref="RawVrrpSocketFactory"/> (<see cref="VrrpSocketSpec.Ah"/>) on a real kernel, over a
/// veth pair of ours: whole IPv4 + AH packets go out as built and arrive with their header, the addresses and TTL
/// read from it; a unicast socket ignores multicast; a packet whose header does not name the given addresses is
/// refused.
/// </summary>
[Collection("privileged")]
public sealed class RawAhVrrpSocketTests(VethPairFixture fixture) : IClassFixture<VethPairFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static IVrrpSocket Open(Func<Func<(KernelResult, IVrrpSocket?)>, (KernelResult, IVrrpSocket?)> inNamespace, string iface, bool multicast)
    {
        var (result, socket) = inNamespace(() =>
        {
            var r = new RawVrrpSocketFactory().Open(new VrrpSocketSpec(iface, AddressFamily.InterNetwork, multicast, Ah: true), out var s);
            return (r, s);
        });
        Assert.True(result.IsOk, result.ToString());
        return socket!;
    }

    private static byte[] Key()
    {
        var key = new byte[8];
        VrrpAuthentication.IpsecAh("rawah").WriteKey(key);
        return key;
    }

    private static byte[] Packet(IPAddress to, uint sequence)
    {
        var message = new byte[64];
        Assert.True(VrrpCodec.TryEncode(message, new VrrpAdvertSpec(2, 65, 120, 100, VrrpAuthentication.IpsecAh("rawah")), [10, 7, 0, 165],
            VethNamespacePair.IPv4A, to, out int length, out _));
        var packet = new byte[128];
        bool unicast = !to.Equals(VrrpConstants.MulticastGroupV4);
        Assert.True(VrrpAh.TryBuild(packet, VethNamespacePair.IPv4A.GetAddressBytes(), to.GetAddressBytes(), (ushort)sequence, 255, unicast, Key(), sequence,
            message.AsSpan(0, length), out int n));
        return packet[..n];
    }

    [SkippableFact]
    public void A_multicast_ah_advert_arrives_whole_with_its_addresses_and_ttl_255_and_verifies()
    {
        Privilege.Require("ip");
        var pair = fixture.Pair;
        using var a = Open(pair.InA, VethNamespacePair.InterfaceA, multicast: true);
        using var b = Open(pair.InB, VethNamespacePair.InterfaceB, multicast: true);
        var sent = Packet(VrrpConstants.MulticastGroupV4, 7);

        Assert.Equal(KernelResult.Ok, a.Send(sent, VethNamespacePair.IPv4A, VrrpConstants.MulticastGroupV4));
        Assert.True(b.TryReceive(new byte[2048], Wait, out var got, out var error), error.ToString());

        Assert.Equal(sent, got.Payload.ToArray());
        Assert.Equal((VethNamespacePair.IPv4A, VrrpConstants.MulticastGroupV4, 255, pair.IndexB), (got.Source, got.Destination, got.TtlOrHopLimit, got.InterfaceIndex));
        Assert.Equal(VrrpAhResult.Ok, VrrpAh.Verify(got.Payload.Span, unicast: false, Key(), 6, out _, out uint sequence));
        Assert.Equal(7u, sequence);
    }

    [SkippableFact]
    public void A_unicast_ah_socket_ignores_multicast_and_takes_the_advert_addressed_to_it()
    {
        Privilege.Require("ip");
        var pair = fixture.Pair;
        using var a = Open(pair.InA, VethNamespacePair.InterfaceA, multicast: true);
        using var b = Open(pair.InB, VethNamespacePair.InterfaceB, multicast: false);

        Assert.Equal(KernelResult.Ok, a.Send(Packet(VrrpConstants.MulticastGroupV4, 1), VethNamespacePair.IPv4A, VrrpConstants.MulticastGroupV4));
        Assert.Equal(KernelResult.Ok, a.Send(Packet(VethNamespacePair.IPv4B, 2), VethNamespacePair.IPv4A, VethNamespacePair.IPv4B));
        Assert.True(b.TryReceive(new byte[2048], Wait, out var got, out var error), error.ToString());

        Assert.Equal(VethNamespacePair.IPv4B, got.Destination);
        Assert.Equal(VrrpAhResult.Ok, VrrpAh.Verify(got.Payload.Span, unicast: true, Key(), 1, out _, out uint sequence));
        Assert.Equal(2u, sequence);
    }

    [SkippableFact]
    public void A_packet_that_does_not_name_the_given_addresses_is_refused_and_ipv6_has_no_ah()
    {
        Privilege.Require("ip");
        var pair = fixture.Pair;
        using var a = Open(pair.InA, VethNamespacePair.InterfaceA, multicast: true);

        Assert.Equal(22, a.Send(Packet(VrrpConstants.MulticastGroupV4, 1), VethNamespacePair.IPv4A, VethNamespacePair.IPv4B).Errno);
        Assert.Equal(22, a.Send(Packet(VrrpConstants.MulticastGroupV4, 1), VethNamespacePair.IPv4B, VrrpConstants.MulticastGroupV4).Errno);
        Assert.Equal(22, a.Send(new byte[10], VethNamespacePair.IPv4A, VrrpConstants.MulticastGroupV4).Errno);
        var v6 = pair.InA(() => new RawVrrpSocketFactory().Open(new VrrpSocketSpec(VethNamespacePair.InterfaceA, AddressFamily.InterNetworkV6, true, Ah: true), out _));
        Assert.Equal(22, v6.Errno);
    }

    [SkippableFact]
    public void Dispose_on_another_thread_ends_a_receive_that_waits_for_ever_with_EBADF()
    {
        Privilege.Require("ip");
        var pair = fixture.Pair;
        var socket = Open(pair.InB, VethNamespacePair.InterfaceB, multicast: true);
        var (ended, received, error) = WaitingReceive.EndedByDispose(socket);

        Assert.True(ended, "the receive did not end");
        Assert.False(received);
        Assert.Equal(9, error.Errno);
    }
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Wire.Frames;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>Gratuitous ARP and unsolicited NA sent on an AF_PACKET socket in one namespace, seen by tshark in the peer.</summary>
[Collection("privileged")]
public sealed class PacketSocketTests : IDisposable
{
    private VethNamespacePair? _pair;

    private VethNamespacePair Pair => _pair ??= new VethNamespacePair();

    public void Dispose() => _pair?.Dispose();

    [SkippableFact]
    public void Garp_and_unsolicited_na_reach_the_peer_as_keepalived_sends_them()
    {
        Privilege.Require("ip", "tshark");
        var pair = Pair;
        byte[] mac = [0x02, 0, 0, 0x07, 0, 0x01];
        var garp = new byte[64];
        var na = new byte[128];
        Assert.True(GratuitousFrames.TryBuildArp(garp, mac, IPAddress.Parse("10.7.0.100").GetAddressBytes(), out int garpLength));
        Assert.True(GratuitousFrames.TryBuildNeighborAdvertisement(na, mac, IPAddress.Parse("fd00:7::100").GetAddressBytes(), false, out int naLength));

        using var capture = TsharkCapture.Start(pair.B.Name, VethNamespacePair.InterfaceB, "arp or (icmp6 and ip6[40] == 136)", 2,
            "eth.src", "eth.dst", "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
            "icmpv6.nd.na.target_address", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.o", "icmpv6.checksum.status", "ipv6.hlim");
        pair.InA(() =>
        {
            Assert.True(PacketSocket.Open(VethNamespacePair.InterfaceA, out var socket).IsOk);
            using (socket)
            {
                var sent = socket!.Send(garp.AsSpan(0, garpLength));
                Assert.True(sent.IsOk, sent.ToString());
                sent = socket.Send(na.AsSpan(0, naLength));
                Assert.True(sent.IsOk, sent.ToString());
            }
            return 0;
        });
        var frames = capture.WaitForFrames();

        Assert.Equal(2, frames.Count);
        var arp = frames.Single(f => f[2] == "1");
        Assert.Equal(["02:00:00:07:00:01", "ff:ff:ff:ff:ff:ff", "1", "02:00:00:07:00:01", "10.7.0.100", "10.7.0.100"], arp[..6]);
        var adv = frames.Single(f => f[6] == "fd00:7::100");
        Assert.Equal("33:33:00:00:00:01", adv[1]);
        Assert.Equal(["False", "True"], new[] { Bool(adv[7]), Bool(adv[8]) });
        Assert.Equal("1", adv[9]);                 // tshark: checksum status 1 = Good
        Assert.Equal("255", adv[10]);
    }

    [SkippableFact]
    public void Errors_are_results()
    {
        Privilege.Require("ip");
        var result = Pair.InA(() => PacketSocket.Open("nope0", out _));
        Assert.Equal(19, result.Errno);
        var tooShort = Pair.InA(() =>
        {
            PacketSocket.Open(VethNamespacePair.InterfaceA, out var socket);
            using (socket)
                return socket!.Send([1, 2, 3]);
        });
        Assert.False(tooShort.IsOk);
        var closed = Pair.InA(() =>
        {
            PacketSocket.Open(VethNamespacePair.InterfaceA, out var socket);
            socket!.Dispose();
            socket.Dispose();
            return socket.Send(new byte[60]);
        });
        Assert.Equal(9, closed.Errno);
    }

    private static string Bool(string tsharkFlag) => tsharkFlag is "1" or "True" ? "True" : "False";
}

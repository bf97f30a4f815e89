using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire;
using KeepAlive.Kernel.Wire.Frames;

namespace KeepAlive.Kernel.Tests.Wire.Frames;

public class GratuitousFramesTests
{
    private static readonly byte[] InterfaceMac = Convert.FromHexString("020000070001");

    private static byte[] Sender(GratuitousProfile profile, bool useVmac, byte vrid, AddressFamily family)
    {
        var mac = new byte[6];
        GratuitousFrames.SenderMac(mac, profile, InterfaceMac, useVmac, vrid, family);
        return mac;
    }

    [Fact]
    public void V3_A4_Keepalived_profile_garp_is_keepalived_frame_byte_for_byte()
    {
        var golden = GoldenFrames.Load("07-garp-unsolicited-na").Single(f => f.Text("kind") == "ARP");
        var frame = new byte[64];

        Assert.True(GratuitousFrames.TryBuildArp(frame, Sender(GratuitousProfile.Keepalived, false, 51, AddressFamily.InterNetwork),
            IPAddress.Parse("10.7.0.100").GetAddressBytes(), out int written));

        Assert.Equal(Convert.ToHexString(golden.Frame), Convert.ToHexString(frame, 0, written));
    }

    [Fact]
    public void V3_A4_Keepalived_profile_with_use_vmac_garp_comes_from_the_virtual_mac()
    {
        var golden = GoldenFrames.Load("09-v2-use-vmac").Single(f => f.Text("kind") == "ARP");
        var frame = new byte[64];

        Assert.True(GratuitousFrames.TryBuildArp(frame, Sender(GratuitousProfile.Keepalived, true, 51, AddressFamily.InterNetwork),
            IPAddress.Parse(golden.Text("spa")).GetAddressBytes(), out int written));

        Assert.Equal(Convert.ToHexString(golden.Frame), Convert.ToHexString(frame, 0, written));
        Assert.Equal("00005E000133", Convert.ToHexString(frame, 6, 6));
    }

    [Fact]
    public void V3_S1_Keepalived_profile_unsolicited_na_is_keepalived_frame_byte_for_byte()
    {
        var golden = GoldenFrames.Load("07-garp-unsolicited-na").Single(f => f.Text("kind") == "ICMPv6-NA");
        var frame = new byte[128];

        Assert.True(GratuitousFrames.TryBuildNeighborAdvertisement(frame, Sender(GratuitousProfile.Keepalived, false, 52, AddressFamily.InterNetworkV6),
            IPAddress.Parse("fd00:7::100").GetAddressBytes(), routerFlag: false, out int written));

        Assert.Equal(Convert.ToHexString(golden.Frame), Convert.ToHexString(frame, 0, written));
    }

    [Fact]
    public void V3_S1_Rfc_profile_na_sets_R_and_uses_the_virtual_mac_and_nothing_else_differs()
    {
        var keepalived = new byte[128];
        var rfc = new byte[128];
        var vip = IPAddress.Parse("fd00:7::100").GetAddressBytes();
        GratuitousFrames.TryBuildNeighborAdvertisement(keepalived, Sender(GratuitousProfile.Keepalived, false, 52, AddressFamily.InterNetworkV6), vip, false, out _);
        GratuitousFrames.TryBuildNeighborAdvertisement(rfc, Sender(GratuitousProfile.Rfc, false, 52, AddressFamily.InterNetworkV6), vip, true, out int written);

        Assert.Equal("00005E000234", Convert.ToHexString(rfc, 6, 6));           // eth source: VR MAC of VRID 52
        Assert.Equal(0xa0, rfc[14 + 40 + 4]);                                   // R=1, S=0, O=1
        Assert.Equal("00005E000234", Convert.ToHexString(rfc, written - 6, 6)); // target link-layer address option
        // The ICMPv6 checksum is valid over the pseudo-header.
        uint sum = InternetChecksum.PseudoHeaderV6(rfc.AsSpan(22, 16), rfc.AsSpan(38, 16), 58, 32);
        Assert.Equal(0, InternetChecksum.Finish(InternetChecksum.Accumulate(sum, rfc.AsSpan(54, 32))));
        // Only the MAC (twice), the flag byte and the checksum differ.
        var differing = Enumerable.Range(0, written).Where(i => keepalived[i] != rfc[i]).ToList();
        Assert.All(differing, i => Assert.True(i is >= 6 and < 12 or 58 or 56 or 57 or >= 80, $"byte {i} differs"));
    }

    [Fact]
    public void V3_A4_Rfc_profile_garp_uses_the_virtual_mac_even_without_use_vmac()
    {
        var frame = new byte[64];
        GratuitousFrames.TryBuildArp(frame, Sender(GratuitousProfile.Rfc, false, 51, AddressFamily.InterNetwork), [10, 7, 0, 100], out _);

        Assert.Equal("00005E000133", Convert.ToHexString(frame, 6, 6));
        Assert.Equal("00005E000133", Convert.ToHexString(frame, 22, 6));
    }

    [Theory]
    [InlineData(41, 6, 4)]
    [InlineData(64, 5, 4)]
    [InlineData(64, 6, 16)]
    public void Arp_builder_refuses_bad_sizes(int buffer, int mac, int vip)
    {
        Assert.False(GratuitousFrames.TryBuildArp(new byte[buffer], new byte[mac], new byte[vip], out int written));
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData(85, 6, 16)]
    [InlineData(128, 6, 4)]
    public void Na_builder_refuses_bad_sizes(int buffer, int mac, int vip)
    {
        Assert.False(GratuitousFrames.TryBuildNeighborAdvertisement(new byte[buffer], new byte[mac], new byte[vip], false, out int written));
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData(1, AddressFamily.InterNetwork, "00005E000101")]
    [InlineData(255, AddressFamily.InterNetworkV6, "00005E0002FF")]
    public void V3_F4_Virtual_mac(byte vrid, AddressFamily family, string mac) =>
        Assert.Equal(mac, Convert.ToHexString(VirtualMac.For(vrid, family)));
}

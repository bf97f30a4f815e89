using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>The receive rules that need the instance's configuration (vrrp-rules.md "Receive validation").</summary>
public class VrrpInstanceCheckTests
{
    private static readonly IPAddress Src = IPAddress.Parse("10.7.0.1");
    private static readonly byte[] Vips = [10, 7, 0, 100, 10, 7, 0, 101];

    private static (VrrpAdvert Advert, byte[] Packet) Advert(byte version, byte vrid = 51, byte priority = 100, int intervalCs = 100, byte[]? vips = null)
    {
        var buffer = new byte[128];
        Assert.True(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(version, vrid, priority, intervalCs), vips ?? Vips, Src, VrrpConstants.MulticastGroupV4, out int n, out _));
        var packet = buffer[..n];
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(packet, new VrrpReceiveContext(version, Src, VrrpConstants.MulticastGroupV4, 255), out var advert));
        return (advert, packet);
    }

    private static VrrpInstanceReceiveSettings Mine(byte priority = 100, int intervalCs = 100, byte[]? vips = null, bool check = true) =>
        new(51, priority, intervalCs, vips ?? Vips, check);

    [Fact]
    public void V3_R5_An_advert_for_a_vrid_not_configured_here_is_discarded()
    {
        var (advert, _) = Advert(3, vrid: 52);
        Assert.Equal(VrrpDiscard.UnknownVrid, VrrpInstanceCheck.Route(advert, [51, 53], out int index));
        Assert.Equal(-1, index);
        Assert.Equal(VrrpDiscard.None, VrrpInstanceCheck.Route(advert, [51, 52], out index));
        Assert.Equal(1, index);
    }

    [Fact]
    public void V3_R6_An_owner_logs_a_foreign_advert_for_its_vrid_and_does_not_drop_it()
    {
        var (advert, packet) = Advert(3, priority: 200);
        Assert.Equal(VrrpDiscard.None, VrrpInstanceCheck.Check(advert, packet, Mine(priority: 255), out var notes));
        Assert.Equal(VrrpAdvertNotes.OwnerConflict, notes);
        var (leaving, leavingPacket) = Advert(3, priority: 0);
        VrrpInstanceCheck.Check(leaving, leavingPacket, Mine(priority: 255), out notes);
        Assert.Equal(VrrpAdvertNotes.None, notes);
    }

    [Fact]
    public void V3_R8_A_v3_interval_or_address_mismatch_is_logged_not_dropped()
    {
        var (advert, packet) = Advert(3, intervalCs: 50, vips: [10, 7, 0, 100, 10, 7, 0, 109]);
        Assert.Equal(VrrpDiscard.None, VrrpInstanceCheck.Check(advert, packet, Mine(), out var notes));
        Assert.Equal(VrrpAdvertNotes.IntervalMismatch | VrrpAdvertNotes.AddressMismatch, notes);
    }

    [Fact]
    public void V2_R1_A_v2_interval_mismatch_is_discarded()
    {
        var (advert, packet) = Advert(2, intervalCs: 200);
        Assert.Equal(VrrpDiscard.IntervalMismatch, VrrpInstanceCheck.Check(advert, packet, Mine(), out _));
    }

    [Fact]
    public void V2_R1_A_v2_address_mismatch_from_a_non_owner_is_discarded_unless_the_check_is_off()
    {
        var (advert, packet) = Advert(2, vips: [10, 7, 0, 100]);
        Assert.Equal(VrrpDiscard.AddressMismatch, VrrpInstanceCheck.Check(advert, packet, Mine(), out _));
        Assert.Equal(VrrpDiscard.None, VrrpInstanceCheck.Check(advert, packet, Mine(check: false), out var notes));
        Assert.Equal(VrrpAdvertNotes.AddressMismatch, notes);
        var (owner, ownerPacket) = Advert(2, priority: 255, vips: [10, 7, 0, 100]);
        Assert.Equal(VrrpDiscard.None, VrrpInstanceCheck.Check(owner, ownerPacket, Mine(), out _));
    }

    [Fact]
    public void The_same_addresses_in_another_order_match()
    {
        var (advert, packet) = Advert(2, vips: [10, 7, 0, 101, 10, 7, 0, 100]);
        Assert.Equal(VrrpDiscard.None, VrrpInstanceCheck.Check(advert, packet, Mine(), out var notes));
        Assert.Equal(VrrpAdvertNotes.None, notes);
    }
}

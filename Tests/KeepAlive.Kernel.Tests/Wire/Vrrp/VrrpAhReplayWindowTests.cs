using System.Buffers.Binary;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>The AH receive check: ICV and SPI, then the sequence number against the sender's last for the VRID.</summary>
public class VrrpAhReplayWindowTests
{
    private static readonly byte[] Group = [224, 0, 0, 18];

    private static byte[] Key(string password)
    {
        var key = new byte[8];
        VrrpAuthentication.IpsecAh(password).WriteKey(key);
        return key;
    }

    /// <summary>A VRRPv2 AH advert from 10.0.0.<paramref name="host"/> for <paramref name="vrid"/>.</summary>
    private static byte[] Advert(int host, byte vrid, uint sequence, string password = "s3cr3t", uint? spi = null)
    {
        var message = new byte[64];
        var spec = new VrrpAdvertSpec(2, vrid, 100, 100, VrrpAuthentication.IpsecAh(password));
        byte[] source = [10, 0, 0, (byte)host];
        Assert.True(VrrpCodec.TryEncode(message, spec, [10, 0, 0, 100], new System.Net.IPAddress(source), new System.Net.IPAddress(Group), out int length, out _));
        var packet = new byte[128];
        Assert.True(VrrpAh.TryBuild(packet, source, Group, 1, 255, unicast: false, Key(password), sequence, message.AsSpan(0, length), out int n, spi));
        return packet[..n];
    }

    private static VrrpAhResult Check(VrrpAhReplayWindow w, byte[] packet, byte vrid = 1, string password = "s3cr3t") =>
        w.Verify(packet, vrid, unicast: false, Key(password), out _, out _);

    [Fact]
    public void Numbers_must_rise_per_sender()
    {
        var w = new VrrpAhReplayWindow();
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 1)));
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 5)));
        Assert.Equal(VrrpAhResult.Replay, Check(w, Advert(2, 1, 5)));     // the same packet again
        Assert.Equal(VrrpAhResult.Replay, Check(w, Advert(2, 1, 3)));     // an older one
        Assert.Equal(VrrpAhResult.Replay, Check(w, Advert(2, 1, 0)));     // 0 is never above anything
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 6)));
        Assert.Equal(6u, w.LastAccepted([10, 0, 0, 2], 1));
    }

    [Fact]
    public void Senders_and_vrids_have_their_own_numbers()
    {
        var w = new VrrpAhReplayWindow();
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 100)));
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(3, 1, 7)));         // another router's stream
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 9, 1), vrid: 9)); // the same router's other instance
        Assert.Equal(3, w.Count);
    }

    // Hostile packets never create or move state: only an authentic, new number does.
    [Theory]
    [InlineData("wrong-password", VrrpAhResult.BadIcv)]
    [InlineData("spoofed-spi", VrrpAhResult.BadSpi)]
    [InlineData("flipped-sequence", VrrpAhResult.BadIcv)]
    [InlineData("flipped-vrid", VrrpAhResult.BadIcv)]
    [InlineData("truncated", VrrpAhResult.Malformed)]
    [InlineData("empty", VrrpAhResult.Malformed)]
    [InlineData("not-vrrp-inside", VrrpAhResult.NotVrrp)]
    public void Hostile_packets_are_refused_and_leave_no_state(string attack, VrrpAhResult expected)
    {
        var w = new VrrpAhReplayWindow();
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 10)));
        var packet = attack switch
        {
            "wrong-password" => Advert(2, 1, 11, password: "guess"),
            "spoofed-spi" => Advert(2, 1, 11, spi: 0x0a000063),
            "flipped-sequence" => Flip(Advert(2, 1, 11), 28 + 3, 0x40),
            "flipped-vrid" => Flip(Advert(2, 1, 11), 44 + 1, 0x01),
            "truncated" => Advert(2, 1, 11)[..30],
            "empty" => [],
            _ => Flip(Advert(2, 1, 11), 20, 0x01),           // AH next header 113
        };

        Assert.Equal(expected, Check(w, packet));
        Assert.Equal(10u, w.LastAccepted([10, 0, 0, 2], 1));
        Assert.Equal(1, w.Count);
    }

    [Fact]
    public void Beyond_capacity_the_least_recently_accepted_sender_is_forgotten()
    {
        var w = new VrrpAhReplayWindow(capacity: 3);
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 50)));
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(3, 1, 50)));
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(4, 1, 50)));
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(2, 1, 51)));        // .2 is now the most recent
        Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(5, 1, 50)));        // evicts .3

        Assert.Equal(3, w.Count);
        Assert.Equal(0u, w.LastAccepted([10, 0, 0, 3], 1));
        Assert.Equal(51u, w.LastAccepted([10, 0, 0, 2], 1));
        Assert.Equal(VrrpAhResult.Replay, Check(w, Advert(2, 1, 51)));
    }

    [Fact]
    public void A_flood_of_authentic_senders_stays_within_capacity()
    {
        var w = new VrrpAhReplayWindow(capacity: 16);
        for (int host = 1; host < 255; host++)
            Assert.Equal(VrrpAhResult.Ok, Check(w, Advert(host, 1, 1)));
        Assert.Equal(16, w.Count);
    }

    [Fact]
    public void A_flood_of_forged_packets_creates_no_state()
    {
        var w = new VrrpAhReplayWindow();
        for (int host = 1; host < 255; host++)
            Assert.Equal(VrrpAhResult.BadIcv, Check(w, Advert(host, 1, (uint)host, password: "forged")));
        Assert.Equal(0, w.Count);
    }

    [Theory]
    [InlineData(new byte[0], false, 0)]
    [InlineData(new byte[] { 0x45 }, false, 0)]
    public void Peeking_the_vrid_of_short_packets_fails(byte[] packet, bool ok, byte vrid)
    {
        Assert.Equal(ok, VrrpAh.TryPeekVrid(packet, out byte got));
        Assert.Equal(vrid, got);
    }

    [Fact]
    public void Peeking_the_vrid_reads_it_behind_the_ip_and_ah_headers()
    {
        var packet = Advert(2, 77, 1);
        Assert.True(VrrpAh.TryPeekVrid(packet, out byte vrid));
        Assert.Equal(77, vrid);
        Assert.False(VrrpAh.TryPeekVrid(packet.AsSpan(0, 45), out _));
        packet[0] = 0x4f;                                            // IHL 60 bytes: the VRID would be past the end
        Assert.False(VrrpAh.TryPeekVrid(packet, out _));
    }

    private static byte[] Flip(byte[] packet, int offset, byte bits)
    {
        packet[offset] ^= bits;
        return packet;
    }

    [Fact]
    public void The_sequence_read_is_the_one_in_the_ah_header()
    {
        var w = new VrrpAhReplayWindow();
        var packet = Advert(2, 1, 0x01020304);
        Assert.Equal(VrrpAhResult.Ok, w.Verify(packet, 1, false, Key("s3cr3t"), out int offset, out uint sequence));
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(28)), sequence);
        Assert.Equal(44, offset);
    }
}

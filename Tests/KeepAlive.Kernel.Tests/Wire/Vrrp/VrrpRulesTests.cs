using System.Buffers.Binary;
using System.Net;
using KeepAlive.Kernel.Wire;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>The rules of vrrp-rules.md "Constants and packet format", "Checksum" and "Receive validation", one test
/// (or more) per ID, named by it.</summary>
public class VrrpRulesTests
{
    private static readonly IPAddress Src4 = IPAddress.Parse("10.7.0.1");
    private static readonly IPAddress Peer4 = IPAddress.Parse("10.7.0.2");
    private static readonly IPAddress Src6 = IPAddress.Parse("fe80::ff:fe07:1");
    private static readonly byte[] OneVip4 = [10, 7, 0, 100];

    private static byte[] Encode(VrrpAdvertSpec spec, byte[] addresses, IPAddress src, IPAddress dst)
    {
        var buffer = new byte[2048];
        Assert.True(VrrpCodec.TryEncode(buffer, spec, addresses, src, dst, out int n, out var error), error.ToString());
        return buffer[..n];
    }

    private static byte[] V2(byte priority = 100, VrrpAuthentication auth = default) =>
        Encode(new VrrpAdvertSpec(2, 51, priority, 100, auth), OneVip4, Src4, VrrpConstants.MulticastGroupV4);

    private static byte[] V3(VrrpChecksumFlavour flavour = VrrpChecksumFlavour.PseudoHeader, IPAddress? dst = null) =>
        Encode(new VrrpAdvertSpec(3, 51, 100, 100, ChecksumFlavour: flavour), OneVip4, Src4, dst ?? VrrpConstants.MulticastGroupV4);

    private static VrrpReceiveContext Ctx(byte version, IPAddress? dst = null, int ttl = 255, VrrpChecksumPolicy policy = VrrpChecksumPolicy.Strict,
        VrrpChecksumFlavour flavour = VrrpChecksumFlavour.PseudoHeader, VrrpAuthentication auth = default, bool checkTtl = true) =>
        new(version, Src4, dst ?? VrrpConstants.MulticastGroupV4, ttl, checkTtl, flavour, policy, auth);

    /// <summary>Rewrites the checksum of a v2 (message-only) or v3/IPv4 multicast (pseudo-header) packet after an edit.</summary>
    private static byte[] Refresh(byte[] packet, bool pseudo, IPAddress? dst = null)
    {
        packet[6] = packet[7] = 0;
        uint sum = 0;
        if (pseudo)
            Assert.True(InternetChecksum.TryPseudoHeader(Src4, dst ?? VrrpConstants.MulticastGroupV4, 112, packet.Length, out sum));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), InternetChecksum.Finish(InternetChecksum.Accumulate(sum, packet)));
        return packet;
    }

    private static VrrpDiscard Decode(byte[] packet, VrrpReceiveContext context) => VrrpCodec.TryDecode(packet, context, out _);

    // ------------------------------------------------------------------ 1 Constants and packet format

    [Fact]
    public void V3_F1_Protocol_112_and_the_multicast_groups()
    {
        Assert.Equal(112, VrrpConstants.ProtocolNumber);
        Assert.Equal("224.0.0.18", VrrpConstants.MulticastGroupV4.ToString());
        Assert.Equal("ff02::12", VrrpConstants.MulticastGroupV6.ToString());
    }

    [Fact]
    public void V3_F2_Ttl_constant_is_255() => Assert.Equal(255, VrrpConstants.Ttl);

    [Fact]
    public void V3_F5_Header_layout_and_reserved_bits_zero_on_send_ignored_on_receive()
    {
        var p = Encode(new VrrpAdvertSpec(3, 200, 150, 4095), OneVip4, Src4, VrrpConstants.MulticastGroupV4);
        Assert.Equal(0x31, p[0]);
        Assert.Equal(200, p[1]);
        Assert.Equal(150, p[2]);
        Assert.Equal(1, p[3]);
        Assert.Equal(0x0f, p[4]);          // reserved nibble 0, interval high nibble
        Assert.Equal(0xff, p[5]);
        Assert.Equal(12, p.Length);

        p[4] |= 0xf0;                       // a sender that sets the reserved bits
        Refresh(p, pseudo: true);
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(p, Ctx(3), out var advert));
        Assert.Equal(4095, advert.IntervalCentiseconds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    public void V3_F5_Interval_outside_1_to_4095_cs_is_not_encoded(int cs)
    {
        var buffer = new byte[64];
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(3, 1, 100, cs), OneVip4, Src4, VrrpConstants.MulticastGroupV4, out _, out var e));
        Assert.Equal(VrrpEncodeError.BadInterval, e);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(1)]
    public void V3_F6_Priorities_0_and_255_travel_unchanged(byte priority)
    {
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(V2(priority), Ctx(2), out var advert));
        Assert.Equal(priority, advert.Priority);
    }

    [Fact]
    public void V3_F7_Ipv6_adverts_carry_16_byte_addresses()
    {
        var vips = IPAddress.Parse("fe80::1").GetAddressBytes().Concat(IPAddress.Parse("fd00::5").GetAddressBytes()).ToArray();
        var p = Encode(new VrrpAdvertSpec(3, 9, 100, 100), vips, Src6, VrrpConstants.MulticastGroupV6);
        Assert.Equal(8 + 32, p.Length);
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(p, new VrrpReceiveContext(3, Src6, VrrpConstants.MulticastGroupV6, 255), out var a));
        Assert.Equal(IPAddress.Parse("fd00::5"), a.AddressAt(p, 1));
    }

    [Fact]
    public void V3_F7_An_address_block_of_the_wrong_family_is_not_encoded()
    {
        var buffer = new byte[64];
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(3, 1, 100, 100), [1, 2, 3, 4, 5, 6], Src6, VrrpConstants.MulticastGroupV6, out _, out var e));
        Assert.Equal(VrrpEncodeError.BadAddressCount, e);
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(3, 1, 100, 100), OneVip4, Src4, VrrpConstants.MulticastGroupV6, out _, out e));
        Assert.Equal(VrrpEncodeError.FamilyMismatch, e);
    }

    [Fact]
    public void V2_F1_Auth_type_interval_in_seconds_and_eight_trailing_zero_bytes()
    {
        var p = V2();
        Assert.Equal(0x21, p[0]);
        Assert.Equal(0, p[4]);
        Assert.Equal(1, p[5]);
        Assert.Equal(20, p.Length);
        Assert.All(p[^8..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void V2_F1_Version_2_is_IPv4_only()
    {
        var buffer = new byte[64];
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(2, 1, 100, 100), new byte[16], Src6, VrrpConstants.MulticastGroupV6, out _, out var e));
        Assert.Equal(VrrpEncodeError.BadVersion, e);
        var v2 = V2();
        Assert.Equal(VrrpDiscard.BadVersion, Decode(v2, new VrrpReceiveContext(2, Src6, VrrpConstants.MulticastGroupV6, 255)));
    }

    [Theory]
    [InlineData(150)]
    [InlineData(25600)]
    public void V2_F1_Interval_must_be_whole_seconds_1_to_255(int cs)
    {
        var buffer = new byte[64];
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(2, 1, 100, cs), OneVip4, Src4, VrrpConstants.MulticastGroupV4, out _, out var e));
        Assert.Equal(VrrpEncodeError.BadInterval, e);
    }

    [Fact]
    public void Encoding_255_addresses_works_and_256_is_refused()
    {
        var buffer = new byte[8 + 256 * 4];
        Assert.True(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(3, 1, 100, 100), new byte[255 * 4], Src4, VrrpConstants.MulticastGroupV4, out int n, out _));
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(buffer.AsSpan(0, n), Ctx(3), out var a));
        Assert.Equal(255, a.AddressCount);
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(3, 1, 100, 100), new byte[256 * 4], Src4, VrrpConstants.MulticastGroupV4, out _, out var e));
        Assert.Equal(VrrpEncodeError.BadAddressCount, e);
    }

    [Fact]
    public void Encoding_into_a_small_buffer_fails_without_writing_past_it()
    {
        var buffer = new byte[19];
        Assert.False(VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(2, 1, 100, 100), OneVip4, Src4, VrrpConstants.MulticastGroupV4, out int n, out var e));
        Assert.Equal(VrrpEncodeError.BufferTooSmall, e);
        Assert.Equal(0, n);
    }

    // ------------------------------------------------------------------ 3 Checksum

    [Fact]
    public void V3_C1_Checksum_covers_the_whole_message()
    {
        var p = V3();
        for (int i = 8; i < p.Length; i++)
        {
            var q = (byte[])p.Clone();
            q[i] ^= 0x01;
            Assert.Equal(VrrpDiscard.BadChecksum, Decode(q, Ctx(3)));
        }
    }

    [Fact]
    public void V3_C2_Ipv6_unicast_pseudo_header_uses_the_real_peer_address()
    {
        var peer = IPAddress.Parse("fe80::ff:fe07:2");
        var vip = IPAddress.Parse("fd00:7::100").GetAddressBytes();
        var toPeer = Encode(new VrrpAdvertSpec(3, 52, 100, 100), vip, Src6, peer);
        var toGroup = Encode(new VrrpAdvertSpec(3, 52, 100, 100), vip, Src6, VrrpConstants.MulticastGroupV6);

        Assert.NotEqual(toPeer[6..8], toGroup[6..8]);
        Assert.Equal(VrrpDiscard.None, Decode(toPeer, new VrrpReceiveContext(3, Src6, peer, 255)));
        Assert.Equal(VrrpDiscard.BadChecksum, Decode(toPeer, new VrrpReceiveContext(3, Src6, VrrpConstants.MulticastGroupV6, 255, ChecksumPolicy: VrrpChecksumPolicy.Detect)));
    }

    [Fact]
    public void V3_C3_Rfc9568_message_only_checksum_matches_the_golden_recomputation()
    {
        var golden = GoldenFrames.Load("03-v3-ipv4-adv0.1-2vip").Single(f => f.Text("kind") == "VRRP");
        var p = Encode(new VrrpAdvertSpec(3, 51, 100, 10, ChecksumFlavour: VrrpChecksumFlavour.MessageOnly),
            golden.Payload[8..], Src4, VrrpConstants.MulticastGroupV4);
        Assert.Equal(golden.Int("calc_no_pseudo"), BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(6)));
    }

    [Fact]
    public void V3_C3_Detect_reports_which_flavour_a_peer_uses()
    {
        var mine = Ctx(3, Peer4, policy: VrrpChecksumPolicy.Detect);
        foreach (var flavour in new[] { VrrpChecksumFlavour.PseudoHeader, VrrpChecksumFlavour.MessageOnly, VrrpChecksumFlavour.OldUnicastPseudoHeader })
        {
            Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(V3(flavour, Peer4), mine, out var advert));
            Assert.Equal(flavour, advert.ChecksumFlavour);
        }
    }

    [Fact]
    public void V3_C3_Strict_accepts_only_the_configured_flavour()
    {
        Assert.Equal(VrrpDiscard.BadChecksum, Decode(V3(VrrpChecksumFlavour.OldUnicastPseudoHeader, Peer4), Ctx(3, Peer4)));
        Assert.Equal(VrrpDiscard.BadChecksum, Decode(V3(VrrpChecksumFlavour.MessageOnly, Peer4), Ctx(3, Peer4)));
        Assert.Equal(VrrpDiscard.None, Decode(V3(VrrpChecksumFlavour.MessageOnly, Peer4), Ctx(3, Peer4, flavour: VrrpChecksumFlavour.MessageOnly)));
    }

    [Fact]
    public void V3_C3_Keepalived_old_unicast_checksum_golden_is_detected_as_such()
    {
        var f = GoldenFrames.Load("08b-v3-ipv4-unicast-old-chksum").Single(x => x.Text("kind") == "VRRP");
        var rfcConfigured = VrrpCodecGoldenTests.ContextFor(f) with { ChecksumFlavour = VrrpChecksumFlavour.PseudoHeader };

        Assert.Equal(VrrpDiscard.BadChecksum, VrrpCodec.TryDecode(f.Payload, rfcConfigured, out _));
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(f.Payload, rfcConfigured with { ChecksumPolicy = VrrpChecksumPolicy.Detect }, out var advert));
        Assert.Equal(VrrpChecksumFlavour.OldUnicastPseudoHeader, advert.ChecksumFlavour);
    }

    [Fact]
    public void V2_C1_Checksum_covers_the_message_only_so_unicast_and_multicast_agree()
    {
        var multicast = GoldenFrames.Load("01-v2-ipv4-noauth").First(f => f.Text("kind") == "VRRP" && f.Int("prio") == 100);
        var unicast = GoldenFrames.Load("05-v2-ipv4-unicast").First(f => f.Text("kind") == "VRRP" && f.Int("prio") == 100);
        Assert.Equal(multicast.Payload, unicast.Payload);
        Assert.Equal(0, InternetChecksum.Compute(multicast.Payload));
    }

    // ------------------------------------------------------------------ 4 Receive validation

    [Theory]
    [InlineData(254)]
    [InlineData(1)]
    [InlineData(0)]
    public void V3_R1_Ttl_other_than_255_is_discarded(int ttl) =>
        Assert.Equal(VrrpDiscard.BadTtl, Decode(V2(), Ctx(2, ttl: ttl)));

    [Fact]
    public void V3_R1_Ttl_check_can_be_off_for_unicast_and_is_skipped_when_unknown()
    {
        Assert.Equal(VrrpDiscard.None, Decode(V2(), Ctx(2, ttl: 64, checkTtl: false)));
        Assert.Equal(VrrpDiscard.None, Decode(V2(), Ctx(2, ttl: -1)));
    }

    [Fact]
    public void V3_R2_Other_version_is_discarded()
    {
        Assert.Equal(VrrpDiscard.BadVersion, Decode(V2(), Ctx(3)));
        Assert.Equal(VrrpDiscard.BadVersion, Decode(V3(), Ctx(2)));
        var v4 = V2();
        v4[0] = 0x41;
        Assert.Equal(VrrpDiscard.BadVersion, Decode(Refresh(v4, false), Ctx(2)));
    }

    [Fact]
    public void V3_R2_Type_other_than_advertisement_is_discarded()
    {
        var p = V2();
        p[0] = 0x22;
        Assert.Equal(VrrpDiscard.BadType, Decode(Refresh(p, false), Ctx(2)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(19)]
    [InlineData(21)]
    public void V3_R3_Incomplete_or_overlong_packets_are_discarded(int length)
    {
        var p = V2();
        var q = new byte[length];
        p.AsSpan(0, Math.Min(length, p.Length)).CopyTo(q);
        Assert.Equal(VrrpDiscard.BadLength, Decode(q, Ctx(2)));
    }

    [Fact]
    public void V3_R3_Count_larger_than_the_addresses_present_is_discarded()
    {
        var p = V2();
        p[3] = 2;
        Assert.Equal(VrrpDiscard.BadLength, Decode(Refresh(p, false), Ctx(2)));
    }

    [Fact]
    public void V3_R4_Bad_checksum_is_discarded()
    {
        var p = V2();
        p[7] ^= 0x80;
        Assert.Equal(VrrpDiscard.BadChecksum, Decode(p, Ctx(2)));
    }

    [Fact]
    public void V3_R7_Zero_interval_is_discarded_and_zero_addresses_ignored()
    {
        var p = V3();
        p[4] = 0;
        p[5] = 0;
        Assert.Equal(VrrpDiscard.ZeroInterval, Decode(Refresh(p, true), Ctx(3)));

        var none = new byte[8];
        none[0] = 0x31;
        none[1] = 5;
        none[2] = 100;
        none[5] = 100;
        Assert.Equal(VrrpDiscard.NoAddresses, Decode(Refresh(none, true), Ctx(3)));
    }

    [Fact]
    public void V3_R9_Carp_advertisement_is_never_taken_for_vrrp()
    {
        // CARP (OpenBSD): version 2, type 1, vhid 51, advskew 0, authlen 7, demote 0, advbase 1, checksum,
        // 8-byte counter, 20-byte SHA1 HMAC: 36 bytes on protocol 112 with VRRPv2's first byte.
        var carp = new byte[36];
        carp[0] = 0x21;
        carp[1] = 51;
        carp[3] = 7;
        carp[5] = 1;
        new Random(3).NextBytes(carp.AsSpan(8));
        Refresh(carp, false);
        Assert.NotEqual(VrrpDiscard.None, Decode(carp, Ctx(2)));
        Assert.Equal(VrrpDiscard.BadLength, Decode(carp, Ctx(2)));
    }

    [Fact]
    public void V2_R1_Auth_type_must_match_the_configuration()
    {
        Assert.Equal(VrrpDiscard.AuthTypeMismatch, Decode(V2(auth: VrrpAuthentication.Password("secret")), Ctx(2)));
        Assert.Equal(VrrpDiscard.AuthTypeMismatch, Decode(V2(), Ctx(2, auth: VrrpAuthentication.Password("secret"))));
        var p = V2();
        p[4] = 3;
        Assert.Equal(VrrpDiscard.AuthTypeMismatch, Decode(Refresh(p, false), Ctx(2)));
    }

    [Fact]
    public void V2_R1_Password_must_match_its_first_eight_bytes()
    {
        var sent = V2(auth: VrrpAuthentication.Password("longpassword"));
        Assert.Equal("6C6F6E6770617373", Convert.ToHexString(sent[^8..]));
        Assert.Equal(VrrpDiscard.None, Decode(sent, Ctx(2, auth: VrrpAuthentication.Password("longpass"))));
        Assert.Equal(VrrpDiscard.AuthFailure, Decode(sent, Ctx(2, auth: VrrpAuthentication.Password("longpasz"))));
    }

    [Fact]
    public void V2_R1_An_unverified_ah_advert_is_refused()
    {
        var p = V2();
        p[4] = (byte)VrrpAuthType.IpsecAh;
        Refresh(p, false);
        Assert.Equal(VrrpDiscard.AuthTypeMismatch, Decode(p, Ctx(2)));
        Assert.Equal(VrrpDiscard.AuthFailure, Decode(p, Ctx(2, auth: VrrpAuthentication.IpsecAh("pw"))));
        Assert.Equal(VrrpDiscard.None, Decode(p, Ctx(2, auth: VrrpAuthentication.IpsecAh("pw")) with { AhVerified = true }));
    }

    [Fact]
    public void Checks_run_in_rule_order_the_first_failure_is_reported()
    {
        var p = V2();
        p[0] = 0x31;      // wrong version
        p[7] ^= 1;        // and a bad checksum
        Assert.Equal(VrrpDiscard.BadTtl, Decode(p, Ctx(2, ttl: 1)));
        Assert.Equal(VrrpDiscard.BadVersion, Decode(p, Ctx(2)));
    }
}

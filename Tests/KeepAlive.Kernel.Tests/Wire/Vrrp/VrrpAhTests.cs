using System.Buffers.Binary;
using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>keepalived's IPsec-AH VRRPv2 (Fixtures/VrrpAh: captured from keepalived 2.2.7).</summary>
public class VrrpAhTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "VrrpAh", "adverts.hex"));

    public static TheoryData<int> Packets() => new(Enumerable.Range(0, Lines.Length));

    private static byte[] Packet(int i) => Convert.FromHexString(Lines[i]);

    private static bool IsUnicast(byte[] p) => p[16] != 224;

    private static byte[] Key(byte[] p)
    {
        var key = new byte[8];
        VrrpAuthentication.IpsecAh(IsUnicast(p) ? "pw" : "s3cr3t").WriteKey(key);
        return key;
    }

    private static uint Sequence(byte[] p) => BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(28));

    [Theory]
    [MemberData(nameof(Packets))]
    public void Keepalived_ah_adverts_verify_and_decode(int i)
    {
        var p = Packet(i);

        Assert.Equal(VrrpAhResult.Ok, VrrpAh.Verify(p, IsUnicast(p), Key(p), Sequence(p) - 1, out int offset, out uint seq));
        Assert.Equal(Sequence(p), seq);
        var context = new VrrpReceiveContext(2, new IPAddress(p.AsSpan(12, 4)), new IPAddress(p.AsSpan(16, 4)), p[8],
            Authentication: VrrpAuthentication.IpsecAh(IsUnicast(p) ? "pw" : "s3cr3t"), AhVerified: true);
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(p.AsSpan(offset), context, out var advert));
        Assert.Equal(IsUnicast(p) ? 62 : 61, advert.Vrid);
        Assert.Equal(VrrpAuthType.IpsecAh, advert.AuthType);
    }

    [Theory]
    [MemberData(nameof(Packets))]
    public void Building_reproduces_keepalived_bytes(int i)
    {
        var p = Packet(i);
        var buffer = new byte[256];

        Assert.True(VrrpAh.TryBuild(buffer, p.AsSpan(12, 4), p.AsSpan(16, 4), BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(4)), p[8],
            IsUnicast(p), Key(p), Sequence(p), p.AsSpan(44), out int written));

        Assert.Equal(Lines[i].ToUpperInvariant(), Convert.ToHexString(buffer, 0, written));
    }

    [Fact]
    public void A_wrong_password_fails_the_icv()
    {
        var p = Packet(0);
        var key = new byte[8];
        VrrpAuthentication.IpsecAh("s3cr3u").WriteKey(key);
        Assert.Equal(VrrpAhResult.BadIcv, VrrpAh.Verify(p, false, key, 0, out _, out _));
    }

    [Fact]
    public void A_sequence_number_not_above_the_last_is_a_replay()
    {
        var p = Packet(1);
        Assert.Equal(VrrpAhResult.Replay, VrrpAh.Verify(p, false, Key(p), Sequence(p), out _, out _));
        Assert.Equal(VrrpAhResult.Ok, VrrpAh.Verify(p, false, Key(p), Sequence(p) - 1, out _, out _));
    }

    [Fact]
    public void Mutable_ip_fields_are_outside_the_icv_and_ttl_only_for_unicast()
    {
        var multicast = Packet(0);
        multicast[1] = 0x00;     // TOS
        multicast[7] = 0x10;     // fragment offset
        multicast[10] ^= 0xff;   // header checksum
        Assert.Equal(VrrpAhResult.Ok, VrrpAh.Verify(multicast, false, Key(multicast), 0, out _, out _));
        multicast[8] = 254;      // TTL is covered for multicast
        Assert.Equal(VrrpAhResult.BadIcv, VrrpAh.Verify(multicast, false, Key(multicast), 0, out _, out _));

        var unicast = Packet(3);
        unicast[8] = 64;
        Assert.Equal(VrrpAhResult.Ok, VrrpAh.Verify(unicast, true, Key(unicast), 0, out _, out _));
    }

    [Fact]
    public void The_spi_must_be_the_source_address()
    {
        var p = Packet(0);
        var buffer = new byte[256];
        Assert.True(VrrpAh.TryBuild(buffer, p.AsSpan(12, 4), p.AsSpan(16, 4), 9, 255, false, Key(p), 7, p.AsSpan(44), out int n, spi: 0x0a080009));
        Assert.Equal(VrrpAhResult.BadSpi, VrrpAh.Verify(buffer.AsSpan(0, n), false, Key(p), 0, out _, out _));
    }

    [Fact]
    public void Ah_for_another_protocol_is_not_ours()
    {
        var p = Packet(0);
        p[20] = 6;
        Assert.Equal(VrrpAhResult.NotVrrp, VrrpAh.Verify(p, false, Key(p), 0, out _, out _));
    }

    [Fact]
    public void Every_truncation_and_bit_flip_is_refused_without_an_exception()
    {
        int inputs = 0;
        foreach (var line in Lines)
        {
            var p = Convert.FromHexString(line);
            var key = Key(p);
            bool unicast = IsUnicast(p);
            for (int length = 0; length < p.Length; length++, inputs++)
                Assert.NotEqual(VrrpAhResult.Ok, VrrpAh.Verify(p.AsSpan(0, length), unicast, key, 0, out _, out _));
            for (int bit = 0; bit < p.Length * 8; bit++, inputs++)
            {
                p[bit / 8] ^= (byte)(1 << (bit % 8));
                int b = bit / 8;
                bool mutable = b is 1 or 6 or 7 or 10 or 11 || (unicast && b == 8);
                var result = VrrpAh.Verify(p, unicast, key, 0, out _, out _);
                if (!mutable)
                    Assert.NotEqual(VrrpAhResult.Ok, result);
                p[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }
        Assert.True(inputs > 2000, $"{inputs}");
    }
}

using System.Buffers.Binary;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class IcmpEchoTests
{
    private const ushort Id = 0x4242;
    private const ushort Seq = 7;

    private static byte[] Ipv4(byte[] icmp, byte protocol = 1)
    {
        var packet = new byte[20 + icmp.Length];
        packet[0] = 0x45;
        packet[9] = protocol;
        icmp.CopyTo(packet, 20);
        return packet;
    }

    private static byte[] EchoReplyV4(ushort id = Id, ushort seq = Seq)
    {
        var icmp = IcmpEcho.Request(false, id, seq);
        icmp[0] = 0;
        icmp[2] = icmp[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), IcmpEcho.Checksum(icmp));
        return Ipv4(icmp);
    }

    private static byte[] UnreachableV4(byte[] quotedEcho)
    {
        var quoted = Ipv4(quotedEcho[..8]);
        var icmp = new byte[8 + quoted.Length];
        icmp[0] = 3;
        icmp[1] = 1;
        quoted.CopyTo(icmp, 8);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), IcmpEcho.Checksum(icmp));
        return Ipv4(icmp);
    }

    [Fact]
    public void The_request_is_an_echo_with_our_id_sequence_keepalived_filler_and_a_valid_checksum()
    {
        var r = IcmpEcho.Request(false, Id, Seq);
        Assert.Equal(8 + 128, r.Length);
        Assert.Equal(8, r[0]);
        Assert.Equal(Id, BinaryPrimitives.ReadUInt16BigEndian(r.AsSpan(4)));
        Assert.Equal(Seq, BinaryPrimitives.ReadUInt16BigEndian(r.AsSpan(6)));
        Assert.Equal(0, IcmpEcho.Checksum(r));
        Assert.Equal("keepalived check - ", System.Text.Encoding.ASCII.GetString(r, 8, 19));
        var r6 = IcmpEcho.Request(true, Id, Seq);
        Assert.Equal(128, r6[0]);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(r6.AsSpan(2))); // the kernel computes ICMPv6 checksums
    }

    [Fact]
    public void Our_echo_reply_passes()
    {
        Assert.Equal(IcmpReplyKind.EchoReply, IcmpEcho.Inspect(EchoReplyV4(), false, Id, Seq).Kind);
    }

    [Fact]
    public void An_echo_reply_to_another_request_or_with_a_bad_checksum_is_ignored()
    {
        Assert.Equal(IcmpReplyKind.Ignored, IcmpEcho.Inspect(EchoReplyV4(id: Id + 1), false, Id, Seq).Kind);
        Assert.Equal(IcmpReplyKind.Ignored, IcmpEcho.Inspect(EchoReplyV4(seq: Seq + 1), false, Id, Seq).Kind);
        var bad = EchoReplyV4();
        bad[^1] ^= 0xff;
        Assert.Contains("checksum", IcmpEcho.Inspect(bad, false, Id, Seq).Reason);
        // Our own request, seen on the way out (a raw socket sees it on a loopback target), is not a reply.
        Assert.Equal(IcmpReplyKind.Ignored, IcmpEcho.Inspect(Ipv4(IcmpEcho.Request(false, Id, Seq)), false, Id, Seq).Kind);
    }

    [Fact]
    public void A_destination_unreachable_quoting_our_request_fails_and_one_about_another_is_ignored()
    {
        var v = IcmpEcho.Inspect(UnreachableV4(IcmpEcho.Request(false, Id, Seq)), false, Id, Seq);
        Assert.Equal(IcmpReplyKind.Unreachable, v.Kind);
        Assert.Contains("code 1", v.Reason);
        Assert.Equal(IcmpReplyKind.Ignored, IcmpEcho.Inspect(UnreachableV4(IcmpEcho.Request(false, Id, Seq + 1)), false, Id, Seq).Kind);
    }

    [Fact]
    public void Icmpv6_reply_and_unreachable_are_read_without_an_ip_header()
    {
        var reply = IcmpEcho.Request(true, Id, Seq);
        reply[0] = 129;
        Assert.Equal(IcmpReplyKind.EchoReply, IcmpEcho.Inspect(reply, true, Id, Seq).Kind);
        var unreachable = new byte[8 + 40 + 8];
        unreachable[0] = 1;
        unreachable[1] = 3;
        IcmpEcho.Request(true, Id, Seq).AsSpan(0, 8).CopyTo(unreachable.AsSpan(48));
        Assert.Equal(IcmpReplyKind.Unreachable, IcmpEcho.Inspect(unreachable, true, Id, Seq).Kind);
        Assert.Equal(IcmpReplyKind.Ignored, IcmpEcho.Inspect(unreachable.AsSpan(0, 50), true, Id, Seq).Kind);
    }

    [Theory]
    [InlineData(0x46)] // header says 24 bytes: the ICMP part then no longer checks out
    [InlineData(0x44)] // header length 16: malformed
    [InlineData(0x65)] // IPv6 version nibble
    [InlineData(0x4F)] // 60-byte header longer than the packet
    public void Ipv4_header_fields_are_validated(byte versionAndLength)
    {
        var p = EchoReplyV4();
        p[0] = versionAndLength;
        var v = IcmpEcho.Inspect(p, false, Id, Seq);
        Assert.Equal(IcmpReplyKind.Ignored, v.Kind);
    }

    [Fact]
    public void Every_truncation_and_bit_flip_gives_a_verdict_without_throwing()
    {
        foreach (var packet in new[] { EchoReplyV4(), UnreachableV4(IcmpEcho.Request(false, Id, Seq)) })
        {
            for (int n = 0; n < packet.Length; n++)
                Assert.NotEqual(IcmpReplyKind.EchoReply, IcmpEcho.Inspect(packet.AsSpan(0, n), false, Id, Seq).Kind);
            for (int bit = 0; bit < packet.Length * 8; bit++)
            {
                var copy = (byte[])packet.Clone();
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.False(string.IsNullOrEmpty(IcmpEcho.Inspect(copy, false, Id, Seq).Reason));
                Assert.False(string.IsNullOrEmpty(IcmpEcho.Inspect(copy, true, Id, Seq).Reason));
            }
        }
    }
}

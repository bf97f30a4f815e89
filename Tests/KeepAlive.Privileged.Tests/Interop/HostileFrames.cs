using System.Buffers.Binary;
using System.Net;
using KeepAlive.Kernel.Wire;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>What is wrong with a forged VRRPv3/IPv4 advert; each kind is wrong in that one way only (checksums are
/// recomputed after the change unless the checksum is the fault).</summary>
public enum HostileKind
{
    BadTtl,
    BadChecksum,
    WrongVersion,
    WrongType,
    Truncated,
    CountTooHigh,
    ZeroInterval,
    UnknownVrid,
    RandomBytes,
    LowerPriority,
}

/// <summary>
/// Whole Ethernet frames carrying forged VRRPv3 adverts over IPv4 to 224.0.0.18 (sent through an AF_PACKET socket, so
/// the kernel's IP stack does not correct anything): a valid advert from <c>Source</c> for a VRID, then broken in one
/// way. Higher priority than the attacked master unless the kind is <see cref="HostileKind.LowerPriority"/>, so that a
/// broken advert that got through would make the master step down.
/// </summary>
public static class HostileFrames
{
    private static readonly byte[] Group = [224, 0, 0, 18];
    private static readonly byte[] GroupMac = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x12];
    private static readonly byte[] SourceMac = [0x02, 0x00, 0x00, 0x07, 0x00, 0x09];

    public static IPAddress Source { get; } = IPAddress.Parse("10.7.0.9");

    public static byte[] Build(HostileKind kind, byte vrid, IPAddress vip, Random random)
    {
        byte priority = kind == HostileKind.LowerPriority ? (byte)50 : (byte)254;
        byte targetVrid = kind == HostileKind.UnknownVrid ? (byte)(vrid ^ 0x80) : vrid;
        var spec = new VrrpAdvertSpec(3, targetVrid, priority, IntervalCentiseconds: 10);
        var vrrp = new byte[64];
        if (!VrrpCodec.TryEncode(vrrp, spec, vip.GetAddressBytes(), Source, IPAddress.Parse("224.0.0.18"), out int length, out var error))
            throw new InvalidOperationException($"cannot encode the base advert: {error}");
        var message = vrrp.AsSpan(0, length).ToArray();
        byte ttl = 255;
        switch (kind)
        {
            case HostileKind.BadTtl:
                ttl = 64;
                break;
            case HostileKind.BadChecksum:
                message[6] ^= 0x5a;
                break;
            case HostileKind.WrongVersion:
                message[0] = (byte)(2 << 4 | 1);
                Rechecksum(message);
                break;
            case HostileKind.WrongType:
                message[0] = (byte)(3 << 4 | 2);
                Rechecksum(message);
                break;
            case HostileKind.Truncated:
                message = message[..^2];
                Rechecksum(message);
                break;
            case HostileKind.CountTooHigh:
                message[3] = 3;
                Rechecksum(message);
                break;
            case HostileKind.ZeroInterval:
                BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), 0);
                Rechecksum(message);
                break;
            case HostileKind.RandomBytes:
                random.NextBytes(message);
                break;
        }
        return Frame(message, ttl);
    }

    private static void Rechecksum(byte[] message)
    {
        message[6] = 0;
        message[7] = 0;
        uint sum = InternetChecksum.PseudoHeaderV4(Source.GetAddressBytes(), Group, 112, message.Length);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), InternetChecksum.Finish(InternetChecksum.Accumulate(sum, message)));
    }

    private static byte[] Frame(byte[] message, byte ttl)
    {
        var frame = new byte[14 + 20 + message.Length];
        GroupMac.CopyTo(frame, 0);
        SourceMac.CopyTo(frame, 6);
        frame[12] = 0x08;
        var ip = frame.AsSpan(14, 20);
        ip[0] = 0x45;
        ip[1] = 0xc0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + message.Length));
        ip[8] = ttl;
        ip[9] = 112;
        Source.GetAddressBytes().CopyTo(ip[12..]);
        Group.CopyTo(ip[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));
        message.CopyTo(frame, 34);
        return frame;
    }
}

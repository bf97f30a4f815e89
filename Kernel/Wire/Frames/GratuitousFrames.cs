using System.Buffers.Binary;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Frames;

/// <summary>
/// Whole Ethernet frames announcing a virtual IP, sent on an AF_PACKET socket: the gratuitous ARP of an IPv4 VIP and
/// the unsolicited Neighbor Advertisement of an IPv6 VIP, as keepalived 2.2.7 builds them (golden/vrrp 07, 09).
/// Frames are not padded to 60 bytes: the NIC pads them.
/// </summary>
public static class GratuitousFrames
{
    /// <summary>Ethernet header (14) + ARP for IPv4 over Ethernet (28).</summary>
    public const int ArpFrameLength = 42;

    /// <summary>Ethernet header (14) + IPv6 header (40) + NA (24) + target link-layer address option (8).</summary>
    public const int NeighborAdvertisementFrameLength = 86;

    private const ushort EtherTypeArp = 0x0806;
    private const ushort EtherTypeIPv6 = 0x86dd;
    private const byte IcmpV6 = 58;
    private const byte NeighborAdvertisementType = 136;

    /// <summary>The MAC a master announces its VIPs from under <paramref name="profile"/>.</summary>
    public static void SenderMac(Span<byte> destination, GratuitousProfile profile, ReadOnlySpan<byte> interfaceMac, bool useVmac, byte vrid, AddressFamily family)
    {
        if (profile == GratuitousProfile.Rfc || useVmac)
            VirtualMac.Write(destination, vrid, family);
        else
            interfaceMac[..VirtualMac.Length].CopyTo(destination);
    }

    /// <summary>A gratuitous ARP request: broadcast, sender = target = <paramref name="vip"/> (4 bytes), sender
    /// hardware = <paramref name="senderMac"/>, target hardware ff:ff:ff:ff:ff:ff (as keepalived).</summary>
    public static bool TryBuildArp(Span<byte> destination, ReadOnlySpan<byte> senderMac, ReadOnlySpan<byte> vip, out int written)
    {
        written = 0;
        if (destination.Length < ArpFrameLength || senderMac.Length != 6 || vip.Length != 4)
            return false;
        var f = destination[..ArpFrameLength];
        f[..6].Fill(0xff);
        senderMac.CopyTo(f[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], EtherTypeArp);
        var arp = f[14..];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);            // hardware: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], 0x0800);  // protocol: IPv4
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], 1);       // request
        senderMac.CopyTo(arp[8..]);
        vip.CopyTo(arp[14..]);
        arp.Slice(18, 6).Fill(0xff);
        vip.CopyTo(arp[24..]);
        written = ArpFrameLength;
        return true;
    }

    /// <summary>An unsolicited NA from <paramref name="vip"/> (16 bytes) to all-nodes ff02::1, hop limit 255,
    /// flags O=1 and R=<paramref name="routerFlag"/>, target = VIP, target link-layer option = <paramref name="senderMac"/>.</summary>
    public static bool TryBuildNeighborAdvertisement(Span<byte> destination, ReadOnlySpan<byte> senderMac, ReadOnlySpan<byte> vip, bool routerFlag, out int written)
    {
        written = 0;
        if (destination.Length < NeighborAdvertisementFrameLength || senderMac.Length != 6 || vip.Length != 16)
            return false;
        var f = destination[..NeighborAdvertisementFrameLength];
        ReadOnlySpan<byte> allNodesMac = [0x33, 0x33, 0x00, 0x00, 0x00, 0x01];
        ReadOnlySpan<byte> allNodes = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];
        allNodesMac.CopyTo(f);
        senderMac.CopyTo(f[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], EtherTypeIPv6);

        var ip = f[14..];
        BinaryPrimitives.WriteUInt32BigEndian(ip, 0x6000_0000);   // version 6, traffic class 0, flow label 0
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], 32);       // payload length
        ip[6] = IcmpV6;
        ip[7] = 255;                                             // hop limit
        vip.CopyTo(ip[8..]);
        allNodes.CopyTo(ip[24..]);

        var na = ip[40..72];
        na[0] = NeighborAdvertisementType;
        na[1] = 0;
        na[2] = 0;
        na[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(na[4..], (routerFlag ? 0x8000_0000u : 0u) | 0x2000_0000u);
        vip.CopyTo(na[8..]);
        na[24] = 2;                                              // option: target link-layer address
        na[25] = 1;                                              // length in units of 8 bytes
        senderMac.CopyTo(na[26..]);
        uint sum = InternetChecksum.PseudoHeaderV6(vip, allNodes, IcmpV6, na.Length);
        BinaryPrimitives.WriteUInt16BigEndian(na[2..], InternetChecksum.Finish(InternetChecksum.Accumulate(sum, na)));
        written = NeighborAdvertisementFrameLength;
        return true;
    }
}

using System.Buffers.Binary;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

public sealed partial class RawVrrpSocket
{
    /// <summary>
    /// The next IPv4 datagram of the batch: the fixed 20 header bytes were read apart, everything after them is
    /// copied to the caller's buffer with IP options, if any, squeezed out so the VRRP message starts at offset 0.
    /// </summary>
    private unsafe Outcome TakeIPv4(ReceiveBatch batch, Memory<byte> buffer, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        if (!batch.TryTake(out var msg, out int received, out byte* header, out byte* data))
        {
            error = KernelResult.Ok;
            return Outcome.Again;
        }
        var span = buffer.Span;
        if ((msg->msg_flags & LibC.MSG_TRUNC) != 0 || received - IPv4HeaderMin > span.Length)
            return Truncated(span.Length, out error);
        var head = new ReadOnlySpan<byte>(header, IPv4HeaderMin);
        if (received < IPv4HeaderMin || head[0] >> 4 != 4)
            return Malformed($"not an IPv4 datagram ({received} bytes) on {this}", out error);
        int headerLength = (head[0] & 0x0f) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(head[2..]);
        if (headerLength < IPv4HeaderMin || totalLength < headerLength || totalLength > received)
            return Malformed($"IPv4 header length {headerLength}, total {totalLength}, received {received} on {this}", out error);
        if (head[IPv4ProtocolOffset] != VrrpProtocol)
            return Malformed($"IPv4 protocol {head[IPv4ProtocolOffset]} on {this}", out error);
        if (!JoinedGroup && head[IPv4DestinationOffset] is >= 224 and <= 239)
        {
            error = KernelResult.Ok;
            return Outcome.Again; // unicast mode: not for us
        }
        int optionBytes = headerLength - IPv4HeaderMin;
        int payloadLength = totalLength - headerLength;
        new ReadOnlySpan<byte>(data + optionBytes, payloadLength).CopyTo(span);
        var (packetIndex, age) = Control(msg);
        int ifindex = packetIndex ?? InterfaceIndex;
        var source = _sources.Get(head.Slice(IPv4SourceOffset, 4), 0);
        var destination = _destinations.Get(head.Slice(IPv4DestinationOffset, 4), 0);
        datagram = new VrrpDatagram(buffer[..payloadLength], ifindex, source, destination, head[IPv4TtlOffset]) { Age = age };
        error = KernelResult.Ok;
        return Outcome.Received;
    }

    /// <summary>In one pass over the control messages: ipi_ifindex of IP_PKTINFO and the arrival age of
    /// SCM_TIMESTAMPNS, if the kernel sent them.</summary>
    private static unsafe (int? Index, TimeSpan Age) Control(msghdr* msg)
    {
        int? index = null;
        var age = TimeSpan.Zero;
        for (var c = LibC.CMSG_FIRSTHDR(msg); c != null; c = LibC.CMSG_NXTHDR(msg, c))
        {
            if (c->cmsg_level == LibC.IPPROTO_IP && c->cmsg_type == LibC.IP_PKTINFO)
                index = ((in_pktinfo*)LibC.CMSG_DATA(c))->ipi_ifindex;
            else if (IsArrivalTime(c))
                age = AgeSince((timespec*)LibC.CMSG_DATA(c));
        }
        return (index, age);
    }
}

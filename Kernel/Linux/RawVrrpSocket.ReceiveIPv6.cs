using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

public sealed partial class RawVrrpSocket
{
    /// <summary>
    /// The next IPv6 datagram of the batch, copied to the caller's buffer. The kernel delivers no IPv6 header: the
    /// source comes from msg_name (with its scope id), hop limit and destination + ifindex from the IPV6_HOPLIMIT and
    /// IPV6_PKTINFO control messages. A datagram whose checksum was wrong never gets here (IPV6_CHECKSUM makes the
    /// kernel drop it).
    /// </summary>
    private unsafe Outcome TakeIPv6(ReceiveBatch batch, Memory<byte> buffer, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        if (!batch.TryTake(out var msg, out int received, out _, out byte* data))
        {
            error = KernelResult.Ok;
            return Outcome.Again;
        }
        var span = buffer.Span;
        if ((msg->msg_flags & LibC.MSG_TRUNC) != 0 || received > span.Length)
            return Truncated(span.Length, out error);
        if ((msg->msg_flags & LibC.MSG_CTRUNC) != 0)
            return Malformed($"control messages truncated on {this}", out error);
        int hopLimit = -1;
        in6_pktinfo* info = null;
        var age = TimeSpan.Zero;
        for (var c = LibC.CMSG_FIRSTHDR(msg); c != null; c = LibC.CMSG_NXTHDR(msg, c))
        {
            if (IsArrivalTime(c))
                age = AgeSince((timespec*)LibC.CMSG_DATA(c));
            if (c->cmsg_level != LibC.IPPROTO_IPV6)
                continue;
            if (c->cmsg_type == LibC.IPV6_HOPLIMIT)
                hopLimit = *(int*)LibC.CMSG_DATA(c);
            else if (c->cmsg_type == LibC.IPV6_PKTINFO)
                info = (in6_pktinfo*)LibC.CMSG_DATA(c);
        }
        if (hopLimit < 0 || info == null)
            return Malformed($"IPV6_HOPLIMIT or IPV6_PKTINFO missing on {this}", out error);
        var destinationBytes = new ReadOnlySpan<byte>(info->ipi6_addr.s6_addr, 16);
        if (!JoinedGroup && destinationBytes[0] == 0xff)
        {
            error = KernelResult.Ok;
            return Outcome.Again; // unicast mode: not for us
        }
        var from = (sockaddr_in6*)msg->msg_name;
        if (msg->msg_namelen < SizeOf.sockaddr_in6 || from->sin6_family != LibC.AF_INET6)
            return Malformed($"no IPv6 source address on {this}", out error);
        var source = _sources.Get(new ReadOnlySpan<byte>(from->sin6_addr.s6_addr, 16), from->sin6_scope_id);
        int ifindex = (int)info->ipi6_ifindex;
        // A link-local unicast destination is scoped to the arrival interface; multicast groups stay unscoped.
        long destinationScope = destinationBytes[0] == 0xfe && (destinationBytes[1] & 0xc0) == 0x80 ? ifindex : 0;
        var destination = _destinations.Get(destinationBytes, destinationScope);
        new ReadOnlySpan<byte>(data, received).CopyTo(span);
        datagram = new VrrpDatagram(buffer[..received], ifindex, source, destination, hopLimit) { Age = age };
        error = KernelResult.Ok;
        return Outcome.Received;
    }
}

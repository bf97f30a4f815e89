using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

public sealed partial class RawVrrpSocket
{
    /// <summary>
    /// One recvmsg on the IPv6 socket. The kernel delivers no IPv6 header: the source comes from msg_name (with
    /// its scope id), hop limit and destination + ifindex from the IPV6_HOPLIMIT and IPV6_PKTINFO control messages.
    /// A datagram whose checksum was wrong never gets here (IPV6_CHECKSUM makes the kernel drop it).
    /// </summary>
    private unsafe Outcome ReceiveIPv6(int fd, Memory<byte> buffer, int flags, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        var span = buffer.Span;
        ulong* control = stackalloc ulong[ReceiveControlWords];
        fixed (byte* data = span)
        {
            var from = default(sockaddr_in6);
            var iov = default(iovec);
            iov.iov_base = data;
            iov.iov_len = span.Length;
            var msg = default(msghdr);
            msg.msg_name = &from;
            msg.msg_namelen = SizeOf.sockaddr_in6;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = ReceiveControlWords * sizeof(ulong);
            long received = LibC.recvmsg(fd, &msg, flags);
            if (received < 0)
                return FailedRecv($"recvmsg on {this}", out error);
            if ((msg.msg_flags & LibC.MSG_TRUNC) != 0)
                return Truncated(span.Length, out error);
            if ((msg.msg_flags & LibC.MSG_CTRUNC) != 0)
                return Malformed($"control messages truncated on {this}", out error);
            int hopLimit = -1;
            in6_pktinfo* info = null;
            var age = TimeSpan.Zero;
            for (var c = LibC.CMSG_FIRSTHDR(&msg); c != null; c = LibC.CMSG_NXTHDR(&msg, c))
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
            var source = _sources.Get(new ReadOnlySpan<byte>(from.sin6_addr.s6_addr, 16), from.sin6_scope_id);
            int ifindex = (int)info->ipi6_ifindex;
            // A link-local unicast destination is scoped to the arrival interface; multicast groups stay unscoped.
            long destinationScope = destinationBytes[0] == 0xfe && (destinationBytes[1] & 0xc0) == 0x80 ? ifindex : 0;
            var destination = _destinations.Get(destinationBytes, destinationScope);
            datagram = new VrrpDatagram(buffer[..(int)received], ifindex, source, destination, hopLimit) { Age = age };
            error = KernelResult.Ok;
            return Outcome.Received;
        }
    }
}

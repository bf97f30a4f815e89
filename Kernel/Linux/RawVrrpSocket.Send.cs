using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

public sealed partial class RawVrrpSocket
{
    /// <summary>Room for one control message with in_pktinfo or in6_pktinfo, 8-byte aligned.</summary>
    private const int SendControlWords = 8;

    /// <summary>
    /// Sends <paramref name="payload"/> from <paramref name="source"/> (set per datagram with an IP_PKTINFO /
    /// IPV6_PKTINFO control message; it must be an address of this host, on IPv6 normally the interface's
    /// link-local) to <paramref name="destination"/>. On IPv6 the kernel overwrites the checksum field (offset 6).
    /// </summary>
    public KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.AddressFamily != Family || destination.AddressFamily != Family)
            return Errno.Failure(Errno.EAFNOSUPPORT, $"send {source} -> {destination} on {this}");
        bool added = false;
        try
        {
            if (_fd.IsClosed)
                return Errno.Failure(Errno.EBADF, $"send on {this} after Dispose");
            _fd.DangerousAddRef(ref added);
            int fd = _fd.DangerousGetHandle().ToInt32();
            return Family == AddressFamily.InterNetwork
                ? SendIPv4(fd, payload, source, destination)
                : SendIPv6(fd, payload, source, destination);
        }
        catch (ObjectDisposedException)
        {
            return Errno.Failure(Errno.EBADF, $"send on {this} after Dispose");
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    private unsafe KernelResult SendIPv4(int fd, ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        var to = default(sockaddr_in);
        to.sin_family = LibC.AF_INET;
        SocketAddressBytes.Write(destination, to.sin_addr.s_addr, 4);
        ulong* control = stackalloc ulong[SendControlWords];
        new Span<ulong>(control, SendControlWords).Clear();
        var cmsg = (cmsghdr*)control;
        cmsg->cmsg_len = SizeOf.cmsghdr + SizeOf.in_pktinfo; // the kernel wants exactly CMSG_LEN for IP_PKTINFO
        cmsg->cmsg_level = LibC.IPPROTO_IP;
        cmsg->cmsg_type = LibC.IP_PKTINFO;
        var info = (in_pktinfo*)LibC.CMSG_DATA(cmsg);
        info->ipi_ifindex = InterfaceIndex;
        SocketAddressBytes.Write(source, info->ipi_spec_dst.s_addr, 4);
        return SendMessage(fd, payload, &to, SizeOf.sockaddr_in, control, LibC.CMSG_SPACE(SizeOf.in_pktinfo), source, destination);
    }

    private unsafe KernelResult SendIPv6(int fd, ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        var to = default(sockaddr_in6);
        to.sin6_family = LibC.AF_INET6;
        SocketAddressBytes.Write(destination, to.sin6_addr.s6_addr, 16);
        bool linkScoped = destination.IsIPv6LinkLocal || destination.IsIPv6Multicast;
        to.sin6_scope_id = destination.ScopeId != 0 ? (uint)destination.ScopeId : linkScoped ? (uint)InterfaceIndex : 0;
        ulong* control = stackalloc ulong[SendControlWords];
        new Span<ulong>(control, SendControlWords).Clear();
        var cmsg = (cmsghdr*)control;
        cmsg->cmsg_len = SizeOf.cmsghdr + SizeOf.in6_pktinfo;
        cmsg->cmsg_level = LibC.IPPROTO_IPV6;
        cmsg->cmsg_type = LibC.IPV6_PKTINFO;
        var info = (in6_pktinfo*)LibC.CMSG_DATA(cmsg);
        info->ipi6_ifindex = (uint)InterfaceIndex;
        SocketAddressBytes.Write(source, info->ipi6_addr.s6_addr, 16);
        return SendMessage(fd, payload, &to, SizeOf.sockaddr_in6, control, LibC.CMSG_SPACE(SizeOf.in6_pktinfo), source, destination);
    }

    private unsafe KernelResult SendMessage(int fd, ReadOnlySpan<byte> payload, void* to, int toLength, void* control, int controlLength, IPAddress source, IPAddress destination)
    {
        fixed (byte* data = payload)
        {
            var iov = default(iovec);
            iov.iov_base = data;
            iov.iov_len = payload.Length;
            var msg = default(msghdr);
            msg.msg_name = to;
            msg.msg_namelen = toLength;
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = controlLength;
            long sent = LibC.sendmsg(fd, &msg, 0);
            if (sent < 0)
                return Errno.LastFailure($"sendmsg {source} -> {destination} on {this}");
            return sent == payload.Length
                ? KernelResult.Ok
                : Errno.Failure(Errno.EMSGSIZE, $"sendmsg sent {sent} of {payload.Length} bytes on {this}");
        }
    }
}

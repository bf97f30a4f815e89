using System.Diagnostics;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The IPv4 raw socket of VRRPv2 "auth_type AH" (IP protocol 51), as keepalived opens it: we write the whole IP
/// packet (IP_HDRINCL; <see cref="Wire.Vrrp.VrrpAh.TryBuild"/> makes it) and receive whole IP packets, header included,
/// for <see cref="Wire.Vrrp.VrrpAh.Verify"/>. Bound to one interface, joined to 224.0.0.18 on it (multicast mode),
/// loopback off. Opened in the calling thread's network namespace; errors are results.
/// </summary>
public sealed class RawAhSocket : IDisposable
{
    public const int AhProtocol = 51;
    private readonly FileDescriptorHandle _fd;

    private RawAhSocket(FileDescriptorHandle fd, string interfaceName, int index)
    {
        _fd = fd;
        InterfaceName = interfaceName;
        InterfaceIndex = index;
    }

    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

    /// <summary>Opens the socket on <paramref name="interfaceName"/>, joining the VRRP group when <paramref name="multicast"/>.</summary>
    public static unsafe KernelResult Open(string interfaceName, bool multicast, out RawAhSocket? socket)
    {
        socket = null;
        var lookup = LinuxInterfaces.TryGetIndex(interfaceName, out int index);
        if (!lookup.IsOk)
            return lookup;
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, AhProtocol);
        if (fd < 0)
            return Errno.LastFailure($"socket(AF_INET, raw, 51) for {interfaceName}");
        var handle = new FileDescriptorHandle(fd);
        var configured = Configure(fd, interfaceName, index, multicast);
        if (!configured.IsOk)
        {
            handle.Dispose();
            return configured with { Message = $"{configured.Message} (interface {interfaceName})" };
        }
        socket = new RawAhSocket(handle, interfaceName, index);
        return KernelResult.Ok;
    }

    private static unsafe KernelResult Configure(int fd, string interfaceName, int index, bool multicast)
    {
        var byIndex = default(ip_mreqn);
        byIndex.imr_ifindex = index;
        var join = default(ip_mreqn);
        join.imr_ifindex = index;
        SocketAddressBytes.Write(RawVrrpSocket.IPv4Group, join.imr_multiaddr.s_addr, 4);
        var r = SocketOptions.BindToDevice(fd, interfaceName);
        if (r.IsOk)
            r = SocketOptions.Set(fd, LibC.IPPROTO_IP, LibC.IP_HDRINCL, 1, "IP_HDRINCL");
        if (r.IsOk)
            r = SocketOptions.Set(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
        if (r.IsOk)
            r = SocketOptions.Set(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_IF, byIndex, "IP_MULTICAST_IF");
        if (r.IsOk)
            r = SocketOptions.Set(fd, LibC.IPPROTO_IP, LibC.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
        if (r.IsOk && multicast)
            r = SocketOptions.Set(fd, LibC.IPPROTO_IP, LibC.IP_ADD_MEMBERSHIP, join, "IP_ADD_MEMBERSHIP 224.0.0.18");
        return r;
    }

    /// <summary>Sends a whole IPv4 packet to its destination (bytes 16..19 of the header).</summary>
    public unsafe KernelResult Send(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20)
            return Errno.Failure(Errno.EINVAL, $"an IPv4 packet of {packet.Length} bytes");
        bool added = false;
        try
        {
            if (!TryAcquire(ref added, out int fd, out var closed))
                return closed;
            var to = default(sockaddr_in);
            to.sin_family = (ushort)LibC.AF_INET;
            fixed (byte* data = packet)
            {
                Buffer.MemoryCopy(data + 16, &to.sin_addr, 4, 4);
                while (true)
                {
                    long sent = LibC.sendto(fd, data, packet.Length, 0, (sockaddr*)&to, SizeOf.sockaddr_in);
                    if (sent == packet.Length)
                        return KernelResult.Ok;
                    var failure = sent < 0 ? Errno.LastFailure($"send AH packet on {InterfaceName}") : Errno.Failure(Errno.EMSGSIZE, "short send");
                    if (failure.Errno != Errno.EINTR)
                        return failure;
                }
            }
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for one packet; <paramref name="length"/> is its size, IP header
    /// included. False with ETIMEDOUT when nothing came.</summary>
    public unsafe bool TryReceive(Span<byte> buffer, TimeSpan timeout, out int length, out KernelResult error)
    {
        length = 0;
        long deadline = FdPoll.Deadline(timeout);
        bool added = false;
        try
        {
            if (!TryAcquire(ref added, out int fd, out error))
                return false;
            fixed (byte* data = buffer)
            {
                while (true)
                {
                    error = FdPoll.WaitReadable(fd, deadline, $"receive AH on {InterfaceName}");
                    if (_closing)
                        error = Errno.Failure(Errno.EBADF, $"receive on {InterfaceName} after Dispose");
                    if (!error.IsOk)
                        return false;
                    long n = LibC.recv(fd, data, buffer.Length, LibC.MSG_TRUNC);
                    if (n < 0)
                    {
                        error = Errno.LastFailure($"recv on {InterfaceName}");
                        if (error.Errno is Errno.EINTR or Errno.EAGAIN)
                            continue;
                        return false;
                    }
                    if (n > buffer.Length)
                    {
                        error = Errno.Failure(Errno.EMSGSIZE, $"a {n}-byte packet does not fit {buffer.Length} bytes");
                        return false;
                    }
                    length = (int)n;
                    error = KernelResult.Ok;
                    return true;
                }
            }
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    private bool TryAcquire(ref bool added, out int fd, out KernelResult error)
    {
        bool ok = _fd.TryAcquire(ref added, out fd);
        error = ok ? KernelResult.Ok : Errno.Failure(Errno.EBADF, $"AH socket on {InterfaceName} is closed");
        return ok;
    }

    /// <summary>Closes the fd; a second call does nothing.</summary>
    /// <summary>Closes the fd; a second call does nothing. Later sends and receives return EBADF. A TryReceive already
    /// waiting on another thread (with no timeout, as the I/O actor's receive thread waits) is woken first and returns
    /// EBADF; the fd is closed when it has returned.</summary>
    public void Dispose()
    {
        _closing = true;
        _fd.WakeWaiters();
        _fd.Dispose();
    }

    private volatile bool _closing;

    /// <inheritdoc />
    public override string ToString() => $"ah-raw {InterfaceName}#{InterfaceIndex}";
}

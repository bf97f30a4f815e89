using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The real <see cref="IVrrpSocket"/>: one raw IP protocol 112 socket per interface and family, set up as keepalived
/// sets up its VRRP sockets (vrrp.c open_vrrp_send_socket / open_vrrp_read_socket), but one socket both sends and
/// receives. The fd comes from libc <c>socket()</c> because the managed <see cref="Socket"/> refuses protocol 112.
/// <list type="bullet">
/// <item>SO_BINDTODEVICE to the interface; TTL / hop limit 255 for unicast and multicast; multicast loopback off;
/// multicast interface by index; traffic class 0xc0 (DSCP CS6) and, on IPv4, DF clear, as keepalived's adverts.</item>
/// <item>IPv4: IP_PKTINFO for the receive ifindex; IP_MULTICAST_ALL off, so only groups this socket joined are
/// delivered. An unbound raw IPv6 socket gets every group the interface joined (the kernel checks membership only
/// for bound ones), so a unicast-mode socket drops multicast-addressed datagrams itself, on both families.</item>
/// <item>IPv6: IPV6_CHECKSUM offset 6 (the kernel fills the VRRPv3 checksum on send and drops bad ones on receive);
/// IPV6_RECVHOPLIMIT and IPV6_RECVPKTINFO, because a raw IPv6 socket delivers no header.</item>
/// </list>
/// The socket is never bound: a bound IPv4 raw socket only receives datagrams addressed to the bound address, which
/// would lose 224.0.0.18. Instead every send names its source in an IP_PKTINFO / IPV6_PKTINFO control message; the
/// kernel refuses a source that is not local (EINVAL / EADDRNOTAVAIL).
/// </summary>
public sealed partial class RawVrrpSocket : IVrrpSocket
{
    /// <summary>IP protocol number of VRRP.</summary>
    public const int VrrpProtocol = 112;

    /// <summary>TTL / hop limit of every advert sent, and the only one RFC 3768/5798 receivers accept.</summary>
    public const int VrrpTtl = 255;

    private const int ChecksumOffset = 6;
    private const int TrafficClassCs6 = 0xc0;

    private readonly FileDescriptorHandle _fd;
    private readonly TimeSpan _coalescing;
    private volatile bool _closing;

    private RawVrrpSocket(FileDescriptorHandle fd, string interfaceName, int interfaceIndex, AddressFamily family, bool joinedGroup,
        TimeSpan coalescing = default)
    {
        _fd = fd;
        _coalescing = coalescing > TimeSpan.Zero ? coalescing : TimeSpan.Zero;
        JoinedGroup = joinedGroup;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        Family = family;
    }

    /// <summary>The VRRP IPv4 multicast group, 224.0.0.18.</summary>
    public static IPAddress IPv4Group => KeepAlive.Kernel.Wire.Vrrp.VrrpConstants.MulticastGroupV4;

    /// <summary>The VRRP IPv6 multicast group, ff02::12.</summary>
    public static IPAddress IPv6Group => KeepAlive.Kernel.Wire.Vrrp.VrrpConstants.MulticastGroupV6;

    /// <summary>The interface the socket is bound to.</summary>
    public string InterfaceName { get; }

    /// <summary>That interface's index in the namespace the socket was opened in.</summary>
    public int InterfaceIndex { get; }

    /// <summary><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>.</summary>
    public AddressFamily Family { get; }

    /// <summary>True in multicast mode (the group is joined); false in unicast mode, where datagrams sent to a
    /// multicast address are dropped on receive.</summary>
    public bool JoinedGroup { get; }

    /// <summary>
    /// Opens a VRRP socket on <paramref name="interfaceName"/> in the calling thread's network namespace. Never
    /// throws for kernel failures: a missing interface, a missing privilege (EPERM without CAP_NET_RAW) or a refused
    /// option comes back as the result's error, and no fd is left open.
    /// </summary>
    public static VrrpSocketOpenResult Open(string interfaceName, AddressFamily family, VrrpSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        ArgumentNullException.ThrowIfNull(options);
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return new(null, Errno.Failure(Errno.EAFNOSUPPORT, $"VRRP socket for {family}"));
        var lookup = LinuxInterfaces.TryGetIndex(interfaceName, out int index);
        if (!lookup.IsOk)
            return new(null, lookup);
        int domain = family == AddressFamily.InterNetwork ? LibC.AF_INET : LibC.AF_INET6;
        int fd = LibC.socket(domain, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, VrrpProtocol);
        if (fd < 0)
            return new(null, Errno.LastFailure($"socket({family}, raw, 112) for {interfaceName}"));
        var handle = new FileDescriptorHandle(fd);
        var configured = family == AddressFamily.InterNetwork
            ? ConfigureIPv4(fd, interfaceName, index, options)
            : ConfigureIPv6(fd, interfaceName, index, options);
        if (!configured.IsOk)
        {
            handle.Dispose();
            return new(null, configured with { Message = $"{configured.Message} (interface {interfaceName})" });
        }
        WarmUpSend(family);
        return new(new RawVrrpSocket(handle, interfaceName, index, family, options.JoinMulticastGroup, options.CoalescingWindow), KernelResult.Ok);
    }

    /// <summary>
    /// Runs the send path once on no socket (fd -1: sendmsg answers EBADF and nothing leaves), so a backup's first
    /// advert as the new master does not pay for the first use of that code — Tmds.LibC's P/Invoke stubs and helpers
    /// are compiled on first call. Measured in the lab on a 50-instance sync group taking over: the first two members
    /// spent 0.8 and 1.5 ms between building their first advert and its sendmsg, the next ones 13 µs.
    /// </summary>
    private static void WarmUpSend(AddressFamily family)
    {
        using var none = new RawVrrpSocket(new FileDescriptorHandle(-1), "warm-up", 0, family, joinedGroup: false);
        bool v4 = family == AddressFamily.InterNetwork;
        Span<byte> payload = stackalloc byte[20];
        _ = none.Send(payload, v4 ? IPAddress.Parse("192.0.2.1") : IPAddress.Parse("fe80::1"), v4 ? IPv4Group : IPv6Group);
    }

    /// <summary>Closes the fd; a second call does nothing. Later sends and receives return EBADF. A TryReceive already
    /// waiting on another thread is woken first (shutdown(2) wakes poll and recvmsg on a datagram socket, even an
    /// unconnected one) and returns EBADF; the fd is closed when it has returned.</summary>
    public void Dispose()
    {
        _closing = true;
        _fd.WakeWaiters();
        _fd.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"vrrp-raw {InterfaceName}#{InterfaceIndex} {(Family == AddressFamily.InterNetwork ? "v4" : "v6")}";

    private static KernelResult ConfigureIPv4(int fd, string interfaceName, int index, VrrpSocketOptions options)
    {
        int ip = LibC.IPPROTO_IP;
        var byIndex = default(ip_mreqn);
        byIndex.imr_ifindex = index;
        var steps = new Func<KernelResult>[]
        {
            () => SocketOptions.BindToDevice(fd, interfaceName),
            () => SocketOptions.Set(fd, ip, LibC.IP_TTL, VrrpTtl, "IP_TTL"),
            () => SocketOptions.Set(fd, ip, LibC.IP_MULTICAST_TTL, VrrpTtl, "IP_MULTICAST_TTL"),
            () => SocketOptions.Set(fd, ip, LibC.IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"),
            () => SocketOptions.Set(fd, ip, LibC.IP_MULTICAST_IF, byIndex, "IP_MULTICAST_IF"),
            () => SocketOptions.Set(fd, ip, LibC.IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL"),
            () => SocketOptions.Set(fd, ip, LibC.IP_TOS, TrafficClassCs6, "IP_TOS"),
            () => SocketOptions.Set(fd, ip, LibC.IP_MTU_DISCOVER, LibC.IP_PMTUDISC_DONT, "IP_MTU_DISCOVER"),
            () => SocketOptions.Set(fd, ip, LibC.IP_PKTINFO, 1, "IP_PKTINFO"),
            () => SocketOptions.Set(fd, LibC.SOL_SOCKET, LibC.SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS"),
            () => options.JoinMulticastGroup ? JoinIPv4Group(fd, index) : KernelResult.Ok,
        };
        return RunAll(steps);
    }

    private static unsafe KernelResult JoinIPv4Group(int fd, int index)
    {
        var join = default(ip_mreqn);
        join.imr_ifindex = index;
        SocketAddressBytes.Write(IPv4Group, join.imr_multiaddr.s_addr, 4);
        return SocketOptions.Set(fd, LibC.IPPROTO_IP, LibC.IP_ADD_MEMBERSHIP, join, "IP_ADD_MEMBERSHIP 224.0.0.18");
    }

    private static KernelResult ConfigureIPv6(int fd, string interfaceName, int index, VrrpSocketOptions options)
    {
        int ip6 = LibC.IPPROTO_IPV6;
        var steps = new Func<KernelResult>[]
        {
            () => SocketOptions.BindToDevice(fd, interfaceName),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_UNICAST_HOPS, VrrpTtl, "IPV6_UNICAST_HOPS"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_MULTICAST_HOPS, VrrpTtl, "IPV6_MULTICAST_HOPS"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_MULTICAST_IF, index, "IPV6_MULTICAST_IF"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_TCLASS, TrafficClassCs6, "IPV6_TCLASS"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_CHECKSUM, ChecksumOffset, "IPV6_CHECKSUM"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT"),
            () => SocketOptions.Set(fd, ip6, LibC.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO"),
            () => SocketOptions.Set(fd, LibC.SOL_SOCKET, LibC.SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS"),
            () => options.JoinMulticastGroup ? JoinIPv6Group(fd, index) : KernelResult.Ok,
        };
        return RunAll(steps);
    }

    private static unsafe KernelResult JoinIPv6Group(int fd, int index)
    {
        var join = default(ipv6_mreq);
        join.ipv6mr_interface = (uint)index;
        SocketAddressBytes.Write(IPv6Group, join.ipv6mr_multiaddr.s6_addr, 16);
        return SocketOptions.Set(fd, LibC.IPPROTO_IPV6, LibC.IPV6_ADD_MEMBERSHIP, join, "IPV6_ADD_MEMBERSHIP ff02::12");
    }

    private static KernelResult RunAll(IEnumerable<Func<KernelResult>> steps)
    {
        foreach (var step in steps)
        {
            var result = step();
            if (!result.IsOk)
                return result;
        }
        return KernelResult.Ok;
    }
}

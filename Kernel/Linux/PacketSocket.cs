using System.Buffers.Binary;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// An AF_PACKET socket that sends whole Ethernet frames (gratuitous ARP, unsolicited NA) out of one interface, as
/// keepalived does. Protocol 0: it never receives. Opened in the calling thread's network namespace; the fd is owned
/// by a SafeHandle. Errors are results, never exceptions.
/// </summary>
public sealed class PacketSocket : IDisposable
{
    /// <summary>AF_PACKET (not in Tmds.LibC).</summary>
    public const int AfPacket = 17;

    /// <summary>sizeof(struct sockaddr_ll).</summary>
    private const int SockaddrLlLength = 20;

    private readonly FileDescriptorHandle _fd;

    private PacketSocket(FileDescriptorHandle fd, string interfaceName, int interfaceIndex)
    {
        _fd = fd;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
    }

    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

    /// <summary>Opens a sending packet socket for <paramref name="interfaceName"/>.</summary>
    public static KernelResult Open(string interfaceName, out PacketSocket? socket)
    {
        socket = null;
        var lookup = LinuxInterfaces.TryGetIndex(interfaceName, out int index);
        if (!lookup.IsOk)
            return lookup;
        int fd = LibC.socket(AfPacket, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0)
            return Errno.LastFailure($"socket(AF_PACKET, raw) for {interfaceName}");
        socket = new PacketSocket(new FileDescriptorHandle(fd), interfaceName, index);
        WarmUpSend();
        return KernelResult.Ok;
    }

    /// <summary>Runs the send path once on no socket (fd -1: sendto answers EBADF and nothing leaves), so the first
    /// gratuitous ARP of a takeover does not pay for the first use of that code (P/Invoke stubs compiled on first
    /// call).</summary>
    private static void WarmUpSend()
    {
        using var none = new PacketSocket(new FileDescriptorHandle(-1), "warm-up", 0);
        Span<byte> frame = stackalloc byte[42];
        _ = none.Send(frame);
    }

    /// <summary>Sends <paramref name="frame"/> (destination MAC first) as it is.</summary>
    public unsafe KernelResult Send(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
            return Errno.Failure(Errno.EINVAL, $"a frame of {frame.Length} bytes has no Ethernet header");
        bool added = false;
        try
        {
            if (!_fd.TryAcquire(ref added, out int fd))
                return Errno.Failure(Errno.EBADF, $"send on closed packet socket {InterfaceName}");
            // struct sockaddr_ll { u16 family; be16 protocol; s32 ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; }
            Span<byte> address = stackalloc byte[SockaddrLlLength];
            address.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(address, AfPacket);
            address[2] = frame[12];                                  // protocol = the frame's EtherType (network order)
            address[3] = frame[13];
            BinaryPrimitives.WriteInt32LittleEndian(address[4..], InterfaceIndex);
            address[11] = 6;
            frame[..6].CopyTo(address[12..]);
            fixed (byte* data = frame)
            fixed (byte* to = address)
            {
                while (true)
                {
                    long sent = LibC.sendto(fd, data, frame.Length, 0, (sockaddr*)to, SockaddrLlLength);
                    if (sent == frame.Length)
                        return KernelResult.Ok;
                    if (sent >= 0)
                        return Errno.Failure(Errno.EMSGSIZE, $"sent {sent} of {frame.Length} bytes on {InterfaceName}");
                    var failure = Errno.LastFailure($"send frame on {InterfaceName}");
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

    /// <summary>Closes the fd; a second call does nothing.</summary>
    public void Dispose() => _fd.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"packet {InterfaceName}#{InterfaceIndex}";
}

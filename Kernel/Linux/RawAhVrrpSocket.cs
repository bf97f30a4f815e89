using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// A <see cref="RawAhSocket"/> (IP protocol 51) seen as an <see cref="IVrrpSocket"/> for VRRPv2 "auth_type AH"
/// (<see cref="VrrpSocketSpec.Ah"/>): <see cref="Send"/> takes a whole IPv4 packet (built by
/// <see cref="Wire.Vrrp.VrrpAh.TryBuild"/>, whose header names source and destination) and <see cref="TryReceive"/>
/// gives one, IP header included, with the source, destination and TTL read from that header. A unicast socket
/// ignores multicast packets, as the protocol 112 one does.
/// </summary>
public sealed class RawAhVrrpSocket : IVrrpSocket
{
    private const int IPv4HeaderMin = 20;
    private readonly RawAhSocket _socket;
    private readonly bool _multicast;
    private AddressCache _sources;
    private AddressCache _destinations;

    private RawAhVrrpSocket(RawAhSocket socket, bool multicast)
    {
        _socket = socket;
        _multicast = multicast;
    }

    /// <summary>Opens the AH socket on <paramref name="interfaceName"/> (joining 224.0.0.18 when
    /// <paramref name="multicast"/>).</summary>
    public static KernelResult Open(string interfaceName, bool multicast, out IVrrpSocket? socket)
    {
        socket = null;
        var r = RawAhSocket.Open(interfaceName, multicast, out var raw);
        if (r.IsOk && raw is not null)
            socket = new RawAhVrrpSocket(raw, multicast);
        return r;
    }

    /// <summary>Sends <paramref name="payload"/>, a whole IPv4 packet whose header carries <paramref name="source"/>
    /// and <paramref name="destination"/> (EINVAL otherwise: the header is what the kernel routes by).</summary>
    public KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        Span<byte> want = stackalloc byte[4];
        if (payload.Length < IPv4HeaderMin || payload[0] >> 4 != 4
            || !source.TryWriteBytes(want, out int n) || n != 4 || !payload.Slice(12, 4).SequenceEqual(want)
            || !destination.TryWriteBytes(want, out n) || n != 4 || !payload.Slice(16, 4).SequenceEqual(want))
            return Errno.Failure(Errno.EINVAL, $"an AH advert must be an IPv4 packet from {source} to {destination}");
        return _socket.Send(payload);
    }

    /// <inheritdoc />
    public bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        bool forever = timeout == Timeout.InfiniteTimeSpan;
        long deadline = forever ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(Math.Max(0, timeout.TotalSeconds) * Stopwatch.Frequency);
        while (true)
        {
            var left = forever ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (!_socket.TryReceive(buffer.Span, left, out int length, out error))
                return false;
            var packet = buffer.Span[..length];
            if (length < IPv4HeaderMin || packet[0] >> 4 != 4 || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != length)
            {
                error = Errno.Failure(Errno.EBADMSG, $"not a whole IPv4 packet ({length} bytes) on {this}");
                return false;
            }
            if (!_multicast && packet[16] is >= 224 and <= 239)
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    error = Errno.Failure(Errno.ETIMEDOUT, $"receive AH on {_socket.InterfaceName}: nothing for this socket arrived");
                    return false;
                }
                continue;                                     // unicast mode: a multicast advert is not for us
            }
            var source = _sources.Get(packet.Slice(12, 4), 0);
            var destination = _destinations.Get(packet.Slice(16, 4), 0);
            datagram = new VrrpDatagram(buffer[..length], _socket.InterfaceIndex, source, destination, packet[8]);
            error = KernelResult.Ok;
            return true;
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();

    /// <inheritdoc />
    public override string ToString() => _socket.ToString();
}

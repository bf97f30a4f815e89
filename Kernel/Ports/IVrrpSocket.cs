using System.Net;

namespace KeepAlive.Kernel.Ports;

/// <summary>An advert as it left or reached the wire: the VRRP message bytes (no IP header), the interface, source
/// and destination addresses, and the IPv4 TTL or IPv6 hop limit.</summary>
public readonly record struct VrrpDatagram(ReadOnlyMemory<byte> Payload, int InterfaceIndex, IPAddress Source, IPAddress Destination, int TtlOrHopLimit)
{
    /// <summary>How long before it was read the datagram reached the socket (the kernel's receive timestamp); zero
    /// when the socket cannot tell. Timers that count from an advert's arrival start that much earlier.</summary>
    public TimeSpan Age { get; init; }
}

/// <summary>A raw VRRP (IP protocol 112) socket bound to one interface and family. Sends go out with TTL / hop limit
/// 255; receives report TTL / hop limit, source, destination and interface index. An AH socket
/// (<see cref="VrrpSocketSpec.Ah"/>, IP protocol 51) carries whole IPv4 packets instead of VRRP messages.</summary>
public interface IVrrpSocket : IDisposable
{
    /// <summary>Sends <paramref name="payload"/> (a VRRP message) from <paramref name="source"/> to
    /// <paramref name="destination"/> (the multicast group or a unicast peer).</summary>
    KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination);

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: for ever) for one
    /// datagram; <paramref name="buffer"/> receives the VRRP message. Returns false on timeout or error
    /// (<paramref name="error"/> tells which). <see cref="IDisposable.Dispose"/> on another thread ends a wait at once
    /// (false, EBADF), so a receive thread needs no timeout to notice that its socket was closed.</summary>
    bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error);
}

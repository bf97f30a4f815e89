using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// The send side of one I/O actor's socket, handed to the instances registered with it so an advert leaves from the
/// instance's own turn instead of queueing behind other actors' messages for the I/O actor (at a sync group's takeover
/// the first advert would otherwise wait for every member to have stepped). The I/O actor still owns the socket: it
/// attaches each socket it opens and detaches it before disposing of it; a send meanwhile fails cleanly (a disposed
/// socket answers EBADF, none attached answers ENOTCONN). Sends are thread-safe (the sockets' Send is); the counters
/// are the I/O actor's sent/failed counters.
/// </summary>
public sealed class AdvertChannel
{
    private const int ENOTCONN = 107;
    private IVrrpSocket? _socket;
    private long _sent;
    private long _failures;

    /// <summary>Adverts sent through the channel.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Sends that failed (no socket, or the kernel refused).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The I/O actor opened <paramref name="socket"/>.</summary>
    public void Attach(IVrrpSocket socket) => Volatile.Write(ref _socket, socket);

    /// <summary>The I/O actor is about to dispose of <paramref name="socket"/> (a newer one stays attached).</summary>
    public void Detach(IVrrpSocket socket) => Interlocked.CompareExchange(ref _socket, null, socket);

    /// <summary>Sends one advert (a VRRP message, or an AH instance's whole IPv4 packet).</summary>
    public KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        var socket = Volatile.Read(ref _socket);
        var r = socket is null ? KernelResult.Fail(ENOTCONN, "the VRRP socket is not open") : socket.Send(payload, source, destination);
        if (r.IsOk)
            Interlocked.Increment(ref _sent);
        else
            Interlocked.Increment(ref _failures);
        return r;
    }
}

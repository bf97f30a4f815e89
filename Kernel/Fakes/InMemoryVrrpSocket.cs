using System.Collections.Concurrent;
using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>A node's VRRP socket on an <see cref="InMemoryVrrpNetwork"/>. Datagrams can be pulled with
/// <see cref="TryReceive"/> (as from a real socket) or pushed through <see cref="Received"/> when a handler is set.</summary>
public sealed class InMemoryVrrpSocket : IVrrpSocket
{
    private readonly InMemoryVrrpNetwork _network;
    private readonly BlockingCollection<VrrpDatagram> _inbox = new();
    private volatile bool _disposed;

    internal InMemoryVrrpSocket(InMemoryVrrpNetwork network, string segment, int interfaceIndex, IPAddress address, bool ah)
    {
        Ah = ah;
        _network = network;
        Segment = segment;
        InterfaceIndex = interfaceIndex;
        Address = address;
    }

    public string Segment { get; }

    public int InterfaceIndex { get; }

    public IPAddress Address { get; }

    /// <summary>An IP protocol 51 (AH) socket: its datagrams are whole IPv4 packets.</summary>
    public bool Ah { get; }

    /// <summary>When set, arriving datagrams go to this handler instead of the receive queue.</summary>
    public Action<VrrpDatagram>? Received { get; set; }

    public KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        if (_disposed)
            return KernelResult.Fail(9, "socket closed");
        return _network.Send(this, payload, source, destination);
    }

    public bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        error = KernelResult.Ok;
        if (_disposed)
        {
            error = KernelResult.Fail(9, "socket closed");
            return false;
        }
        try
        {
            if (!_inbox.TryTake(out var received, timeout))
            {
                error = KernelResult.Fail(11, "timed out");
                return false;
            }
            int n = Math.Min(buffer.Length, received.Payload.Length);
            received.Payload.Span[..n].CopyTo(buffer.Span);
            datagram = received with { Payload = buffer[..n] };
            return true;
        }
        catch (ObjectDisposedException)
        {
            error = KernelResult.Fail(9, "socket closed");
            return false;
        }
    }

    internal void Deliver(VrrpDatagram datagram)
    {
        if (_disposed)
            return;
        if (Received is { } handler)
        {
            handler(datagram);
            return;
        }
        try
        {
            _inbox.Add(datagram);
        }
        catch (InvalidOperationException)
        {
            // Disposed meanwhile: the datagram is dropped, as by a closed socket.
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _network.Detach(this);
        _inbox.CompleteAdding();
    }
}

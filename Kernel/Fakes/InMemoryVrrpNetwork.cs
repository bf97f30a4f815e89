using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// Several VRRP nodes in one process: sockets attached to named segments (a LAN each) exchange adverts as the
/// kernel would deliver them — multicast to every other socket of the segment and family, unicast to the socket
/// holding the destination address — with knobs for loss, delay, jitter (which reorders), duplication, TTL on
/// arrival and partitions between addresses. Time comes from a <see cref="TimeProvider"/>, so a test can run it in
/// virtual time; randomness from a seed, so a run repeats. Thread-safe.
/// </summary>
public sealed class InMemoryVrrpNetwork
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly List<InMemoryVrrpSocket> _sockets = new();
    private readonly HashSet<(IPAddress, IPAddress)> _partitions = new();
    private readonly List<VrrpDatagram> _log = new();

    public InMemoryVrrpNetwork(TimeProvider? time = null, int seed = 1)
    {
        _time = time ?? TimeProvider.System;
        _random = new Random(seed);
    }

    /// <summary>Probability (0..1) that a copy is lost.</summary>
    public double LossRate { get; set; }

    /// <summary>Probability (0..1) that a copy arrives twice.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Time every copy spends on the wire.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Extra random delay in [0, Jitter): copies sent close together may arrive out of order.</summary>
    public TimeSpan Jitter { get; set; }

    /// <summary>TTL / hop limit the receiver sees (255 on one LAN; lower simulates a router in between).</summary>
    public int TtlOnArrival { get; set; } = 255;

    /// <summary>Every datagram sent, in order (the sender's view).</summary>
    public IReadOnlyList<VrrpDatagram> Sent
    {
        get
        {
            lock (_gate)
                return _log.ToList();
        }
    }

    /// <summary>A socket of the node <paramref name="address"/> on <paramref name="segment"/>; with
    /// <paramref name="ah"/> an IP protocol 51 one (VRRPv2 auth_type AH: whole IPv4 packets), which exchanges
    /// datagrams only with other AH sockets, as the kernel delivers each protocol to its own raw sockets.</summary>
    public InMemoryVrrpSocket Attach(string segment, int interfaceIndex, IPAddress address, bool ah = false)
    {
        var socket = new InMemoryVrrpSocket(this, segment, interfaceIndex, address, ah);
        lock (_gate)
            _sockets.Add(socket);
        return socket;
    }

    /// <summary>Nothing passes between <paramref name="a"/> and <paramref name="b"/> (both directions) until <see cref="Heal"/>.</summary>
    public void Partition(IPAddress a, IPAddress b)
    {
        lock (_gate)
        {
            _partitions.Add((a, b));
            _partitions.Add((b, a));
        }
    }

    /// <summary>Removes every partition.</summary>
    public void Heal()
    {
        lock (_gate)
            _partitions.Clear();
    }

    internal void Detach(InMemoryVrrpSocket socket)
    {
        lock (_gate)
            _sockets.Remove(socket);
    }

    internal KernelResult Send(InMemoryVrrpSocket from, ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        var bytes = payload.ToArray();
        var deliveries = new List<(InMemoryVrrpSocket To, TimeSpan After)>();
        lock (_gate)
        {
            _log.Add(new VrrpDatagram(bytes, from.InterfaceIndex, source, destination, 255));
            bool multicast = destination.IsIPv6Multicast || (destination.AddressFamily == AddressFamily.InterNetwork && (destination.GetAddressBytes()[0] & 0xf0) == 0xe0);
            foreach (var to in _sockets)
            {
                if (to == from || to.Segment != from.Segment || to.Ah != from.Ah || to.Address.AddressFamily != source.AddressFamily)
                    continue;
                if (!multicast && !to.Address.Equals(destination))
                    continue;
                if (_partitions.Contains((source, to.Address)))
                    continue;
                int copies = _random.NextDouble() < DuplicateRate ? 2 : 1;
                for (int i = 0; i < copies; i++)
                {
                    if (_random.NextDouble() < LossRate)
                        continue;
                    var jitter = Jitter > TimeSpan.Zero ? TimeSpan.FromTicks((long)(_random.NextDouble() * Jitter.Ticks)) : TimeSpan.Zero;
                    deliveries.Add((to, Delay + jitter));
                }
            }
        }
        foreach (var (to, after) in deliveries)
        {
            var datagram = new VrrpDatagram(bytes, to.InterfaceIndex, source, destination, TtlOnArrival);
            if (after <= TimeSpan.Zero)
                to.Deliver(datagram);
            else
                Schedule(to, datagram, after);
        }
        return KernelResult.Ok;
    }

    private void Schedule(InMemoryVrrpSocket to, VrrpDatagram datagram, TimeSpan after)
    {
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            to.Deliver(datagram);
            timer?.Dispose();
        }, null, after, Timeout.InfiniteTimeSpan);
    }
}

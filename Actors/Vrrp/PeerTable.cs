using System.Collections.Immutable;
using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// The last advert of each router heard, at most <see cref="Capacity"/> routers: when a new one arrives with the
/// table full, the one heard least recently is forgotten (a flood of spoofed sources cannot grow it). A router
/// already known is updated in place, so the steady state (the same master advertising every interval) allocates
/// nothing; only a new router costs its address. Single-threaded (the instance actor's).
/// </summary>
public sealed class PeerTable(int capacity)
{
    private readonly Slot[] _slots = new Slot[capacity];
    private int _count;

    /// <summary>The most routers remembered.</summary>
    public int Capacity => _slots.Length;

    /// <summary>How many routers are remembered.</summary>
    public int Count => _count;

    /// <summary>Notes an advert from <paramref name="source"/> (4 or 16 bytes) and returns that router's address
    /// (the same instance as long as it stays in the table).</summary>
    public IPAddress Heard(ReadOnlySpan<byte> source, int priority, int intervalCentiseconds, VrrpChecksumFlavour checksum,
        int ttlOrHopLimit, DateTimeOffset wall, long nowMicros)
    {
        var slot = Find(source) ?? Admit(source);
        slot.Priority = priority;
        slot.IntervalCentiseconds = intervalCentiseconds;
        slot.Checksum = checksum;
        slot.TtlOrHopLimit = ttlOrHopLimit;
        slot.At = wall;
        slot.AtMonotonicMicros = nowMicros;
        return slot.Address;
    }

    /// <summary>The last advert of each router, newest first (ties by address).</summary>
    public ImmutableArray<PeerAdvert> Snapshot() =>
    [
        .. _slots.Take(_count)
            .Select(s => new PeerAdvert(s.Address, s.Priority, s.IntervalCentiseconds, s.Checksum, s.TtlOrHopLimit, s.At, s.AtMonotonicMicros))
            .OrderByDescending(p => p.AtMonotonicMicros).ThenBy(p => p.Address.ToString(), StringComparer.Ordinal),
    ];

    private Slot? Find(ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < _count; i++)
        {
            if (source.SequenceEqual(_slots[i].Source))
                return _slots[i];
        }
        return null;
    }

    /// <summary>A slot for a router not in the table: a free one, or the least recently heard one's.</summary>
    private Slot Admit(ReadOnlySpan<byte> source)
    {
        var slot = new Slot(source.ToArray());
        if (_count < _slots.Length)
        {
            _slots[_count++] = slot;
            return slot;
        }
        int oldest = 0;
        for (int i = 1; i < _count; i++)
        {
            if (_slots[i].AtMonotonicMicros < _slots[oldest].AtMonotonicMicros)
                oldest = i;
        }
        _slots[oldest] = slot;
        return slot;
    }

    /// <summary>One router's last advert, updated in place.</summary>
    private sealed class Slot(byte[] source)
    {
        public readonly byte[] Source = source;
        public readonly IPAddress Address = new(source);
        public int Priority;
        public int IntervalCentiseconds;
        public VrrpChecksumFlavour Checksum;
        public int TtlOrHopLimit;
        public DateTimeOffset At;
        public long AtMonotonicMicros;
    }
}

using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// The receive side's shortcut into one instance for the advert a backup hears again and again: its master's, every
/// interval, the same each time. Handling it again in the same state only pushes the master-down deadline later
/// (<see cref="VrrpMachine.RepeatsHarmlessly"/>), so the receive thread need not wake the instance for it: it notes
/// the arrival here, and the instance takes what was noted before its next message (the master-down tick included)
/// as the one advert it stands for, counted as many times as it came. keepalived's backup likewise only moves a timer
/// per advert; ours no longer sends an Akka message per advert to do that (two mailbox runs on the receive thread).
/// <para>The instance <see cref="Publish"/>es the advert it just handled when a repeat would be harmless, and
/// <see cref="Revoke"/>s it before any other step of its machine, so nothing is absorbed across a change of state,
/// priority, settings or preemption window. An advert that differs in anything the instance looks at (source,
/// priority, interval, checksum flavour, TTL, AH) is not absorbed and goes the usual way. Thread-safe: the receive
/// thread absorbs, the instance publishes, revokes and drains; each under one uncontended lock.</para>
/// <para>The timer thread asks it too (<see cref="TryDefer"/>): when the master-down tick comes due while repeats were
/// absorbed, the deadline they moved is later, and the tick waits for it instead of waking the instance — as the
/// instance would have re-armed it. The inbox records that deferral; <see cref="Revoke"/> hands it to the instance, whose
/// idea of when its tick comes (<see cref="LazyDeadline.Deferred"/>) must never be earlier than the truth, or an
/// earlier deadline (priority 0 heard: Skew_Time) would wait for the later tick.</para>
/// </summary>
public sealed class AdvertInbox(Func<long> clock)
{
    private readonly object _gate = new();
    private AdvertIn? _steady;
    private AdvertIn? _published;
    private AdvertIn? _pending;
    private long _absorbed;
    private long _lastArrival;
    private long _downMicros;
    private object? _deferredTick;
    private long _deferredTo;

    /// <summary>True while an advert is published (repeats of it are absorbed). Read without the lock: the receive
    /// thread's hint before it decodes a datagram; <see cref="TryAbsorb"/> decides under the lock.</summary>
    public bool Open => Volatile.Read(ref _steady) is not null;

    /// <summary>Repeats of <paramref name="advert"/> (just handled, in a state where a repeat is harmless) are absorbed
    /// from now on. <paramref name="masterDownMicros"/>: the master-down delay handling it armed, from its arrival (0:
    /// none, so no tick is ever deferred).</summary>
    public void Publish(AdvertIn advert, long masterDownMicros)
    {
        if (advert.AhSequence is not null)
            return;                                       // AH adverts carry a sequence number: never the same
        lock (_gate)
        {
            // The drained advert is the one published before (the usual case: one per master-down tick): no copy.
            if (!ReferenceEquals(advert, _published))
                _published = advert with { Age = TimeSpan.Zero };
            _steady = _published;
            _downMicros = Math.Max(0, masterDownMicros);
        }
    }

    /// <summary>Nothing is absorbed any more (what was absorbed stays until drained) and no tick is deferred any more.
    /// Returns the last deferral since the previous call: the tick it moved (as given to <see cref="TryDefer"/>) and
    /// the clock time it now comes at; (null, 0) when none.</summary>
    public (object? Tick, long ComesAtMicros) Revoke()
    {
        lock (_gate)
        {
            _steady = null;
            var deferral = (_deferredTick, _deferredTo);
            _deferredTick = null;
            _deferredTo = 0;
            return deferral;
        }
    }

    /// <summary>The timer thread's question when master-down <paramref name="tick"/> (scheduled
    /// <paramref name="leadMicros"/> before its deadline) comes due: did absorbed repeats move the deadline so far that
    /// the tick should wait? True with the wait (the deadline of the last repeat less the lead, from now), recorded for
    /// <see cref="Revoke"/>; false when nothing was absorbed since the instance last drained, nothing is published, or
    /// the deadline is within the lead (the instance takes the tick).</summary>
    public bool TryDefer(object tick, long leadMicros, out long waitMicros)
    {
        waitMicros = 0;
        lock (_gate)
        {
            if (_steady is null || _absorbed == 0 || _downMicros == 0)
                return false;
            long now = clock();
            long comesAt = _lastArrival + _downMicros - Math.Max(0, leadMicros);
            if (comesAt - now <= LazyDeadline.DueSlackMicros)
                return false;
            _deferredTick = tick;
            _deferredTo = comesAt;
            waitMicros = comesAt - now;
            return true;
        }
    }

    /// <summary>Forgets everything (a new incarnation of the instance starts).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _steady = null;
            _published = null;
            _pending = null;
            _absorbed = 0;
            _downMicros = 0;
            _deferredTick = null;
            _deferredTo = 0;
        }
    }

    /// <summary>The receive thread's offer: a valid advert (the codec and the instance checks passed) that reached the
    /// socket <paramref name="age"/> ago. True: it repeats the published advert and was noted (with its arrival, dated
    /// back by at most <paramref name="backdateLimit"/>); false: the instance must be told.</summary>
    public bool TryAbsorb(in VrrpAdvert advert, IPAddress source, VrrpChecksumFlavour checksum, int ttlOrHopLimit, TimeSpan age, TimeSpan backdateLimit)
    {
        // The address bytes, as the instance knows its peers: an IPv6 link-local source carries the interface's scope
        // id, which IPAddress.Equals would compare too.
        Span<byte> from = stackalloc byte[16];
        if (!source.TryWriteBytes(from, out int length))
            return false;
        from = from[..length];
        lock (_gate)
        {
            if (_steady is not { } steady || steady.Priority != advert.Priority || steady.IntervalCentiseconds != advert.IntervalCentiseconds
                || steady.ChecksumFlavour != checksum || steady.TtlOrHopLimit != ttlOrHopLimit || !from.SequenceEqual(steady.Source))
                return false;
            long back = Math.Clamp(age.Ticks, 0, backdateLimit.Ticks) / TimeSpan.TicksPerMicrosecond;
            _lastArrival = clock() - back;
            _pending = steady;
            _absorbed++;
            return true;
        }
    }

    /// <summary>Takes what was absorbed: the advert, the arrival of its last repeat and how many repeats came.</summary>
    public bool TryDrain(out AdvertIn advert, out long lastArrivalMicros, out long count)
    {
        lock (_gate)
        {
            advert = _pending!;
            lastArrivalMicros = _lastArrival;
            count = _absorbed;
            if (count == 0)
                return false;
            _pending = null;
            _absorbed = 0;
            return true;
        }
    }
}

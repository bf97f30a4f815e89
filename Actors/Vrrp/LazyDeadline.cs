namespace KeepAlive.Actors.Vrrp;

/// <summary>What to do when a lazily armed timer's scheduled tick arrives.</summary>
public enum LazyTickOutcome
{
    /// <summary>The deadline is due: hand the tick (with <see cref="LazyDeadline.Generation"/>) to the machine.</summary>
    Due,

    /// <summary>The deadline moved later since the tick was scheduled: schedule again for <see cref="LazyDeadline.Remaining"/>.</summary>
    Rearm,

    /// <summary>Nothing is wanted any more (cancelled): drop the tick.</summary>
    Drop,
}

/// <summary>
/// A timer that is pushed back far more often than it fires — the master-down timer, re-armed by every advert a
/// backup hears (3.6 adverts per Master_Down_Interval at priority 100) — armed lazily: pushing the deadline later
/// only records it; the tick already scheduled (for the earlier deadline) comes, sees the deadline moved and is
/// scheduled again for the rest. A deadline moved earlier (priority 0 heard: Skew_Time) is scheduled at once. So a
/// backup schedules about one tick per Master_Down_Interval instead of one per advert, and the tick for the real
/// expiry is scheduled for the exact deadline, as precise as before.
/// <para>With a lead, every tick is scheduled that much before its deadline, and a tick that arrives within the lead
/// is due <see cref="DueIn"/> later: the caller waits that out on the CPU. A sleeping thread wakes 0.1–1 ms after its
/// timer on the lab's virtual machine (the lateness metric; keepalived's own adverts drift by 0.28 ms per interval
/// there), which a takeover would add to the master-down interval; the wait costs one short spin per expiry — once per
/// takeover, never per advert. Pure: times are microseconds of a monotonic clock passed in.</para>
/// </summary>
public sealed class LazyDeadline(long leadMicros = 0)
{
    /// <summary>A tick arriving this close before the deadline counts as due (less than a scheduler's resolution).</summary>
    public const long DueSlackMicros = 20;

    private readonly long _lead = Math.Max(0, leadMicros);
    private long? _wanted;
    private long _scheduledFor = long.MaxValue;

    /// <summary>The machine's generation of the armed timer (the tick carries it).</summary>
    public long Generation { get; private set; }

    /// <summary>After <see cref="Arm"/> returned true or <see cref="Fired"/> returned <see cref="LazyTickOutcome.Rearm"/>:
    /// the delay to schedule the tick with (the lead before the deadline).</summary>
    public long Remaining { get; private set; }

    /// <summary>After <see cref="LazyTickOutcome.Due"/>: how long before the deadline the tick came (0 when on time or
    /// late, or within <see cref="DueSlackMicros"/>; at most the lead plus that slack).</summary>
    public long DueIn { get; private set; }

    /// <summary>True while a tick is scheduled (it may come early and be re-armed, or be dropped).</summary>
    public bool TickPending => _scheduledFor != long.MaxValue;

    /// <summary>Arms the timer for <paramref name="now"/> + <paramref name="delayMicros"/>. Returns true when a tick
    /// must be scheduled now for <see cref="Remaining"/> (none pending, or the pending one is too late).
    /// <paramref name="current"/> is the clock at the call when <paramref name="now"/> is earlier (an advert's arrival,
    /// read later): the deadline counts from <paramref name="now"/>, the delay to schedule from
    /// <paramref name="current"/>.</summary>
    public bool Arm(long now, long delayMicros, long generation, long? current = null)
    {
        long due = now + Math.Max(0, delayMicros);
        long at = Math.Max(now, current ?? now);
        long tickAt = Math.Max(at, due - _lead);
        _wanted = due;
        Generation = generation;
        if (_scheduledFor <= tickAt)
            return false;
        _scheduledFor = tickAt;
        Remaining = tickAt - at;
        return true;
    }

    /// <summary>Nothing is wanted any more; the caller cancels the scheduled tick (or lets <see cref="Fired"/> drop it).</summary>
    public void Cancel()
    {
        _wanted = null;
        _scheduledFor = long.MaxValue;
    }

    /// <summary>The pending tick was moved to <paramref name="comesAt"/> by someone else (the timer thread, for adverts
    /// the instance has not seen yet: <see cref="AdvertInbox.TryDefer"/>). Only a later time counts; with no tick
    /// pending there is nothing to move. Afterwards <see cref="Arm"/> schedules a new tick for any deadline the moved
    /// one would be late for.</summary>
    public void Deferred(long comesAt)
    {
        if (_scheduledFor != long.MaxValue && comesAt > _scheduledFor)
            _scheduledFor = comesAt;
    }

    /// <summary>The scheduled tick arrived at <paramref name="now"/>.</summary>
    public LazyTickOutcome Fired(long now)
    {
        _scheduledFor = long.MaxValue;
        if (_wanted is not { } wanted)
            return LazyTickOutcome.Drop;
        long left = wanted - now;
        if (left > _lead + DueSlackMicros)
        {
            _scheduledFor = wanted - _lead;
            Remaining = _scheduledFor - now;
            return LazyTickOutcome.Rearm;
        }
        _wanted = null;
        DueIn = left > DueSlackMicros ? left : 0;
        return LazyTickOutcome.Due;
    }
}

using Akka.Dispatch;

namespace KeepAlive.Actors.Timing;

/// <summary>
/// Scheduled work whose moment may have moved later while it waited — the master-down tick of a backup whose master's
/// adverts the receive thread absorbed (<see cref="KeepAlive.Actors.Vrrp.AdvertInbox"/>). When the entry comes due,
/// <see cref="PreciseScheduler"/> asks it first and, given a positive delay, waits that much longer instead of running
/// it: no message, no mailbox run, one heap operation. Other schedulers (Akka's, the TestKit's) simply run it, which is
/// always correct: the receiver then finds out for itself that it is early.
/// </summary>
public interface IDeferrableWork : IRunnable
{
    /// <summary>Called on the timer thread when the entry is due and not cancelled, before <see cref="IRunnable.Run"/>,
    /// and possibly earlier (up to <see cref="PreciseScheduler.EarlyAskWindow"/> before it is due, when the thread is
    /// awake anyway). A positive result: wait that long from now — never less than until the entry's own deadline — and
    /// ask again. Zero or negative: run now if due, else at the deadline as scheduled. Must be short and must not block;
    /// an exception counts as zero.</summary>
    TimeSpan DeferBy();
}

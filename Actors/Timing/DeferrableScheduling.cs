using Akka.Actor;

namespace KeepAlive.Actors.Timing;

/// <summary>Scheduling <see cref="IDeferrableWork"/> on whatever scheduler the actor system runs.</summary>
public static class DeferrableScheduling
{
    /// <summary>Runs <paramref name="work"/> once after <paramref name="delay"/> unless <paramref name="cancelable"/> is
    /// cancelled first. On the <see cref="PreciseScheduler"/> the work may wait longer when due
    /// (<see cref="IDeferrableWork.DeferBy"/>); any other scheduler (Akka's, the TestKit's virtual clock, which has no
    /// IRunnable overloads) just runs it at the delay.</summary>
    public static void ScheduleDeferrable(this IScheduler scheduler, TimeSpan delay, IDeferrableWork work, ICancelable cancelable)
    {
        if (scheduler is PreciseScheduler precise)
            ((IRunnableScheduler)precise).ScheduleOnce(delay, work, cancelable);
        else
            scheduler.Advanced.ScheduleOnce(delay, work.Run, cancelable);
    }
}

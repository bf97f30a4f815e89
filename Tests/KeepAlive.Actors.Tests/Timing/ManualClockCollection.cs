using KeepAlive.Actors.Timing;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>Specs whose ActorSystem runs PreciseScheduler on a <see cref="ManualDeadlineWaiter"/>. The waiter is handed
/// over through the process-wide PreciseSchedulerSetup, so these specs do not run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManualClockCollection
{
    public const string Name = "manual clock";

    /// <summary>The next ActorSystem's PreciseScheduler uses the default (real) waiter.</summary>
    public static string Real()
    {
        PreciseSchedulerSetup.WaiterFactory = null;
        return PreciseSchedulerSetup.AkkaConfig;
    }

    /// <summary>Makes the next ActorSystem's PreciseScheduler use <paramref name="clock"/>; returns its Akka config.</summary>
    public static string Install(ManualDeadlineWaiter clock)
    {
        PreciseSchedulerSetup.WaiterFactory = () => clock;
        return PreciseSchedulerSetup.AkkaConfig + "\n" + PreciseSchedulerSetup.VrrpDispatcherConfig + "\n" + PreciseSchedulerSetup.EffectorDispatcherConfig;
    }
}

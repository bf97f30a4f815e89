using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>Shared pieces of the tracker specs: virtual time, and a parent that restarts its child when the child is
/// sent <see cref="Kill"/> (Akka's default stops it), so a spec can restart a tracker on demand.</summary>
internal static class TrackerSpecKit
{
    public static readonly Akka.Configuration.Config VirtualTime = ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"");

    /// <summary>How long a spec waits for something that should happen (real time: actors run on real threads).</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>How long a spec listens for something that should not happen.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>Virtual time as a monotonic clock.</summary>
    public static Func<TimeSpan> ClockOf(TestScheduler scheduler) => () => TimeSpan.FromTicks(scheduler.Now.UtcTicks);

    /// <summary>Starts <paramref name="child"/> under a parent that restarts it on any failure, <see cref="Kill"/> included;
    /// the child is named <c>tracker</c>. Returns the child.</summary>
    public static IActorRef StartRestartable(ActorSystem system, Props child, string parentName) =>
        Restartable.Start(system, child, parentName, "tracker");
}

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
    public static IActorRef StartRestartable(ActorSystem system, Props child, string parentName)
    {
        var parent = system.ActorOf(Props.Create(() => new RestartingParent(child)), parentName);
        return parent.Ask<IActorRef>(RestartingParent.GetChild.Instance, Wait).GetAwaiter().GetResult();
    }

    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props child)
        {
            var tracker = Context.ActorOf(child, "tracker");
            Receive<GetChild>(_ => Sender.Tell(tracker));
        }

        public sealed record GetChild
        {
            public static GetChild Instance { get; } = new();
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
    }
}

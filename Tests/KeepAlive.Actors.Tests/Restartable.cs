using Akka.Actor;

namespace KeepAlive.Actors.Tests;

/// <summary>Starts an actor under a parent that restarts it on any failure, <see cref="Kill"/> included (as the node
/// root does), for specs of what survives a restart.</summary>
public static class Restartable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="child"/> as <paramref name="childName"/> under a restarting parent named
    /// <paramref name="parentName"/>; returns the child.</summary>
    public static IActorRef Start(ActorSystem system, Props child, string parentName, string childName)
    {
        var parent = system.ActorOf(Props.Create(() => new RestartingParent(child, childName)), parentName);
        return parent.Ask<IActorRef>(RestartingParent.GetChild.Instance, Wait).GetAwaiter().GetResult();
    }

    private sealed class RestartingParent : ReceiveActor
    {
        public RestartingParent(Props child, string name)
        {
            var started = Context.ActorOf(child, name);
            Receive<GetChild>(_ => Sender.Tell(started));
        }

        public sealed record GetChild
        {
            public static GetChild Instance { get; } = new();
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);
    }
}

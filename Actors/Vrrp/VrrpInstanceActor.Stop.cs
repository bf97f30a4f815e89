using Akka.Actor;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// Stopping (<see cref="StopInstance"/>: SIGTERM, SIGINT, the node's stop): the priority-0 advert leaves at once, and
/// what follows it — releasing the addresses, the transition's log lines, notifications and the report to the sync
/// group — on the instance's next turn. A node's stop tells every instance at once, so the members of a sync group all
/// send priority 0 before any of them releases addresses: each release wakes every address listener on the host
/// (in the lab: two `ip monitor` readers and a poller) and the effector, which then competed with the VRRP threads
/// still sending priority 0 — 50 members' priority-0 adverts left over 0.8–5.6 ms. The answer waits for the second
/// half, so whoever waits for it (the node's stop) goes on only once the release is with the effector.
/// </summary>
public sealed partial class VrrpInstanceActor
{
    /// <summary>Who waits for <see cref="InstanceStopped"/> while the second half of a stop is pending (null: none is).</summary>
    private List<IActorRef>? _stopWaiters;

    private sealed record FinishStop(IReadOnlyList<VrrpEffect> Effects);

    private void ReceiveStop()
    {
        Receive<StopInstance>(_ => OnStop(Sender));
        Receive<FinishStop>(finish =>
        {
            foreach (var effect in finish.Effects)
                Perform(effect);
            var waiters = _stopWaiters ?? [];
            _stopWaiters = null;
            foreach (var waiter in waiters)
                waiter.Tell(new InstanceStopped(_setup.Name));
        });
    }

    private void OnStop(IActorRef replyTo)
    {
        if (_stopWaiters is { } waiting)
        {
            waiting.Add(replyTo);                                  // a second stop (the node's, after the signal's)
            return;
        }
        var effects = Stepped(new VrrpInput.Shutdown(_clock()));
        int split = 0;
        while (split < effects.Count && effects[split] is not VrrpEffect.SendAdvert)
            split++;
        if (split >= effects.Count - 1)
        {
            // No advert, or nothing after it: all at once.
            foreach (var effect in effects)
                Perform(effect);
            replyTo.Tell(new InstanceStopped(_setup.Name));
            return;
        }
        for (int i = 0; i <= split; i++)
            Perform(effects[i]);
        var rest = new List<VrrpEffect>(effects.Count - split - 1);
        for (int i = split + 1; i < effects.Count; i++)
            rest.Add(effects[i]);
        _stopWaiters = [replyTo];
        Self.Tell(new FinishStop(rest));
    }
}

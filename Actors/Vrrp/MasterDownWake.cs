using Akka.Actor;
using KeepAlive.Actors.Timing;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// A backup's scheduled master-down tick. Due, it first asks the instance's <see cref="AdvertInbox"/> whether adverts
/// absorbed since the instance last ran moved the deadline (<see cref="AdvertInbox.TryDefer"/>); if so it waits for the
/// new deadline on the timer thread, without waking the instance — exactly the re-arm the instance would have made
/// (<see cref="LazyTickOutcome.Rearm"/>). Otherwise it tells the instance <see cref="Tick"/>, which the instance
/// recognises by reference (a tick of a cancelled or replaced wake is ignored).
/// </summary>
internal sealed class MasterDownWake(IActorRef instance, object tick, AdvertInbox inbox, long leadMicros) : IDeferrableWork
{
    /// <summary>The message this wake delivers (its identity marks the wake).</summary>
    public object Tick { get; } = tick;

    /// <inheritdoc />
    public TimeSpan DeferBy() =>
        inbox.TryDefer(Tick, leadMicros, out long waitMicros) ? TimeSpan.FromTicks(waitMicros * TimeSpan.TicksPerMicrosecond) : TimeSpan.Zero;

    /// <inheritdoc />
    public void Run() => instance.Tell(Tick, instance);

    /// <inheritdoc />
    public void Execute() => Run();

    public override string ToString() => $"master-down tick of {instance.Path.Name}";
}

using Akka.Actor;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// A MASTER's advert timer, scheduled to repeat every advert interval at a fixed rate. Each time it first lets the
/// <see cref="AdvertPacer"/> send the published advert; when none is published it tells the instance its
/// <see cref="Tick"/> once and stops repeating — the instance's machine then sends the advert and restarts the timer,
/// exactly as with a one-shot timer. The instance recognises the tick by reference (a cancelled or replaced wake's
/// tick is ignored).
/// </summary>
public sealed class AdvertWake(IActorRef instance, object tick, AdvertPacer pacer, ICancelable cancelable)
{
    private int _told;

    /// <summary>The message this wake delivers (its identity marks the wake).</summary>
    public object Tick { get; } = tick;

    /// <summary>Stops the repetition.</summary>
    public ICancelable Cancelable { get; } = cancelable;

    /// <summary>One due advert interval. Never throws: a repeating entry whose work throws is not repeated, and the
    /// instance would fall silent — a pacer that fails hands the advert to the instance instead.</summary>
    public void Due()
    {
        if (Volatile.Read(ref _told) != 0 || TrySend())
            return;
        if (Interlocked.Exchange(ref _told, 1) != 0)
            return;
        Cancelable.Cancel();
        instance.Tell(Tick, instance);
    }

    private bool TrySend()
    {
        try
        {
            return pacer.TrySend();
        }
        catch (Exception)
        {
            pacer.Revoke();
            return false;
        }
    }

    public override string ToString() => $"advert timer of {instance.Path.Name}";
}

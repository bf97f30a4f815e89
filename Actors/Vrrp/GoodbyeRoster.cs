namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// The node's MASTERs' priority-0 adverts, ready before the stop. On SIGTERM each instance used to send its priority 0
/// as it resigned, one after another: 11 µs apart in the lab, 0.7 ms from the first to the 50th. A backup sync group
/// takes over only when its last member's skew timer runs out, so that whole spread added to the handover. Now each
/// steady MASTER's <see cref="AdvertPacer"/> holds its priority-0 advert beside the periodic one, and
/// <see cref="SayGoodbye"/> sends every one of them at once, before the instances hear of the stop
/// (<see cref="AdvertPacer.TrySayGoodbye"/>); an instance that was not steady at that moment resigns as before.
/// Thread-safe.
/// </summary>
public sealed class GoodbyeRoster
{
    private readonly Lock _gate = new();
    private readonly HashSet<AdvertPacer> _pacers = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many instances are on the roster.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _pacers.Count;
        }
    }

    /// <summary>An instance started: its pacer is on the roster until <see cref="Remove"/>.</summary>
    public void Add(AdvertPacer pacer)
    {
        ArgumentNullException.ThrowIfNull(pacer);
        lock (_gate)
            _pacers.Add(pacer);
    }

    public void Remove(AdvertPacer pacer)
    {
        ArgumentNullException.ThrowIfNull(pacer);
        lock (_gate)
            _pacers.Remove(pacer);
    }

    /// <summary>Sends the priority-0 advert of every instance that is a steady MASTER now; returns how many did. Never
    /// throws (it runs on the signal's thread): a pacer that fails leaves its priority 0 to its instance.</summary>
    public int SayGoodbye()
    {
        AdvertPacer[] pacers;
        lock (_gate)
            pacers = [.. _pacers];
        int said = 0;
        foreach (var pacer in pacers)
        {
            try
            {
                if (pacer.TrySayGoodbye())
                    said++;
            }
            catch (Exception)
            {
                // Not said: the instance resigns and sends its own.
            }
        }
        return said;
    }
}

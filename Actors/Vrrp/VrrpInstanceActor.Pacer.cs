using System.Net;
using Akka.Actor;

namespace KeepAlive.Actors.Vrrp;

/// <summary>A MASTER's steady adverts leave from the timer thread (<see cref="AdvertPacer"/>, <see cref="AdvertWake"/>).</summary>
public sealed partial class VrrpInstanceActor
{
    private readonly AdvertPacer _pacer = new();
    private AdvertWake? _advertWake;
    private (int Priority, VrrpInstanceSetup Setup, AdvertChannel Channel, AdvertPacer.Frame[] Frames, AdvertPacer.Frame[]? Goodbye)? _pacerFrames;

    /// <summary>True while the instance resigns after the node's stop sent its priority 0 (<see cref="GoodbyeRoster"/>).</summary>
    private bool _goodbyeOnWire;

    /// <summary>The advert timer: repeating every advert interval at a fixed rate, sending through the pacer while an
    /// advert is published, else telling this instance once (then it is a one-shot timer like any other).</summary>
    private void ScheduleAdvert(VrrpEffect.StartTimer start)
    {
        CancelAdvert();
        var cancel = new Cancelable(Context.System.Scheduler);
        var wake = new AdvertWake(Self, new Tick(VrrpTimer.Advert, start.Generation), _pacer, cancel);
        _advertWake = wake;
        long now = _clock();
        Context.System.Scheduler.Advanced.ScheduleRepeatedly(Micros(ScheduleAdvertFor(now, start.DelayMicros, _setup.AdvertGridMicros) - now),
            Micros(_setup.Settings.AdvertIntervalMicros), wake.Due, cancel);
    }

    /// <summary>When the advert timer started at <paramref name="now"/> for <paramref name="delayMicros"/> first fires:
    /// the deadline rounded up to <paramref name="gridMicros"/> (0: not rounded). A fixed-rate timer keeps the phase it
    /// starts with, and instances that became MASTER together are handled one after another, microseconds apart: on
    /// a shared grid their periodic adverts leave in one wake-up of the timer thread, not one each. Only the periodic
    /// adverts move (by less than the grid, once); a new master's first advert is sent at once.</summary>
    public static long ScheduleAdvertFor(long now, long delayMicros, long gridMicros)
    {
        long due = now + Math.Max(0, delayMicros);
        if (gridMicros <= 0)
            return due;
        long rest = (due % gridMicros + gridMicros) % gridMicros;
        return rest == 0 ? due : due - rest + gridMicros;
    }

    private void CancelAdvert()
    {
        _advertWake?.Cancelable.Cancel();
        _advertWake = null;
    }

    /// <summary>True for the pending advert timer's tick (it then stops being pending); false for a stale one.</summary>
    private bool IsAdvertTick(Tick t)
    {
        if (_advertWake is not { } wake || !ReferenceEquals(t, wake.Tick))
            return false;
        _advertWake = null;
        return true;
    }

    /// <summary>Before a message: nothing leaves from the timer thread while the instance runs; what did is counted
    /// (nothing more can be until <see cref="ReleasePacer"/> publishes again).</summary>
    private void HoldPacer()
    {
        _pacer.Revoke();
        if (_pacer.TakeSent() is > 0 and var sent)
            _observations.SentRepeats(sent);
        if (!_state.Resigned && _pacer.SaidGoodbye)
            ResignAfterGoodbye();
    }

    /// <summary>The node's stop sent this MASTER's priority 0 from its pacer: before anything else the instance resigns,
    /// as it would on <see cref="ResignInstance"/>, without sending it again.</summary>
    private void ResignAfterGoodbye()
    {
        _goodbyeOnWire = true;
        try
        {
            Step(new VrrpInput.Resign(_clock()));
        }
        finally
        {
            _goodbyeOnWire = false;
        }
    }

    /// <summary>After a message: when the next advert would be the same as the last and nothing else, the timer thread
    /// sends it. Not with AH (each advert has its own sequence number), not while an advert is held for addresses
    /// being added, not before the I/O actor offered its channel.</summary>
    private void ReleasePacer()
    {
        if (!VrrpMachine.AdvertRepeatsHarmlessly(_state) || _advertWake is null || _channel is not { } channel
            || UsesAh || _holdingAdvert)
            return;
        int priority = _state.EffectivePriority;
        if (_pacerFrames is not { } cached || cached.Priority != priority || !ReferenceEquals(cached.Setup, _setup) || !ReferenceEquals(cached.Channel, channel))
        {
            var frames = Frames(priority);
            if (frames is null)
                return;
            // The priority-0 advert the node's stop sends (GoodbyeRoster), when there is a roster to send it.
            cached = (priority, _setup, channel, frames, _setup.Goodbyes is null ? null : Frames(0));
            _pacerFrames = cached;
        }
        _pacer.Publish(channel, cached.Frames, cached.Goodbye);
    }

    /// <summary>The advert at <paramref name="priority"/>, one frame per destination; null when it cannot be encoded.</summary>
    private AdvertPacer.Frame[]? Frames(int priority)
    {
        var frames = new List<AdvertPacer.Frame>();
        return EncodeAdverts(priority, (payload, source, destination) => frames.Add(new AdvertPacer.Frame(payload.ToArray(), source, destination)))
            ? frames.ToArray()
            : null;
    }

    private delegate void AdvertSink(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination);
}

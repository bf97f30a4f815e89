using System.Net;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// The send side's counterpart of <see cref="AdvertInbox"/>: a MASTER's periodic advert, the same bytes every interval.
/// Sending it through the instance costs a timer message, a mailbox run and a machine step per advert, and the step
/// only sends the advert and restarts the timer (<see cref="VrrpMachine.AdvertRepeatsHarmlessly"/>). So while that
/// holds, the instance publishes the encoded advert here, and the advert timer (<see cref="AdvertWake"/>, periodic)
/// sends it from the timer thread without waking the instance. The instance revokes it before every message it
/// handles and publishes it again after, when still steady; a wake that finds it revoked tells the instance, which
/// sends that advert itself as before. Thread-safe: the timer thread sends, the instance publishes, revokes and
/// drains; each under one uncontended lock.
/// </summary>
public sealed class AdvertPacer
{
    private readonly object _gate = new();
    private Frame[]? _frames;
    private Frame[]? _goodbye;
    private AdvertChannel? _channel;
    private long _sent;
    private bool _saidGoodbye;

    /// <summary>One encoded advert and where it goes (a unicast instance sends one per peer).</summary>
    public sealed record Frame(byte[] Payload, IPAddress Source, IPAddress Destination);

    /// <summary>True while an advert is published. A hint, read without the lock.</summary>
    public bool Published => Volatile.Read(ref _frames) is not null;

    /// <summary>From now on the advert timer sends <paramref name="frames"/> through <paramref name="channel"/>;
    /// <paramref name="goodbye"/>, the same advert at priority 0, is what <see cref="TrySayGoodbye"/> sends instead.
    /// Nothing is published once the goodbye has been said.</summary>
    public void Publish(AdvertChannel channel, Frame[] frames, Frame[]? goodbye = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(frames);
        lock (_gate)
        {
            if (_saidGoodbye)
                return;
            _channel = channel;
            _frames = frames.Length == 0 ? null : frames;
            _goodbye = goodbye is { Length: > 0 } ? goodbye : null;
        }
    }

    /// <summary>True once <see cref="TrySayGoodbye"/> sent the priority-0 advert: the instance must resign, without
    /// sending it again, before it handles anything else. Read without the lock (the instance reads it on every message,
    /// right after <see cref="Revoke"/>, which orders it after any goodbye that could still be said): it never turns
    /// false again.</summary>
    public bool SaidGoodbye => Volatile.Read(ref _saidGoodbye);

    /// <summary>The node is stopping (any thread): when an advert is published — the instance is a steady MASTER
    /// between two messages — revokes it and sends its priority-0 advert; true when every frame of that was sent. False
    /// when nothing is published (the instance is handling a message, or is not a steady MASTER) or a send failed: the
    /// instance then sends its priority 0 itself when it resigns.</summary>
    public bool TrySayGoodbye()
    {
        lock (_gate)
        {
            if (_saidGoodbye || _frames is null || _goodbye is not { } goodbye || _channel is not { } channel)
                return false;
            _frames = null;
            foreach (var frame in goodbye)
            {
                if (!channel.Send(frame.Payload, frame.Source, frame.Destination).IsOk)
                    return false;
            }
            Volatile.Write(ref _saidGoodbye, true);
            return true;
        }
    }

    /// <summary>Nothing more is sent from here (what was sent stays counted until drained).</summary>
    public void Revoke()
    {
        lock (_gate)
            _frames = null;
    }

    /// <summary>The advert timer's attempt, on the timer thread. True: every frame of the published advert was sent.
    /// False: none is published, or a send failed — then it is revoked and the instance, told instead, sends the
    /// advert itself (again to every peer) and reports the failure as it always does.</summary>
    public bool TrySend()
    {
        lock (_gate)
        {
            if (_frames is not { } frames || _channel is not { } channel)
                return false;
            foreach (var frame in frames)
            {
                if (!channel.Send(frame.Payload, frame.Source, frame.Destination).IsOk)
                {
                    _frames = null;
                    return false;
                }
            }
            _sent++;
            return true;
        }
    }

    /// <summary>How many adverts were sent from here since the last call.</summary>
    public long TakeSent()
    {
        lock (_gate)
        {
            long sent = _sent;
            _sent = 0;
            return sent;
        }
    }
}

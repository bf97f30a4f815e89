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
    private AdvertChannel? _channel;
    private long _sent;

    /// <summary>One encoded advert and where it goes (a unicast instance sends one per peer).</summary>
    public sealed record Frame(byte[] Payload, IPAddress Source, IPAddress Destination);

    /// <summary>True while an advert is published. A hint, read without the lock.</summary>
    public bool Published => Volatile.Read(ref _frames) is not null;

    /// <summary>From now on the advert timer sends <paramref name="frames"/> through <paramref name="channel"/>.</summary>
    public void Publish(AdvertChannel channel, Frame[] frames)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(frames);
        lock (_gate)
        {
            _channel = channel;
            _frames = frames.Length == 0 ? null : frames;
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

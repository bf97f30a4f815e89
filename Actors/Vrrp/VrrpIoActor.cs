using Akka.Actor;
using Akka.Event;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// One VRRP socket (an interface and family): a receive thread hands datagrams to the actor, which decodes them
/// (<see cref="VrrpCodec"/>), routes them by VRID to the registered instance after its checks
/// (<see cref="VrrpInstanceCheck"/>), and counts every discard by reason. An AH socket
/// (<see cref="VrrpSocketSpec.Ah"/>) first verifies each packet's IPsec AH header with the key of the instance its
/// VRID names (ICV, SPI, replay per sender), then decodes the VRRP message inside and tells the instance the sequence
/// number. It sends what instances give it. It never decides anything about the protocol. It opens its socket at
/// every (re)start and keeps the instances' registrations (and an AH socket's replay state) in an
/// <see cref="IoRegistrations"/> that outlives restarts, so a crash of this actor loses at most the datagrams in
/// flight. When the socket cannot be opened it says why and tries again every second.
/// </summary>
public sealed class VrrpIoActor : ReceiveActor, IWithTimers
{
    private readonly IVrrpSocketFactory _factory;
    private readonly VrrpSocketSpec _spec;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<byte, (IActorRef Instance, RegisterInstance Registration)> _instances;
    private readonly Dictionary<VrrpDiscard, long> _discards;
    private readonly IoRegistrations _registrations;
    private IVrrpSocket? _socket;
    private Thread? _receiver;
    private volatile bool _stopping;
    private long _received;
    private readonly DiscardLog _discardLog = new();
    private readonly string _where;

    /// <summary>Receive failures in a row (without a datagram) after which the receive thread pauses.</summary>
    private const int ReceiveFailuresBeforePause = 100;

    /// <summary>The receive thread's pause after <see cref="ReceiveFailuresBeforePause"/> failures in a row.</summary>
    private static readonly TimeSpan ReceivePause = TimeSpan.FromMilliseconds(10);

    /// <summary>How often a flood of discarded adverts is summed up in the log.</summary>
    public static readonly TimeSpan DiscardSummaryPeriod = TimeSpan.FromSeconds(60);

    private sealed record SummariseDiscards
    {
        public static SummariseDiscards Instance { get; } = new();
    }

    public VrrpIoActor(IVrrpSocketFactory factory, VrrpSocketSpec spec, IoRegistrations registrations)
    {
        _factory = factory;
        _spec = spec;
        _where = $"VRRP socket {spec.Interface} {(spec.Family == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4" : "IPv6")}{(spec.Ah ? " AH" : "")}";
        _registrations = registrations;
        _instances = registrations.Instances;
        _discards = registrations.Discards;
        Receive<RegisterInstance>(r =>
        {
            _instances[r.Vrid] = (Sender, r);
            _registrations.Route(r.Vrid, _spec.Ah ? null : r);
            Sender.Tell(new AdvertChannelOffer(_registrations.Channel));
        });
        Receive<UnregisterInstance>(u =>
        {
            if (_instances.TryGetValue(u.Vrid, out var held) && held.Instance.Equals(u.Instance))
            {
                _instances.Remove(u.Vrid);
                _registrations.Route(u.Vrid, null);
            }
        });
        Receive<OpenSocket>(_ => Open());
        Receive<Datagram>(d => Route(d.Value));
        Receive<ReceiveThreadProblem>(p => _log.Warning("{Interface}: {Problem}", _spec.Interface, p.Text));
        Receive<SendAdvertBytes>(Send);
        Receive<GetIoStatus>(_ => Sender.Tell(Status(registrations)));
        Receive<ClearIoStats>(_ => registrations.DiscardsByVridSinceClear.Clear());
        Receive<SummariseDiscards>(_ =>
        {
            if (_discardLog.Summarise(_where, DiscardSummaryPeriod) is { } line)
                _log.Warning("{Line}", line);
            if (_discardLog.SummaryDue)
                Timers.StartSingleTimer("discards", SummariseDiscards.Instance, DiscardSummaryPeriod);
        });
    }

    /// <summary>An I/O actor that opens its sockets with <paramref name="factory"/>.</summary>
    public static Props Props(IVrrpSocketFactory factory, VrrpSocketSpec spec)
    {
        var registrations = new IoRegistrations();
        return Akka.Actor.Props.Create(() => new VrrpIoActor(factory, spec, registrations));
    }

    /// <summary>An I/O actor over one already-open socket (tests): it cannot reopen it after a restart.</summary>
    public static Props Props(IVrrpSocket socket) =>
        Props(new SingleSocket(socket), new VrrpSocketSpec("given", System.Net.Sockets.AddressFamily.InterNetwork, true));

    private sealed record Datagram(VrrpDatagram Value);

    private sealed record ReceiveThreadProblem(string Text);

    private sealed record OpenSocket
    {
        public static OpenSocket Instance { get; } = new();
    }

    private sealed class SingleSocket(IVrrpSocket socket) : IVrrpSocketFactory
    {
        private IVrrpSocket? _socket = socket;

        public KernelResult Open(VrrpSocketSpec spec, out IVrrpSocket? opened)
        {
            opened = Interlocked.Exchange(ref _socket, null);
            return opened is null ? KernelResult.Fail(9, "the given socket was closed by an earlier incarnation") : KernelResult.Ok;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Open();

    private void Open()
    {
        var r = _factory.Open(_spec, out var socket);
        if (!r.IsOk || socket is null)
        {
            _log.Error("cannot open the VRRP socket on {Interface} ({Family}): {Result}; retrying every second", _spec.Interface, _spec.Family, r);
            Timers.StartSingleTimer("open", OpenSocket.Instance, TimeSpan.FromSeconds(1));
            return;
        }
        _socket = socket;
        _registrations.Channel.Attach(socket);
        var self = Self;
        _receiver = new Thread(() => ReceiveLoop(self, socket)) { IsBackground = true, Name = "vrrp-rx " + _spec.Interface };
        _receiver.Start();
    }

    protected override void PostStop()
    {
        // Disposing the socket ends the receive thread's wait (IVrrpSocket's contract), so that thread blocks without
        // a timeout and wakes only for a datagram.
        _stopping = true;
        if (_socket is not null)
        {
            _registrations.Channel.Detach(_socket);
            _socket.Dispose();
        }
        // The receive thread may be the one running this (it runs this actor's mailbox inline): it ends by itself.
        if (_receiver is not null && _receiver != Thread.CurrentThread)
            _receiver.Join(TimeSpan.FromSeconds(1));
    }

    private void ReceiveLoop(IActorRef self, IVrrpSocket socket)
    {
        if (Timing.PreciseSchedulerSetup.OnThreadStarted(Timing.PreciseSchedulerSetup.ReceiveThread) is { } failed)
            self.Tell(new ReceiveThreadProblem(failed));
        var buffer = new byte[2048];
        int failures = 0;
        while (!_stopping)
        {
            if (socket.TryReceive(buffer, Timeout.InfiniteTimeSpan, out var d, out _))
            {
                failures = 0;
                // A backup's steady advert from its master: noted for the instance, no message (AdvertInbox).
                if (_registrations.TryAbsorb(d))
                    continue;
                var datagram = new Datagram(d with { Payload = d.Payload.ToArray() });
                // On the VRRP dispatcher, this thread decodes and routes the advert and its instance steps here.
                Timing.DedicatedThreadExecutor.RunInline(() => self.Tell(datagram));
            }
            else if (++failures >= ReceiveFailuresBeforePause)
            {
                // A socket that fails at once every time (a receive error that does not clear) must not spin a core.
                failures = 0;
                Thread.Sleep(ReceivePause);
            }
        }
    }

    private IoStatus Status(IoRegistrations r) =>
        new(_received + r.Absorbed, r.Channel.Sent, r.Channel.Failures, new Dictionary<VrrpDiscard, long>(_discards))
        {
            DiscardsByVrid = Copy(r.DiscardsByVrid),
            DiscardsByVridSinceClear = Copy(r.DiscardsByVridSinceClear),
            Absorbed = r.Absorbed,
            Interface = _spec.Interface,
            Family = _spec.Family,
        };

    private static Dictionary<byte, IReadOnlyDictionary<VrrpDiscard, long>> Copy(Dictionary<byte, Dictionary<VrrpDiscard, long>> byVrid) =>
        byVrid.ToDictionary(v => v.Key, v => (IReadOnlyDictionary<VrrpDiscard, long>)new Dictionary<VrrpDiscard, long>(v.Value));

    private void Route(VrrpDatagram d)
    {
        _received++;
        var packet = d.Payload.Span;
        uint? sequence = null;
        if (_spec.Ah)
        {
            var ah = UnwrapAh(packet, out byte ahVrid, out int offset, out uint seq);
            if (ah != VrrpDiscard.None)
            {
                Discard(ah, d.Source, ah is VrrpDiscard.UnknownVrid or VrrpDiscard.BadLength ? null : ahVrid);
                return;
            }
            packet = packet[offset..];
            sequence = seq;
        }
        if (packet.Length < 2 || !_instances.TryGetValue(packet[1], out var target))
        {
            Count(VrrpDiscard.UnknownVrid);
            return;
        }
        byte vrid = packet[1];
        var result = IoRegistrations.Check(packet, d, target.Registration, sequence is not null, out var advert, out var notes);
        if (result == VrrpDiscard.None)
        {
            target.Instance.Tell(new AdvertIn(advert.Priority, advert.IntervalCentiseconds, d.Source.GetAddressBytes(), notes, advert.ChecksumFlavour, d.TtlOrHopLimit)
            {
                AhSequence = sequence,
                Age = d.Age,
            });
            return;
        }
        Discard(result, d.Source, vrid);
    }

    /// <summary>An AH socket's packet (IP header included): finds the instance by the VRID inside (not yet
    /// authenticated, only to pick the key), then checks ICV, SPI and replay (<see cref="VrrpAhReplayWindow"/>, kept
    /// across restarts). On success <paramref name="offset"/> is where the VRRP message starts.</summary>
    private VrrpDiscard UnwrapAh(ReadOnlySpan<byte> packet, out byte vrid, out int offset, out uint sequence)
    {
        offset = 0;
        sequence = 0;
        if (!VrrpAh.TryPeekVrid(packet, out vrid))
            return VrrpDiscard.BadLength;
        if (!_instances.TryGetValue(vrid, out var target))
            return VrrpDiscard.UnknownVrid;
        if (target.Registration.Context.Authentication.Type != VrrpAuthType.IpsecAh)
            return VrrpDiscard.AuthTypeMismatch;
        Span<byte> key = stackalloc byte[VrrpConstants.V2AuthDataLength];
        target.Registration.Context.Authentication.WriteKey(key);
        return _registrations.AhReplay.Verify(packet, vrid, !_spec.Multicast, key, out offset, out sequence) switch
        {
            VrrpAhResult.Ok => VrrpDiscard.None,
            VrrpAhResult.NotVrrp => VrrpDiscard.AhOtherProtocol,
            VrrpAhResult.BadIcv => VrrpDiscard.AhBadIcv,
            VrrpAhResult.BadSpi => VrrpDiscard.AhBadSpi,
            VrrpAhResult.Replay => VrrpDiscard.AhReplay,
            _ => VrrpDiscard.BadLength,
        };
    }

    /// <summary>Counts a discard (per VRID when it names a registered instance) and logs it, rate limited.</summary>
    private void Discard(VrrpDiscard reason, System.Net.IPAddress source, byte? vrid)
    {
        Count(reason);
        if (_discardLog.Discarded(reason, source, _where) is { } first)
            _log.Warning("{Line}", first);
        if (_discardLog.SummaryDue && !Timers.IsTimerActive("discards"))
            Timers.StartSingleTimer("discards", SummariseDiscards.Instance, DiscardSummaryPeriod);
        if (vrid is not { } v)
            return;
        CountFor(_registrations.DiscardsByVrid, v, reason);
        CountFor(_registrations.DiscardsByVridSinceClear, v, reason);
    }

    private void Count(VrrpDiscard reason) => _discards[reason] = _discards.GetValueOrDefault(reason) + 1;

    private static void CountFor(Dictionary<byte, Dictionary<VrrpDiscard, long>> byVrid, byte vrid, VrrpDiscard reason)
    {
        if (!byVrid.TryGetValue(vrid, out var counts))
            byVrid[vrid] = counts = new Dictionary<VrrpDiscard, long>();
        counts[reason] = counts.GetValueOrDefault(reason) + 1;
    }

    private void Send(SendAdvertBytes s)
    {
        var r = _registrations.Channel.Send(s.Payload, s.Source, s.Destination);
        if (!r.IsOk)
            _log.Warning("sending an advert to {Destination} failed: {Result}", s.Destination, r);
    }
}

/// <summary>What an I/O actor must not forget when it restarts: which instance listens to which VRID, and the discard
/// counters.</summary>
public sealed class IoRegistrations
{
    internal Dictionary<byte, (IActorRef Instance, RegisterInstance Registration)> Instances { get; } = new();

    internal Dictionary<VrrpDiscard, long> Discards { get; } = new();

    /// <summary>The send side of the socket, offered to every registered instance (kept across restarts: the restarted
    /// actor attaches its new socket to it).</summary>
    internal AdvertChannel Channel { get; } = new();

    /// <summary>Discards per VRID of a registered instance (bounded by the 255 VRIDs and the reasons).</summary>
    internal Dictionary<byte, Dictionary<VrrpDiscard, long>> DiscardsByVrid { get; } = new();

    /// <summary>The same since the last STATS_CLEAR.</summary>
    internal Dictionary<byte, Dictionary<VrrpDiscard, long>> DiscardsByVridSinceClear { get; } = new();

    /// <summary>An AH socket's last sequence number per sender and VRID (bounded), so a restart opens no replay gap.</summary>
    internal VrrpAhReplayWindow AhReplay { get; } = new();

    /// <summary>The registration per VRID as the receive thread reads it (written by the actor, read without it).</summary>
    private readonly RegisterInstance?[] _routes = new RegisterInstance?[256];
    private long _absorbed;

    /// <summary>Adverts the receive thread absorbed into an instance's <see cref="AdvertInbox"/> (valid, received,
    /// never seen by the actor).</summary>
    internal long Absorbed => Interlocked.Read(ref _absorbed);

    /// <summary>The actor (un)registered an instance for <paramref name="vrid"/>: null stops the receive thread's
    /// shortcut for it (an AH socket never takes it: every AH advert moves the replay window).</summary>
    internal void Route(byte vrid, RegisterInstance? registration) =>
        Volatile.Write(ref _routes[vrid], registration?.Inbox is null ? null : registration);

    /// <summary>The codec, the instance checks and the peer checks of the VRRP message <paramref name="packet"/> of
    /// <paramref name="d"/> for the instance <paramref name="registration"/> describes: what the actor's route and the
    /// receive thread's shortcut both accept.</summary>
    internal static VrrpDiscard Check(ReadOnlySpan<byte> packet, in VrrpDatagram d, RegisterInstance registration, bool ahVerified,
        out VrrpAdvert advert, out VrrpAdvertNotes notes)
    {
        notes = VrrpAdvertNotes.None;
        var context = registration.Context with { Source = d.Source, Destination = d.Destination, TtlOrHopLimit = d.TtlOrHopLimit, AhVerified = ahVerified };
        var result = VrrpCodec.TryDecode(packet, context, out advert);
        if (result == VrrpDiscard.None)
            result = VrrpInstanceCheck.Check(advert, packet, registration.Check, out notes);
        if (result == VrrpDiscard.None)
            result = VrrpPeerCheck.Check(d.Source, d.Destination, d.TtlOrHopLimit, registration.Peers ?? [], registration.CheckUnicastSource);
        return result;
    }

    /// <summary>On the receive thread: when <paramref name="d"/> is a valid advert (<see cref="Check"/>, as the actor's
    /// route) that repeats its instance's steady advert, notes it in the instance's inbox and returns true. Anything
    /// else — an unknown VRID, a discard, a different advert — returns false and goes to the actor, which checks,
    /// counts and logs it the usual way.</summary>
    internal bool TryAbsorb(in VrrpDatagram d)
    {
        var packet = d.Payload.Span;
        if (packet.Length < 2 || Volatile.Read(ref _routes[packet[1]]) is not { Inbox: { Open: true } inbox } r)
            return false;
        if (Check(packet, d, r, ahVerified: false, out var advert, out _) != VrrpDiscard.None
            || !inbox.TryAbsorb(advert, d.Source, advert.ChecksumFlavour, d.TtlOrHopLimit, d.Age, VrrpInstanceActor.ArrivalBackdateLimit))
            return false;
        Interlocked.Increment(ref _absorbed);
        return true;
    }
}

using Akka.Actor;
using Akka.Event;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// One VRRP socket (an interface and family): a receive thread hands datagrams to the actor, which decodes them
/// (<see cref="VrrpCodec"/>), routes them by VRID to the registered instance after its checks
/// (<see cref="VrrpInstanceCheck"/>), and counts every discard by reason. It sends what instances give it. It never
/// decides anything about the protocol.
/// </summary>
public sealed class VrrpIoActor : ReceiveActor
{
    private readonly IVrrpSocket _socket;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<byte, (IActorRef Instance, RegisterInstance Registration)> _instances = new();
    private readonly Dictionary<VrrpDiscard, long> _discards = new();
    private Thread? _receiver;
    private volatile bool _stopping;
    private long _received;
    private long _sent;
    private long _sendFailures;

    public VrrpIoActor(IVrrpSocket socket)
    {
        _socket = socket;
        Receive<RegisterInstance>(r => _instances[r.Vrid] = (Sender, r));
        Receive<Datagram>(d => Route(d.Value));
        Receive<SendAdvertBytes>(Send);
        Receive<GetIoStatus>(_ => Sender.Tell(new IoStatus(_received, _sent, _sendFailures, new Dictionary<VrrpDiscard, long>(_discards))));
    }

    public static Props Props(IVrrpSocket socket) => Akka.Actor.Props.Create(() => new VrrpIoActor(socket));

    private sealed record Datagram(VrrpDatagram Value);

    protected override void PreStart()
    {
        var self = Self;
        _receiver = new Thread(() => ReceiveLoop(self)) { IsBackground = true, Name = "vrrp-rx" };
        _receiver.Start();
    }

    protected override void PostStop()
    {
        _stopping = true;
        _receiver?.Join(TimeSpan.FromSeconds(1));
        _socket.Dispose();
    }

    private void ReceiveLoop(IActorRef self)
    {
        var buffer = new byte[2048];
        while (!_stopping)
        {
            if (_socket.TryReceive(buffer, TimeSpan.FromMilliseconds(100), out var d, out _))
                self.Tell(new Datagram(d with { Payload = d.Payload.ToArray() }));
        }
    }

    private void Route(VrrpDatagram d)
    {
        _received++;
        var packet = d.Payload.Span;
        if (packet.Length < 2 || !_instances.TryGetValue(packet[1], out var target))
        {
            Count(VrrpDiscard.UnknownVrid);
            return;
        }
        var context = target.Registration.Context with { Source = d.Source, Destination = d.Destination, TtlOrHopLimit = d.TtlOrHopLimit };
        var result = VrrpCodec.TryDecode(packet, context, out var advert);
        if (result == VrrpDiscard.None)
        {
            result = VrrpInstanceCheck.Check(advert, packet, target.Registration.Check, out var notes);
            if (result == VrrpDiscard.None)
            {
                target.Instance.Tell(new AdvertIn(advert.Priority, advert.IntervalCentiseconds, d.Source.GetAddressBytes(), notes, advert.ChecksumFlavour));
                return;
            }
        }
        Count(result);
    }

    private void Count(VrrpDiscard reason) => _discards[reason] = _discards.GetValueOrDefault(reason) + 1;

    private void Send(SendAdvertBytes s)
    {
        var r = _socket.Send(s.Payload, s.Source, s.Destination);
        if (r.IsOk)
        {
            _sent++;
            return;
        }
        _sendFailures++;
        _log.Warning("sending an advert to {Destination} failed: {Result}", s.Destination, r);
    }
}

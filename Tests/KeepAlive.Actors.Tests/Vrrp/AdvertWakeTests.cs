using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The advert timer: sends through the pacer while it can, else tells the instance exactly once and stops
/// repeating — also when sending throws, so a master never falls silent.</summary>
public sealed class AdvertWakeTests : TestKit
{
    private static readonly IPAddress Us = IPAddress.Parse("10.0.0.1");
    private static readonly AdvertPacer.Frame Frame = new([0x31, 51, 100, 1], Us, IPAddress.Parse("224.0.0.18"));

    private sealed class ThrowingSocket : IVrrpSocket
    {
        public KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination) => throw new ObjectDisposedException("socket");

        public bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error) =>
            throw new NotSupportedException();

        public void Dispose() { }
    }

    private (AdvertWake Wake, object Tick, ICancelable Cancel) Wake(AdvertPacer pacer)
    {
        var tick = new object();
        var cancel = new Cancelable(Sys.Scheduler);
        return (new AdvertWake(TestActor, tick, pacer, cancel), tick, cancel);
    }

    [Fact]
    public void While_the_pacer_sends_the_instance_hears_nothing_and_then_one_tick_and_the_timer_stops()
    {
        var network = new InMemoryVrrpNetwork();
        var channel = new AdvertChannel();
        channel.Attach(network.Attach("lan", 2, Us));
        var pacer = new AdvertPacer();
        pacer.Publish(channel, [Frame]);
        var (wake, tick, cancel) = Wake(pacer);

        wake.Due();
        wake.Due();
        Assert.Equal(2, network.Sent.Count);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        pacer.Revoke();
        wake.Due();
        Assert.Same(tick, ExpectMsg<object>());
        Assert.True(cancel.IsCancellationRequested);
        wake.Due();                                                    // a repetition already in flight
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, network.Sent.Count);
    }

    [Fact]
    public void A_send_that_throws_hands_the_advert_to_the_instance()
    {
        var channel = new AdvertChannel();
        channel.Attach(new ThrowingSocket());
        var pacer = new AdvertPacer();
        pacer.Publish(channel, [Frame]);
        var (wake, tick, cancel) = Wake(pacer);

        wake.Due();
        Assert.Same(tick, ExpectMsg<object>());
        Assert.False(pacer.Published);
        Assert.True(cancel.IsCancellationRequested);
    }
}

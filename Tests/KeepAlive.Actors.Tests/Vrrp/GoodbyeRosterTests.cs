using System.Net;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The node's stop sends the priority 0 of every instance on the roster whose advert is published, and only
/// theirs; instances come and go.</summary>
public sealed class GoodbyeRosterTests
{
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private readonly InMemoryVrrpNetwork _network = new();

    private AdvertPacer Pacer(byte vrid, bool published)
    {
        var us = IPAddress.Parse("10.0.0.1");
        var channel = new AdvertChannel();
        channel.Attach(_network.Attach("lan", 2, us));
        var pacer = new AdvertPacer();
        pacer.Publish(channel, [new([3 << 4 | 1, vrid, 100, 1], us, Group)], [new([3 << 4 | 1, vrid, 0, 1], us, Group)]);
        if (!published)
            pacer.Revoke();
        return pacer;
    }

    [Fact]
    public void Only_published_pacers_say_goodbye_each_once()
    {
        var roster = new GoodbyeRoster();
        var steady = Pacer(1, published: true);
        var busy = Pacer(2, published: false);
        var gone = Pacer(3, published: true);
        roster.Add(steady);
        roster.Add(busy);
        roster.Add(gone);
        roster.Add(steady);                                                  // once on the roster
        roster.Remove(gone);
        Assert.Equal(2, roster.Count);

        Assert.Equal(1, roster.SayGoodbye());
        var sent = Assert.Single(_network.Sent);
        Assert.Equal(1, sent.Payload.Span[1]);
        Assert.Equal(0, sent.Payload.Span[2]);
        Assert.Equal(0, roster.SayGoodbye());
        Assert.Single(_network.Sent);
    }

    [Fact]
    public void A_pacer_whose_socket_throws_is_skipped_and_the_others_still_say_goodbye()
    {
        var us = IPAddress.Parse("10.0.0.1");
        var broken = new AdvertChannel();
        broken.Attach(new ThrowingSocket());
        var failing = new AdvertPacer();
        failing.Publish(broken, [new([3 << 4 | 1, 9, 100, 1], us, Group)], [new([3 << 4 | 1, 9, 0, 1], us, Group)]);
        var roster = new GoodbyeRoster();
        roster.Add(failing);
        roster.Add(Pacer(1, published: true));

        Assert.Equal(1, roster.SayGoodbye());
        Assert.False(failing.SaidGoodbye);                                   // its instance resigns and sends its own
        Assert.Equal(1, Assert.Single(_network.Sent).Payload.Span[1]);
    }

    private sealed class ThrowingSocket : KeepAlive.Kernel.Ports.IVrrpSocket
    {
        public KeepAlive.Kernel.Ports.KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination) =>
            throw new InvalidOperationException("a socket bug");

        public bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out KeepAlive.Kernel.Ports.VrrpDatagram datagram, out KeepAlive.Kernel.Ports.KernelResult error) =>
            throw new InvalidOperationException("not used");

        public void Dispose()
        {
        }
    }
}

using System.Net;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The timer thread's side of a MASTER's steady adverts: it sends only what is published, every frame of it,
/// counts what it sent, and gives up (revoked) at the first failed send so the instance sends and reports.</summary>
public sealed class AdvertPacerTests
{
    private static readonly IPAddress Us = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private readonly InMemoryVrrpNetwork _network = new();

    private AdvertChannel Channel()
    {
        var channel = new AdvertChannel();
        channel.Attach(_network.Attach("lan", 2, Us));
        return channel;
    }

    private static AdvertPacer.Frame Frame(byte marker, IPAddress? to = null) => new([3 << 4 | 1, 51, marker, 1], Us, to ?? Group);

    [Fact]
    public void Nothing_is_sent_before_an_advert_is_published_or_after_it_is_revoked()
    {
        var pacer = new AdvertPacer();
        Assert.False(pacer.TrySend());
        pacer.Publish(Channel(), [Frame(100)]);
        Assert.True(pacer.Published);
        pacer.Revoke();
        Assert.False(pacer.Published);
        Assert.False(pacer.TrySend());
        Assert.Empty(_network.Sent);
        Assert.Equal(0, pacer.TakeSent());
    }

    [Fact]
    public void Each_attempt_sends_every_frame_of_the_published_advert_and_is_counted_once()
    {
        var pacer = new AdvertPacer();
        var peers = new[] { IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.3") };
        pacer.Publish(Channel(), [Frame(100, peers[0]), Frame(100, peers[1])]);
        Assert.True(pacer.TrySend());
        Assert.True(pacer.TrySend());
        Assert.Equal(4, _network.Sent.Count);
        Assert.Equal(peers.Concat(peers), _network.Sent.Select(d => d.Destination));
        Assert.All(_network.Sent, d => Assert.Equal(100, d.Payload.Span[2]));
        Assert.Equal(2, pacer.TakeSent());
        Assert.Equal(0, pacer.TakeSent());                                   // taken
    }

    [Fact]
    public void Publishing_again_replaces_the_advert()
    {
        var pacer = new AdvertPacer();
        var channel = Channel();
        pacer.Publish(channel, [Frame(100)]);
        pacer.Publish(channel, [Frame(80)]);                                // a tracker lowered the priority
        Assert.True(pacer.TrySend());
        Assert.Equal(80, Assert.Single(_network.Sent).Payload.Span[2]);
    }

    [Fact]
    public void A_failed_send_revokes_the_advert_so_the_instance_sends_it_and_reports_the_error()
    {
        var pacer = new AdvertPacer();
        var channel = new AdvertChannel();                                   // no socket attached: ENOTCONN
        pacer.Publish(channel, [Frame(100)]);
        Assert.False(pacer.TrySend());
        Assert.False(pacer.Published);
        Assert.Equal(1, channel.Failures);
        Assert.Equal(0, pacer.TakeSent());
    }

    [Fact]
    public void An_empty_advert_is_never_published()
    {
        var pacer = new AdvertPacer();
        pacer.Publish(Channel(), []);
        Assert.False(pacer.Published);
        Assert.False(pacer.TrySend());
    }

    [Fact]
    public void The_goodbye_replaces_a_published_advert_once_and_nothing_is_published_or_sent_after_it()
    {
        var pacer = new AdvertPacer();
        var channel = Channel();
        pacer.Publish(channel, [Frame(100)], [Frame(0)]);
        Assert.False(pacer.SaidGoodbye);

        Assert.True(pacer.TrySayGoodbye());
        Assert.True(pacer.SaidGoodbye);
        Assert.Equal(0, Assert.Single(_network.Sent).Payload.Span[2]);
        Assert.Equal(0, pacer.TakeSent());                                   // not a paced repeat
        Assert.False(pacer.TrySayGoodbye());
        Assert.False(pacer.TrySend());

        pacer.Publish(channel, [Frame(100)], [Frame(0)]);                    // too late: the instance resigns next
        Assert.False(pacer.Published);
        Assert.False(pacer.TrySend());
        Assert.Single(_network.Sent);
    }

    [Fact]
    public void No_goodbye_without_a_published_advert_or_without_its_priority_0()
    {
        var pacer = new AdvertPacer();
        Assert.False(pacer.TrySayGoodbye());
        pacer.Publish(Channel(), [Frame(100)], [Frame(0)]);
        pacer.Revoke();                                                      // the instance is handling a message
        Assert.False(pacer.TrySayGoodbye());
        pacer.Publish(Channel(), [Frame(100)]);                              // no roster: no priority 0 kept
        Assert.False(pacer.TrySayGoodbye());
        Assert.True(pacer.Published);
        Assert.False(pacer.SaidGoodbye);
        Assert.Empty(_network.Sent);
    }

    [Fact]
    public void A_goodbye_that_cannot_be_sent_leaves_the_priority_0_to_the_instance()
    {
        var pacer = new AdvertPacer();
        var channel = new AdvertChannel();                                   // no socket attached: ENOTCONN
        pacer.Publish(channel, [Frame(100)], [Frame(0)]);
        Assert.False(pacer.TrySayGoodbye());
        Assert.False(pacer.SaidGoodbye);
        Assert.False(pacer.Published);                                       // revoked: the instance resigns and sends
        Assert.Equal(1, channel.Failures);
    }
}

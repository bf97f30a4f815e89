using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The I/O actor's send side handed to instances: it sends through whichever socket the I/O actor has open,
/// fails cleanly (counted) with none or a disposed one, and is offered to every instance that registers — also by a
/// restarted I/O actor, whose new socket it then uses.</summary>
public sealed class AdvertChannelTests : TestKit
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly byte[] Advert = [0x31, 51, 100, 0, 0, 100, 0, 0];

    [Fact]
    public void Without_a_socket_a_send_fails_and_is_counted()
    {
        var channel = new AdvertChannel();
        var r = channel.Send(Advert, A, Group);
        Assert.False(r.IsOk);
        Assert.Equal(1, channel.Failures);
        Assert.Equal(0, channel.Sent);
    }

    [Fact]
    public void Sends_go_through_the_attached_socket_and_a_stale_detach_keeps_the_newer_one()
    {
        var network = new InMemoryVrrpNetwork();
        var receiver = network.Attach("lan", 2, B);
        var first = network.Attach("lan", 2, A);
        var second = network.Attach("lan", 2, A);
        var channel = new AdvertChannel();
        channel.Attach(first);
        Assert.True(channel.Send(Advert, A, Group).IsOk);
        channel.Attach(second);
        channel.Detach(first);                                    // the old incarnation's PostStop comes late
        Assert.True(channel.Send(Advert, A, Group).IsOk);
        Assert.Equal(2, channel.Sent);
        Assert.Equal(2, network.Sent.Count);
        channel.Detach(second);
        Assert.False(channel.Send(Advert, A, Group).IsOk);
        Assert.True(receiver.TryReceive(new byte[64], TimeSpan.FromSeconds(1), out _, out _));
    }

    [Fact]
    public void A_disposed_socket_fails_cleanly()
    {
        var network = new InMemoryVrrpNetwork();
        var socket = network.Attach("lan", 2, A);
        var channel = new AdvertChannel();
        channel.Attach(socket);
        socket.Dispose();
        Assert.Equal(9, channel.Send(Advert, A, Group).Errno);    // EBADF, as a disposed raw socket answers
        Assert.Equal(1, channel.Failures);
    }

    [Fact]
    public async Task Every_registration_is_answered_with_the_channel_and_a_restarted_io_actor_keeps_it()
    {
        var network = new InMemoryVrrpNetwork();
        var listener = network.Attach("lan", 2, B);
        var factory = new InMemoryVrrpSocketFactory(network).Plug("eth0", "lan", 2, A);
        var io = Restartable.Start(Sys, VrrpIoActor.Props(factory, new VrrpSocketSpec("eth0", System.Net.Sockets.AddressFamily.InterNetwork, true)), "parent", "io");
        var register = new RegisterInstance(51, new VrrpReceiveContext(), new VrrpInstanceReceiveSettings());
        io.Tell(register, TestActor);
        var offered = (await ExpectMsgAsync<AdvertChannelOffer>()).Channel;
        Assert.True(offered.Send(Advert, A, Group).IsOk);

        io.Tell(Kill.Instance);                                   // restarted by its parent: a new socket
        await AwaitAssertAsync(() =>
        {
            io.Tell(register, TestActor);
            Assert.Same(offered, ExpectMsg<AdvertChannelOffer>(TimeSpan.FromSeconds(1)).Channel);
            Assert.True(offered.Send(Advert, A, Group).IsOk);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, factory.Opened);
        Assert.True(listener.TryReceive(new byte[64], TimeSpan.FromSeconds(1), out _, out _));
        var status = await io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.True(status.Sent >= 2);
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// <see cref="ReceiveCoalescing"/> on a real kernel: inside a burst the receive waits the window and reads what came
/// meanwhile in one call; after a datagram that came alone it does not wait.
/// </summary>
[Collection("privileged")]
public sealed class RawVrrpSocketCoalescingTests : IClassFixture<VethPairFixture>
{
    private readonly VethPairFixture _fixture;
    private readonly ITestOutputHelper _output;

    public RawVrrpSocketCoalescingTests(VethPairFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [SkippableFact]
    public void A_paced_burst_is_read_in_a_few_calls_and_nothing_is_lost_or_reordered()
    {
        // 20 adverts 500 µs apart (closer than the burst gap): read as they come, that is one call (and one wake-up)
        // each; with a 50 ms window, the second read finds the burst going on and waits for the rest.
        var (a, b) = Open(TimeSpan.FromMilliseconds(50));
        using var disposeA = a;
        using var disposeB = b;
        using var guard = NeverHang(b);
        const int burst = 20;
        long callsBefore = b.ReceiveCalls;
        var sender = Background(() =>
        {
            Thread.Sleep(50);                                             // the receiver waits first
            var advert = (byte[])GoldenVrrp.V2IPv4.Clone();
            for (int i = 0; i < burst; i++)
            {
                advert[2] = (byte)(i + 1);
                a.Send(advert, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group);
                var next = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2_000;
                while (Stopwatch.GetTimestamp() < next)
                    Thread.SpinWait(10);
            }
        });

        var buffer = new byte[2048];
        for (int i = 0; i < burst; i++)
        {
            Assert.True(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out var got, out var error), $"datagram {i}: {error}");
            Assert.Equal(i + 1, got.Payload.Span[2]);
        }
        sender.Join();

        long calls = b.ReceiveCalls - callsBefore;
        _output.WriteLine($"{burst} datagrams in {calls} calls");
        Assert.InRange(calls, 1, 5);
    }

    [SkippableFact]
    public void After_a_datagram_that_came_alone_the_next_read_does_not_wait_the_window()
    {
        // A 200 ms window: had the receive paused after the lone first datagram, the second one (sent 20 ms later)
        // would sit in the socket for 180 ms, which its arrival age shows.
        var (a, b) = Open(TimeSpan.FromMilliseconds(200));
        using var disposeA = a;
        using var disposeB = b;
        using var guard = NeverHang(b);
        var sender = Background(() =>
        {
            Thread.Sleep(50);
            SendGolden(a);
            Thread.Sleep(20);
            SendGolden(a);
        });

        var buffer = new byte[2048];
        Assert.True(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out _, out var error), error.ToString());
        Assert.True(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out var second, out error), error.ToString());
        sender.Join();

        Assert.True(second.Age < TimeSpan.FromMilliseconds(100), $"the second datagram waited {second.Age.TotalMilliseconds:F1} ms in the socket");
    }

    [SkippableFact]
    public void A_read_whose_newest_datagram_waited_over_half_the_window_ends_the_burst()
    {
        // A 40 ms window. Two adverts together (a burst: the receive sleeps), one 5 ms later (read when the window ends,
        // 35 ms old: the burst is over), one 40 ms after that: read at once. Had the receive slept again after the
        // third, the fourth would have waited ~35 ms in the socket.
        var (a, b) = Open(TimeSpan.FromMilliseconds(40));
        using var disposeA = a;
        using var disposeB = b;
        using var guard = NeverHang(b);
        var sender = Background(() =>
        {
            Thread.Sleep(50);
            SendGolden(a);
            SendGolden(a);
            Thread.Sleep(5);
            SendGolden(a);
            Thread.Sleep(40);
            SendGolden(a);
        });

        var buffer = new byte[2048];
        var got = new VrrpDatagram[4];
        for (int i = 0; i < got.Length; i++)
            Assert.True(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out got[i], out var error), $"datagram {i}: {error}");
        sender.Join();

        Assert.True(got[3].Age < TimeSpan.FromMilliseconds(20), $"the last datagram waited {got[3].Age.TotalMilliseconds:F1} ms in the socket");
    }

    [SkippableFact]
    public void Dispose_during_the_window_ends_the_receive_with_EBADF()
    {
        var (a, b) = Open(TimeSpan.FromMilliseconds(300));
        using var disposeA = a;
        Assert.Equal(KernelResult.Ok, SendGolden(a));
        Assert.Equal(KernelResult.Ok, SendGolden(a));
        var buffer = new byte[2048];
        Assert.True(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out _, out var error), error.ToString());
        Assert.True(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out _, out error), error.ToString()); // a burst of two

        using var disposer = new Timer(_ => b.Dispose(), null, TimeSpan.FromMilliseconds(50), Timeout.InfiniteTimeSpan);
        var wait = Stopwatch.StartNew();
        Assert.False(b.TryReceive(buffer, Timeout.InfiniteTimeSpan, out _, out error));

        Assert.Equal(9, error.Errno); // EBADF, once the window is over
        Assert.InRange(wait.Elapsed, TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(5));
    }

    private static KernelResult SendGolden(RawVrrpSocket a) => a.Send(GoldenVrrp.V2IPv4, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group);

    /// <summary>The sender's script on a background thread, started.</summary>
    private static Thread Background(Action script)
    {
        var thread = new Thread(() => script()) { IsBackground = true };
        thread.Start();
        return thread;
    }

    /// <summary>Disposes <paramref name="b"/> after 10 s, which ends a receive that would otherwise wait for ever.</summary>
    private static Timer NeverHang(RawVrrpSocket b) => new(_ => b.Dispose(), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

    private (RawVrrpSocket A, RawVrrpSocket B) Open(TimeSpan window)
    {
        Privilege.Require(["ip"]);
        var pair = _fixture.Pair;
        var options = VrrpSocketOptions.Multicast with { CoalescingWindow = window };
        var a = RawVrrpSocketTests.OpenIn(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork, VrrpSocketOptions.Multicast);
        var b = RawVrrpSocketTests.OpenIn(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork, options);
        return (a, b);
    }
}

using KeepAlive.Kernel.Linux;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary><see cref="ReceiveCoalescing.InBurst"/>: pure, needs no privilege.</summary>
public sealed class ReceiveCoalescingTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMicroseconds(100);

    [Theory]
    [InlineData(1, 125_000, 0, false)]     // a lone datagram after a long wait: the next read does not wait
    [InlineData(1, 1_000, 0, false)]       // exactly the burst gap apart: not a burst
    [InlineData(1, 999, 0, true)]          // closer than the gap: the burst goes on
    [InlineData(1, 0, 0, true)]            // it was already there
    [InlineData(2, 125_000, 0, true)]      // more than one came together
    [InlineData(16, 0, 10, true)]          // the newest came 10 µs ago: the burst is still coming
    [InlineData(16, 0, 50, true)]          // half the window ago: still
    [InlineData(16, 0, 51, false)]         // longer: the burst is over, wait for the next datagram instead
    [InlineData(1, 5, 400, false)]
    [InlineData(0, 5, 0, false)]           // nothing read (EINTR, EAGAIN)
    [InlineData(-1, 5, 0, false)]          // an error
    public void A_burst_is_more_than_one_datagram_or_one_within_the_gap_and_not_over(int read, int waitedMicros, int newestAgeMicros, bool inBurst) =>
        Assert.Equal(inBurst, ReceiveCoalescing.InBurst(read, TimeSpan.FromMicroseconds(waitedMicros), TimeSpan.FromMicroseconds(newestAgeMicros), Window));

    [Fact]
    public void The_window_is_shorter_than_the_gap_that_ends_a_burst()
    {
        Assert.True(ReceiveCoalescing.DefaultWindow > TimeSpan.Zero);
        Assert.True(ReceiveCoalescing.BurstGap > 2 * ReceiveCoalescing.DefaultWindow);
    }
}

using KeepAlive.Kernel.Linux;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary><see cref="ReceiveCoalescing.InBurst"/>: pure, needs no privilege.</summary>
public sealed class ReceiveCoalescingTests
{
    [Theory]
    [InlineData(1, 125_000, false)]     // a lone datagram after a long wait: the next read does not wait
    [InlineData(1, 1_000, false)]       // exactly the burst gap apart: not a burst
    [InlineData(1, 999, true)]          // closer than the gap: the burst goes on
    [InlineData(1, 0, true)]            // it was already there
    [InlineData(2, 125_000, true)]      // more than one came together
    [InlineData(16, 0, true)]
    [InlineData(0, 5, false)]           // nothing read (EINTR, EAGAIN)
    [InlineData(-1, 5, false)]          // an error
    public void A_burst_is_more_than_one_datagram_or_one_that_came_within_the_gap(int read, int waitedMicros, bool inBurst) =>
        Assert.Equal(inBurst, ReceiveCoalescing.InBurst(read, TimeSpan.FromMicroseconds(waitedMicros)));

    [Fact]
    public void The_window_is_short_against_every_VRRP_timer_and_the_gap_longer_than_a_burst()
    {
        Assert.True(ReceiveCoalescing.DefaultWindow <= TimeSpan.FromMicroseconds(200));
        Assert.True(ReceiveCoalescing.BurstGap > ReceiveCoalescing.DefaultWindow);
    }
}

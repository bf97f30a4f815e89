using KeepAlive.Kernel.Linux;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary><see cref="ReceiveCoalescing.AfterRead"/>: pure, needs no privilege. Each case is a sequence of reads —
/// datagrams read and how long the read waited for the first, in µs — and whether the read after each one waits.</summary>
public sealed class ReceiveCoalescingTests
{
    [Theory]
    // A lone datagram after a long wait: the next read does not wait; nor after each of a steady, spread-out peer's.
    [InlineData("1@125000", "n")]
    [InlineData("1@125000 1@125000 1@3000", "n n n")]
    // Exactly the burst gap apart is not a burst; closer is, and so is a datagram that was already there.
    [InlineData("1@125000 1@1000", "n n")]
    [InlineData("1@125000 1@999", "n y")]
    [InlineData("1@125000 1@0", "n y")]
    // Several together: a burst at once, even after a long wait.
    [InlineData("2@125000", "y")]
    [InlineData("16@0", "y")]
    // Nothing read (EINTR, EAGAIN) or an error: no wait, and the episode is not over.
    [InlineData("0@5 -1@5", "n n")]
    [InlineData("1@125000 1@5 0@5 1@5", "n y n y")]
    // After a burst, the first datagram of the next episode is taken as the start of a burst...
    [InlineData("1@125000 1@10 9@0 1@125000", "n y y y")]
    // ...until an episode of one shows the peer has stopped sending in bursts.
    [InlineData("1@125000 1@10 1@125000 1@125000 1@125000", "n y y n n")]
    public void The_next_read_waits_inside_a_burst_and_at_the_start_of_one_after_a_burst(string reads, string waits)
    {
        var coalescing = new ReceiveCoalescing();
        var got = reads.Split(' ').Select(r => r.Split('@')).Select(p => coalescing.AfterRead(int.Parse(p[0]), TimeSpan.FromMicroseconds(int.Parse(p[1]))) ? "y" : "n");

        Assert.Equal(waits, string.Join(' ', got));
    }

    [Fact]
    public void The_window_is_shorter_than_the_gap_that_ends_a_burst()
    {
        Assert.True(ReceiveCoalescing.DefaultWindow > TimeSpan.Zero);
        Assert.True(ReceiveCoalescing.BurstGap > 2 * ReceiveCoalescing.DefaultWindow);
    }
}

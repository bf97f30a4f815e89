using KeepAlive.Actors.Tracking;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>keepalived 2.2.7 vrrp_track.c (weight × weight_multiplier; reverse is a multiplier of −1).</summary>
public class TrackerPolicyTests
{
    [Theory]
    [InlineData(true, 0, false, false, 0)]
    [InlineData(false, 0, false, true, 0)]       // unweighted: FAULT while down
    [InlineData(true, 0, true, true, 0)]         // weight 0 reverse: FAULT while up
    [InlineData(true, 20, false, false, 20)]     // +w while up
    [InlineData(false, 20, false, false, 0)]
    [InlineData(false, -30, false, false, -30)]  // −|w| while down
    [InlineData(true, -30, false, false, 0)]
    [InlineData(true, -30, true, false, 0)]      // reverse negates the contribution, the condition stays
    [InlineData(false, -30, true, false, 30)]
    [InlineData(true, 20, true, false, -20)]
    [InlineData(false, 20, true, false, 0)]
    public void Up_down_trackers(bool up, int weight, bool reverse, bool faulting, int contribution) =>
        Assert.Equal(new TrackerEffect(faulting, contribution), TrackerPolicy.UpDown(up, weight, reverse));

    [Theory]
    [InlineData(0, 0, false, false, 0)]
    [InlineData(5, 0, false, true, 0)]           // unweighted: any non-zero value is a failure
    [InlineData(0, 0, true, true, 0)]            // reverse: zero is the failure
    [InlineData(10, 5, false, false, 50)]
    [InlineData(100, 5, false, false, 253)]      // capped
    [InlineData(-50, 5, false, false, -250)]     // −250 > −254: a contribution
    [InlineData(-60, 5, false, true, 0)]         // −300 ≤ −254: FAULT
    [InlineData(10, 5, true, false, -50)]
    public void Track_files(long value, int weight, bool reverse, bool faulting, int contribution) =>
        Assert.Equal(new TrackerEffect(faulting, contribution), TrackerPolicy.File(value, weight, reverse));
}

using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The advert timer's first deadline on the node's grid: rounded up, never earlier, less than one grid later.</summary>
public sealed class AdvertGridTests
{
    [Theory]
    [InlineData(1_000_000, 1_000_000, 0, 2_000_000)]            // no grid: as asked
    [InlineData(1_000_000, 1_000_000, 2_000, 2_000_000)]        // on the grid already
    [InlineData(1_000_001, 1_000_000, 2_000, 2_002_000)]        // one microsecond past: the next grid point
    [InlineData(1_001_999, 1_000_000, 2_000, 2_002_000)]
    [InlineData(1_000_500, 100_000, 2_000, 1_102_000)]
    [InlineData(-1_500, 1_000, 2_000, 0)]                       // a clock below zero rounds up too
    [InlineData(5, -10, 2_000, 2_000)]                          // a negative delay counts as none
    public void The_first_deadline_is_rounded_up_to_the_grid(long now, long delay, long grid, long expected) =>
        Assert.Equal(expected, VrrpInstanceActor.ScheduleAdvertFor(now, delay, grid));

    [Fact]
    public void Instances_started_microseconds_apart_share_their_deadline()
    {
        var deadlines = Enumerable.Range(0, 255).Select(i => VrrpInstanceActor.ScheduleAdvertFor(7_000_100 + i * 7, 1_000_000, 2_000)).Distinct().ToList();
        Assert.Single(deadlines);
        Assert.InRange(deadlines[0] - (7_000_100 + 254 * 7 + 1_000_000), 0, 2_000);
    }
}

using KeepAlive.Actors.Lvs;

namespace KeepAlive.Actors.Tests.Lvs;

public sealed class ResyncBackoffTests
{
    [Theory]
    [InlineData(5, 0, 5)]
    [InlineData(5, 1, 10)]
    [InlineData(5, 2, 20)]
    [InlineData(5, 5, 160)]
    [InlineData(5, 6, 300)]                 // capped at 5 min
    [InlineData(5, int.MaxValue, 300)]
    [InlineData(5, -3, 5)]
    [InlineData(0, 4, 0)]
    [InlineData(600, 3, 600)]               // a first delay above the cap is kept as it is
    public void Doubles_from_the_first_delay_up_to_the_cap(double first, int failures, double expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), ResyncBackoff.Delay(TimeSpan.FromSeconds(first), failures));
}

using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class FileCheckPolicyTests
{
    [Theory]
    // value, weight, reverse, up, dynamic weight (configured weight 5)
    [InlineData(0L, 1, false, true, null)] // the default weight 1: 0 is up at the configured weight
    [InlineData(3L, 1, false, true, 8L)]
    [InlineData(-3L, 1, false, true, 2L)]
    [InlineData(-10L, 1, false, true, -5L)] // up, but IPVS gets weight 0 (real_weight clamps)
    [InlineData(3L, 1, true, true, 2L)]
    [InlineData(3L, 2, false, true, 11L)]
    [InlineData(0L, 0, false, true, null)] // weight 0: non-zero is down
    [InlineData(4L, 0, false, false, null)]
    [InlineData(-4L, 0, false, false, null)]
    [InlineData(0L, 0, true, false, null)] // weight 0 reverse: zero is down
    [InlineData(4L, 0, true, true, null)]
    [InlineData(-2147483648L, 1, false, false, null)] // exactly IPVS_WEIGHT_FAULT
    [InlineData(-2147483647L, 1, false, true, -2147483642L)]
    [InlineData(2147483648L, 1, true, false, null)] // 2^31 reversed is the fault weight
    [InlineData(-1000L, 2147483647, false, false, null)] // clamped to the fault weight
    [InlineData(1000L, 2147483647, false, true, 2147483652L)] // clamped to INT_MAX, plus the configured weight
    public void The_value_maps_as_update_track_file_status(long value, int weight, bool reverse, bool up, long? dynamicWeight)
    {
        var result = FileCheckPolicy.Evaluate(value, weight, reverse, configuredWeight: 5);
        Assert.Equal(up, result.Result.Success);
        Assert.Equal(dynamicWeight, result.DynamicWeight);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Result.Reason);
    }
}

using KeepAlive.Controller.Service.Memory;

namespace KeepAlive.Controller.Tests.Service.Memory;

public sealed class YoungGenerationPolicyTests
{
    private const long Mb = 1 << 20;

    [Fact]
    public void The_first_sample_only_sets_the_baseline_however_much_was_allocated_before()
    {
        var policy = new YoungGenerationPolicy(4 * Mb);
        Assert.False(policy.ShouldCollect(500 * Mb, 0));
        Assert.False(policy.ShouldCollect(503 * Mb, 0));
        Assert.True(policy.ShouldCollect(504 * Mb, 0));
    }

    // (allocated MB at each sample, gen0 count at each sample) -> whether each sample asks for a collection
    [Theory]
    [InlineData(new long[] { 0, 1, 2, 3 }, new[] { 0, 0, 0, 0 }, new[] { false, false, false, false })]
    [InlineData(new long[] { 0, 2, 4 }, new[] { 0, 0, 0 }, new[] { false, false, true })]
    [InlineData(new long[] { 0, 3, 5, 7 }, new[] { 0, 0, 1, 1 }, new[] { false, false, false, false })] // the runtime collected at 5
    [InlineData(new long[] { 0, 3, 5, 9 }, new[] { 0, 0, 1, 1 }, new[] { false, false, false, true })]
    [InlineData(new long[] { 10, 2, 5, 6 }, new[] { 0, 0, 0, 0 }, new[] { false, false, false, true })] // a counter that went back: new baseline
    [InlineData(new long[] { 0, 40 }, new[] { 0, 0 }, new[] { false, true })]
    public void A_sample_asks_for_a_collection_once_the_budget_is_allocated_since_the_last_collection(long[] allocatedMb, int[] collections, bool[] expected)
    {
        var policy = new YoungGenerationPolicy(4 * Mb);
        var actual = allocatedMb.Select((a, i) => policy.ShouldCollect(a * Mb, collections[i])).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Without_a_collection_it_keeps_asking_and_after_one_it_waits_for_the_next_budget()
    {
        var policy = new YoungGenerationPolicy(4 * Mb);
        Assert.False(policy.ShouldCollect(0, 0));
        Assert.True(policy.ShouldCollect(5 * Mb, 0));
        Assert.True(policy.ShouldCollect(6 * Mb, 0));
        policy.Collected(6 * Mb, 1);
        Assert.False(policy.ShouldCollect(9 * Mb, 1));
        Assert.True(policy.ShouldCollect(10 * Mb, 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_budget_must_be_positive(long budget) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new YoungGenerationPolicy(budget));
}

using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>The actors' side of the takeover rehearsal: one quiet instance and its I/O actor on an in-memory network go
/// through BACKUP, MASTER and a stop with priority 0, log nothing, and leave no actor behind.</summary>
public sealed class ActorPathRehearsalSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(output: output)
{
    public static TheoryData<int, long> Templates => new() { { 2, 1_000_000 }, { 3, 100_000 } };

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task A_quiet_instance_takes_over_and_stops_with_priority_zero_and_leaves_nothing_behind(int version, long interval)
    {
        var template = new VrrpSettings { Version = version, Vrid = 51, Priority = 150, AdvertIntervalMicros = interval, PrimaryAddress = [10, 0, 0, 1] };
        ActorRehearsalReport? report = null;
        await EventFilter.Custom(e => e.Message?.ToString()?.Contains("rehearsal", StringComparison.Ordinal) == true).ExpectAsync(0, async () =>
        {
            report = await ActorPathRehearsal.RunAsync(Sys, template, null, () => DateTime.UtcNow.Ticks / 10, TimeSpan.FromSeconds(10));
        });

        Assert.Equal([VrrpState.Backup, VrrpState.Master, VrrpState.Stopped], report!.States);
        Assert.True(report.Adverts >= 2, $"{report.Adverts} adverts");
        Assert.Equal(1, report.PriorityZeroAdverts);
        await AwaitAssertAsync(async () =>
        {
            var left = await Sys.ActorSelection("/user/rehearsal-*").ResolveOne(TimeSpan.FromMilliseconds(200)).ContinueWith(t => t.IsCompletedSuccessfully);
            Assert.False(left, "a rehearsal actor is still there");
        }, TimeSpan.FromSeconds(5));
    }
}

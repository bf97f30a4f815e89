using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>A flood of bad adverts gives one line per reason at once and one summary per period, not one per packet.</summary>
public sealed class DiscardLogTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(60);
    private static readonly System.Net.IPAddress Source = System.Net.IPAddress.Parse("10.0.0.9");

    [Fact]
    public void A_flood_logs_the_first_of_each_reason_then_one_summary_per_period()
    {
        var log = new DiscardLog();
        var lines = new List<string>();
        for (int i = 0; i < 10_000; i++)
        {
            if (log.Discarded(i % 2 == 0 ? VrrpDiscard.BadTtl : VrrpDiscard.BadChecksum, Source, "eth0") is { } line)
                lines.Add(line);
        }
        Assert.Equal(2, lines.Count);
        Assert.Contains("invalid TTL/HL", lines[0]);
        Assert.Contains("10.0.0.9", lines[0]);
        Assert.True(log.SummaryDue);
        var summary = log.Summarise("eth0", Period);
        Assert.Equal("eth0: 9998 more adverts discarded in the last 60 s: invalid TTL/HL 4999, invalid checksum 4999", summary);
        Assert.True(log.SummaryDue);                        // the flood may go on: the next period is summed up too
    }

    [Fact]
    public void A_quiet_period_ends_the_episode_and_the_next_discard_is_logged_at_once()
    {
        var log = new DiscardLog();
        Assert.NotNull(log.Discarded(VrrpDiscard.BadTtl, Source, "eth0"));
        Assert.Null(log.Summarise("eth0", Period));
        Assert.False(log.SummaryDue);
        Assert.NotNull(log.Discarded(VrrpDiscard.BadTtl, Source, "eth0"));
    }

    [Theory]
    [InlineData(VrrpDiscard.UnknownVrid)]
    [InlineData(VrrpDiscard.None)]
    public void Other_routers_adverts_are_never_logged(VrrpDiscard reason)
    {
        var log = new DiscardLog();
        for (int i = 0; i < 100; i++)
            Assert.Null(log.Discarded(reason, Source, "eth0"));
        Assert.False(log.SummaryDue);
    }
}

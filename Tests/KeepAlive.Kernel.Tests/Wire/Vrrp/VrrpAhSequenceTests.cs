using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>keepalived 2.2.7's AH counter (vrrp.c ipsecah_counter): one number per instance for sent and accepted.</summary>
public class VrrpAhSequenceTests
{
    [Fact]
    public void The_first_advert_carries_1_and_each_next_one_more()
    {
        var s = new VrrpAhSequence();
        Assert.Equal([1u, 2u, 3u], new[] { s.Next(), s.Next(), s.Next() });
        Assert.False(s.Cycled);
    }

    // (start: adverts sent first, heard number, in BACKUP?) → (counter after, next advert)
    [Theory]
    [InlineData(0u, 500u, true, 500u, 501u)]        // a backup follows the master: as MASTER it goes on above it
    [InlineData(10u, 5u, true, 10u, 11u)]           // an older number (per-sender check passed) never lowers ours
    [InlineData(10u, 10u, false, 10u, 11u)]
    [InlineData(10u, uint.MaxValue, false, uint.MaxValue, uint.MaxValue)] // a hostile maximum saturates, never wraps
    public void Accepted_numbers_only_move_the_counter_up(uint sent, uint heard, bool backup, uint after, uint next)
    {
        var s = new VrrpAhSequence();
        for (uint i = 0; i < sent; i++)
            s.Next();

        s.Accepted(heard, backup);

        Assert.Equal(after, s.Current);
        Assert.Equal(next, s.Next());
    }

    // keepalived vrrp_state_master_rx: "Syncing seq_num - Increment seq": counter = heard + 1, the answer heard + 2.
    [Theory]
    [InlineData(3u, 100u, 101u, 102u)]
    [InlineData(300u, 100u, 300u, 301u)]            // never lowered (a number below ours passed the per-sender check)
    [InlineData(0u, uint.MaxValue, uint.MaxValue, uint.MaxValue)]
    [InlineData(0u, 0xFFFFFFFEu, uint.MaxValue, uint.MaxValue)]
    public void A_master_hearing_a_lower_priority_syncs_above_its_number(uint sent, uint heard, uint after, uint answer)
    {
        var s = new VrrpAhSequence();
        for (uint i = 0; i < sent; i++)
            s.Next();

        s.LowerPrioritySeen(heard);

        Assert.Equal(after, s.Current);
        Assert.Equal(answer, s.Next());
    }

    [Fact]
    public void Above_0xFFFFFFFD_the_counter_stops_and_becoming_master_starts_it_again()
    {
        var s = new VrrpAhSequence();
        s.Accepted(0xFFFFFFFD, backup: true);
        Assert.Equal(0xFFFFFFFEu, s.Next());
        Assert.False(s.Cycled);

        Assert.Equal(0xFFFFFFFEu, s.Next());              // stuck: peers drop it as a replay and take over
        Assert.True(s.Cycled);
        Assert.Equal(0xFFFFFFFEu, s.Next());

        s.EnteringMaster();
        Assert.False(s.Cycled);
        Assert.Equal(1u, s.Next());
    }

    [Fact]
    public void Becoming_master_numbers_its_first_advert_a_lead_above_the_highest_seen()
    {
        var s = new VrrpAhSequence();
        s.Accepted(41, backup: true);
        s.EnteringMaster();
        Assert.Equal(41u + VrrpAhSequence.MasterLead, s.Next());   // above an advert the old master sends meanwhile
        Assert.Equal(42u + VrrpAhSequence.MasterLead, s.Next());
    }

    [Fact]
    public void The_lead_stops_where_the_counter_stops()
    {
        var s = new VrrpAhSequence();
        s.Accepted(VrrpAhSequence.LastIncremented - 2, backup: true);
        s.EnteringMaster();
        Assert.Equal(VrrpAhSequence.LastIncremented + 1, s.Next());
        Assert.False(s.Cycled);
        Assert.Equal(VrrpAhSequence.LastIncremented + 1, s.Next());
        Assert.True(s.Cycled);
    }

    [Theory]
    [InlineData("backup-hears-at-least-ours", true)]
    [InlineData("backup-hears-less", false)]
    [InlineData("master-hears-higher-priority", true)]
    [InlineData("master-syncs-to-lower-priority", true)]
    [InlineData("master-hears-without-stepping-down", false)]
    public void A_cycled_counter_is_cleared_only_as_keepalived_clears_it(string what, bool cleared)
    {
        var s = new VrrpAhSequence();
        s.Accepted(uint.MaxValue, backup: false);
        s.Next();
        Assert.True(s.Cycled);

        switch (what)
        {
            case "backup-hears-at-least-ours":
                s.Accepted(uint.MaxValue, backup: true);
                break;
            case "backup-hears-less":
                s.Accepted(5, backup: true);
                break;
            case "master-hears-higher-priority":
                s.HigherPrioritySeen();
                break;
            case "master-syncs-to-lower-priority":
                s.LowerPrioritySeen(7);
                break;
            case "master-hears-without-stepping-down":
                s.Accepted(uint.MaxValue, backup: false);
                break;
        }

        Assert.Equal(!cleared, s.Cycled);
    }

    [Fact]
    public void Ip_identifications_count_from_1_and_skip_0_on_wrap()
    {
        var s = new VrrpAhSequence();
        Assert.Equal(1, s.NextIpId());
        for (int i = 2; i <= ushort.MaxValue; i++)
            s.NextIpId();
        Assert.Equal(1, s.NextIpId());
    }
}

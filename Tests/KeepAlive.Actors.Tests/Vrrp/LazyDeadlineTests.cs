using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The lazily armed master-down timer: pushed later it schedules nothing, its early tick re-arms for the
/// rest, pulled earlier it schedules at once, cancelled its tick is dropped, and the expiry is always delivered at
/// the last deadline asked for with the last generation.</summary>
public sealed class LazyDeadlineTests
{
    [Fact]
    public void The_first_arm_schedules()
    {
        var d = new LazyDeadline();
        Assert.True(d.Arm(now: 1_000, delayMicros: 360_000, generation: 1));
        Assert.True(d.TickPending);
    }

    [Fact]
    public void Pushing_later_schedules_nothing_and_the_early_tick_rearms_for_the_rest()
    {
        var d = new LazyDeadline();
        Assert.True(d.Arm(0, 360_000, 1));
        Assert.False(d.Arm(100_000, 360_000, 2));                 // an advert: deadline 460 ms
        Assert.False(d.Arm(200_000, 360_000, 3));                 // another: 560 ms
        Assert.Equal(LazyTickOutcome.Rearm, d.Fired(360_000));
        Assert.Equal(200_000, d.Remaining);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(560_000));
        Assert.Equal(3, d.Generation);
        Assert.False(d.TickPending);
    }

    [Fact]
    public void Pulling_earlier_schedules_at_once()
    {
        var d = new LazyDeadline();
        Assert.True(d.Arm(0, 360_000, 1));
        Assert.True(d.Arm(50_000, 61_000, 2));                    // priority 0 heard: Skew_Time
        Assert.Equal(LazyTickOutcome.Due, d.Fired(111_000));
        Assert.Equal(2, d.Generation);
    }

    [Fact]
    public void A_tick_after_cancel_is_dropped_and_a_new_arm_schedules_again()
    {
        var d = new LazyDeadline();
        d.Arm(0, 360_000, 1);
        d.Cancel();
        Assert.False(d.TickPending);
        Assert.Equal(LazyTickOutcome.Drop, d.Fired(360_000));
        Assert.True(d.Arm(400_000, 360_000, 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(LazyDeadline.DueSlackMicros)]
    public void A_tick_within_the_slack_before_the_deadline_is_due(long early)
    {
        var d = new LazyDeadline();
        d.Arm(0, 1_000, 7);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(1_000 - early));
    }

    [Fact]
    public void A_late_tick_is_due_and_a_second_tick_without_a_new_arm_is_dropped()
    {
        var d = new LazyDeadline();
        d.Arm(0, 1_000, 1);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(9_000));
        Assert.Equal(LazyTickOutcome.Drop, d.Fired(10_000));
    }

    [Fact]
    public void Negative_delays_count_as_zero()
    {
        var d = new LazyDeadline();
        Assert.True(d.Arm(5_000, -10, 1));
        Assert.Equal(LazyTickOutcome.Due, d.Fired(5_000));
    }

    [Fact]
    public void Random_arm_sequences_always_expire_at_the_last_deadline_with_the_last_generation()
    {
        var random = new Random(11);
        for (int run = 0; run < 500; run++)
        {
            var d = new LazyDeadline();
            long now = 0, scheduledAt = long.MaxValue, wanted = 0, generation = 0;
            int arms = random.Next(1, 20);
            for (int i = 0; i < arms; i++)
            {
                // Time passes, but never past a pending tick (the scheduler would have delivered it).
                long step = random.Next(0, 120_000);
                if (now + step >= scheduledAt)
                {
                    now = scheduledAt;
                    var outcome = d.Fired(now);
                    scheduledAt = outcome == LazyTickOutcome.Rearm ? now + d.Remaining : long.MaxValue;
                    if (outcome == LazyTickOutcome.Due)
                        Assert.True(now >= wanted - LazyDeadline.DueSlackMicros);
                    continue;
                }
                now += step;
                long delay = random.Next(0, 400_000);
                generation++;
                wanted = now + delay;
                if (d.Arm(now, delay, generation))
                    scheduledAt = now + delay;
                Assert.True(scheduledAt <= wanted, "a tick is always pending no later than the deadline");
            }
            // No more arms: the ticks run out to exactly the last deadline.
            while (scheduledAt != long.MaxValue)
            {
                now = scheduledAt;
                var outcome = d.Fired(now);
                if (outcome == LazyTickOutcome.Due)
                {
                    Assert.Equal(wanted, now);
                    Assert.Equal(generation, d.Generation);
                    break;
                }
                Assert.Equal(LazyTickOutcome.Rearm, outcome);
                scheduledAt = now + d.Remaining;
            }
        }
    }

    [Fact]
    public void With_a_lead_every_tick_is_scheduled_that_much_before_its_deadline()
    {
        var d = new LazyDeadline(leadMicros: 600);
        Assert.True(d.Arm(0, 360_000, 1));
        Assert.Equal(359_400, d.Remaining);
        Assert.False(d.Arm(100_000, 360_000, 2));                 // an advert: deadline 460 ms, the tick stays
        Assert.Equal(LazyTickOutcome.Rearm, d.Fired(359_700));    // the tick came 300 µs late
        Assert.Equal(459_400 - 359_700, d.Remaining);              // re-armed for the new deadline, 600 µs early
    }

    [Theory]
    [InlineData(459_400, 600)]                                     // on time: 600 µs to wait out
    [InlineData(459_750, 250)]                                     // 350 µs late: 250 µs left
    [InlineData(459_990, 0)]                                       // within the slack: due now
    [InlineData(461_000, 0)]                                       // after the deadline: due now
    public void With_a_lead_a_tick_within_it_is_due_after_the_rest(long tick, long dueIn)
    {
        var d = new LazyDeadline(leadMicros: 600);
        d.Arm(100_000, 360_000, 3);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(tick));
        Assert.Equal(dueIn, d.DueIn);
        Assert.Equal(3, d.Generation);
        Assert.False(d.TickPending);
    }

    [Fact]
    public void With_a_lead_a_delay_shorter_than_it_schedules_at_once_and_pulls_an_earlier_deadline_in()
    {
        var d = new LazyDeadline(leadMicros: 600);
        Assert.True(d.Arm(0, 360_000, 1));
        Assert.True(d.Arm(50_000, 400, 2));                       // Skew_Time shorter than the lead
        Assert.Equal(0, d.Remaining);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(50_010));
        Assert.Equal(390, d.DueIn);
    }

    [Fact]
    public void Without_a_lead_nothing_is_ever_waited_out()
    {
        var d = new LazyDeadline();
        d.Arm(0, 1_000, 1);
        Assert.Equal(1_000, d.Remaining);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(1_000 - LazyDeadline.DueSlackMicros));
        Assert.Equal(0, d.DueIn);
    }

    [Fact]
    public void A_deadline_counted_from_an_earlier_arrival_is_scheduled_from_the_current_time()
    {
        var d = new LazyDeadline(leadMicros: 600);
        Assert.True(d.Arm(now: 100_000, delayMicros: 360_000, generation: 1, current: 100_700));   // read 700 µs after it came
        Assert.Equal(460_000 - 600 - 100_700, d.Remaining);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(459_400));
        Assert.Equal(600, d.DueIn);
    }

    [Fact]
    public void An_arrival_older_than_its_whole_interval_is_due_at_once()
    {
        var d = new LazyDeadline(leadMicros: 600);
        Assert.True(d.Arm(now: 0, delayMicros: 1_000, generation: 1, current: 5_000));
        Assert.Equal(0, d.Remaining);
        Assert.Equal(LazyTickOutcome.Due, d.Fired(5_000));
        Assert.Equal(0, d.DueIn);
    }

    [Fact]
    public void A_tick_moved_later_by_the_timer_thread_is_not_relied_on_for_an_earlier_deadline()
    {
        var d = new LazyDeadline();
        Assert.True(d.Arm(0, 360_000, 1));                         // tick at 360 ms
        d.Deferred(560_000);                                       // the timer thread moved it for absorbed adverts
        Assert.True(d.Arm(400_000, 61_000, 2));                    // priority 0 heard: 461 ms is before the moved tick
        Assert.Equal(461_000, 400_000 + d.Remaining);
    }

    [Fact]
    public void A_deferral_to_an_earlier_time_or_with_no_tick_pending_changes_nothing()
    {
        var d = new LazyDeadline();
        d.Deferred(100_000);                                       // nothing pending
        Assert.False(d.TickPending);
        Assert.True(d.Arm(0, 360_000, 1));
        d.Deferred(200_000);                                       // earlier than the tick: ignored
        Assert.False(d.Arm(100_000, 360_000, 2));                  // 460 ms: the tick at 360 ms comes first
        Assert.True(d.Arm(150_000, 100_000, 3));                   // 250 ms: before it
    }
}

using System.Net;
using Akka.Actor;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>A MASTER's steady adverts leave from the timer thread (<see cref="AdvertPacer"/>): on time, counted, the
/// same bytes the instance would send, and never once the instance changed or stopped.</summary>
public sealed partial class VrrpInstanceActorSpecs
{
    private List<ReadOnlyMemory<byte>> AdvertPayloadsFrom(int octet) =>
        _network.Sent.Where(d => d.Source.Equals(IPAddress.Parse($"10.0.0.{octet}"))).Select(d => d.Payload).ToList();

    /// <summary>Lets <paramref name="seconds"/> adverts of <paramref name="from"/> go out, each one heard by
    /// <paramref name="listener"/> (when given) before the clock moves on: virtual time runs the timers on this
    /// thread, the listener's socket is read on its own.</summary>
    private void Seconds(int seconds, Node from, Node? listener = null)
    {
        int octet = from.Name switch { "a" => 1, "b" => 2, _ => 3 };
        for (int i = 0; i < seconds; i++)
        {
            int before = AdvertPayloadsFrom(octet).Count;
            long heard = listener is null ? 0 : Received(listener);
            Clock.Advance(TimeSpan.FromSeconds(1));
            AwaitAssert(() => Assert.Equal(before + 1, AdvertPayloadsFrom(octet).Count));
            if (listener is not null)
                AwaitAssert(() => Assert.True(Received(listener) > heard));
        }
    }

    [Fact]
    public void A_steady_master_sends_its_adverts_from_the_timer_thread_one_per_interval_each_counted_and_identical()
    {
        var (a, b) = ElectAOverB();
        Seconds(2, a, b);                                                  // the first advert publishes the next ones
        int sentBefore = AdvertPayloadsFrom(1).Count;
        Seconds(8, a, b);
        Assert.Equal(VrrpState.Backup, Status(b).State);

        var report = Report(a);
        Assert.True(report.AdvertsPaced >= 7, $"paced {report.AdvertsPaced}");
        var sent = AdvertPayloadsFrom(1);
        Assert.True(sent.Count == report.Stats.AdvertSent, $"{sent.Count} adverts on the wire, {report.Stats.AdvertSent} counted: {Wire()}");
        Assert.All(sent.Skip(sentBefore), p => Assert.True(p.Span.SequenceEqual(sent[sentBefore - 1].Span), "a paced advert differs from the instance's"));
    }

    [Fact]
    public void A_priority_change_is_in_the_very_next_advert()
    {
        var (a, _) = ElectAOverB();
        Seconds(3, a);
        Assert.True(Report(a).AdvertsPaced > 0);
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Priority, 140));
        AwaitAssert(() => Assert.Equal(140, Status(a).EffectivePriority));
        Seconds(1, a);
        Assert.Equal(140, AdvertPayloadsFrom(1)[^1].Span[2]);
        Seconds(2, a);
        Assert.All(AdvertPayloadsFrom(1).TakeLast(3), p => Assert.Equal(140, p.Span[2]));
    }

    [Fact]
    public void A_master_that_stops_sends_its_priority_0_and_nothing_after_and_one_that_dies_sends_nothing_more()
    {
        var (a, b) = ElectAOverB();
        Seconds(3, a);
        Assert.True(Report(a).AdvertsPaced > 0);

        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        AwaitAssert(() => Assert.Equal(0, AdvertPayloadsFrom(1)[^1].Span[2]));
        int afterGoodbye = AdvertPayloadsFrom(1).Count;
        AwaitAssert(() => Assert.Contains(Report(b).Peers, p => p.Priority == 0));    // b heard the goodbye
        for (int i = 0; i < 30; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            Thread.Sleep(10);
        }
        Assert.Equal(afterGoodbye, AdvertPayloadsFrom(1).Count);

        // b took over (skew time after the goodbye) and paces its own adverts; stopping its actor outright stops them.
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
        Seconds(3, b);
        Assert.True(Report(b).AdvertsPaced > 0);
        Watch(b.Instance);
        Sys.Stop(b.Instance);
        ExpectTerminated(b.Instance);
        int afterDeath = AdvertPayloadsFrom(2).Count;
        Clock.Advance(TimeSpan.FromSeconds(3));
        Thread.Sleep(100);
        Assert.Equal(afterDeath, AdvertPayloadsFrom(2).Count);
    }

    [Fact]
    public void The_node_s_stop_sends_a_steady_master_s_priority_0_from_the_roster_once_and_nothing_leaves_after_it()
    {
        var roster = new GoodbyeRoster();
        var (a, b) = ElectAOverB(goodbyes: roster);
        Assert.Equal(1, roster.Count);
        Seconds(3, a, b);
        Assert.True(Report(a).AdvertsPaced > 0);
        int before = AdvertPayloadsFrom(1).Count;

        // Sent on this thread, not the instance's; none while the instance is inside a message (the report just asked
        // for may still be finishing), so ask until it is between two.
        AwaitCondition(() => roster.SayGoodbye() == 1);
        Assert.Equal(before + 1, AdvertPayloadsFrom(1).Count);
        Assert.Equal(0, AdvertPayloadsFrom(1)[^1].Span[2]);
        Assert.Equal(0, roster.SayGoodbye());                               // once

        // Whatever comes next, the instance resigns first: a priority change sends nothing, nor does the stop's resign.
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Priority, 140));
        a.Instance.Tell(ResignInstance.Instance);
        AwaitAssert(() => Assert.Contains(Report(b).Peers, p => p.Priority == 0));
        for (int i = 0; i < 30; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            Thread.Sleep(10);
        }
        Assert.Equal(before + 1, AdvertPayloadsFrom(1).Count);
        Assert.Equal(1, Report(a).Stats.PriZeroSent);
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));

        Watch(a.Instance);
        Sys.Stop(a.Instance);
        ExpectTerminated(a.Instance);
        Assert.Equal(0, roster.Count);
    }

    [Fact]
    public void A_master_handling_a_message_or_a_backup_has_no_priority_0_on_the_roster_and_resigns_as_before()
    {
        var roster = new GoodbyeRoster();
        var (a, b) = ElectAOverB(goodbyes: roster);
        var c = Start("c", 3, 90, goodbyes: roster);                        // a BACKUP on the roster
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(c).State));
        Assert.Equal(2, roster.Count);
        Seconds(2, a, b);
        int before = AdvertPayloadsFrom(1).Count;

        // a's pacer is revoked while a handles a message (as when the stop comes in the middle of one).
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Priority, 140));
        AwaitAssert(() => Assert.Equal(140, Status(a).EffectivePriority));
        Seconds(1, a, b);
        Assert.Equal(140, AdvertPayloadsFrom(1)[^1].Span[2]);
        before = AdvertPayloadsFrom(1).Count;
        a.Instance.Tell(ResignInstance.Instance);                           // the instance's own priority 0
        AwaitAssert(() => Assert.Equal(before + 1, AdvertPayloadsFrom(1).Count));
        Assert.Equal(0, AdvertPayloadsFrom(1)[^1].Span[2]);
        Assert.Equal(0, roster.SayGoodbye());                               // resigned: nothing published
        Assert.Empty(AdvertPayloadsFrom(3));                                // c never sent anything
        Assert.Equal(before + 1, AdvertPayloadsFrom(1).Count);
    }

    [Fact]
    public void A_pacing_master_still_answers_a_lower_priority_master_at_once_and_then_paces_again()
    {
        var (a, _) = ElectAOverB();
        Seconds(3, a);
        long paced = Report(a).AdvertsPaced;
        Assert.True(paced > 0);

        // c (120) comes up cut off from a, so it becomes MASTER too; then the LAN heals.
        _network.Partition(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.3"));
        var c = Start("c", 3, 120);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(c).State));
        for (int i = 0; i < 40 && Status(c).State != VrrpState.Master; i++)
            Clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(VrrpState.Master, Status(c).State);
        // The LAN heals just after a's periodic advert: c's next advert reaches a before a's next reaches c.
        int periodic = AdvertPayloadsFrom(1).Count;
        for (int i = 0; i < 200 && AdvertPayloadsFrom(1).Count == periodic; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(10));
            Thread.Sleep(30);
        }
        _network.Heal();

        // In the 10 ms step in which c's next advert goes out, a answers it (each step is given time to settle: the
        // adverts and the answer leave from the actors' threads).
        bool answered = false;
        for (int i = 0; i < 200 && !answered; i++)
        {
            int fromA = AdvertPayloadsFrom(1).Count, fromC = AdvertPayloadsFrom(3).Count;
            Clock.Advance(TimeSpan.FromMilliseconds(10));
            Thread.Sleep(30);
            if (AdvertPayloadsFrom(3).Count == fromC)
                continue;
            AwaitAssert(() => Assert.True(AdvertPayloadsFrom(1).Count > fromA, "a did not answer c's lower-priority advert at once"));
            answered = true;
        }
        Assert.True(answered, "c sent no advert after the LAN healed");
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(c).State));

        // Having answered, a's next periodic advert goes through its machine (which clears the answer, so the next
        // lower-priority advert is answered too); only the ones after it are paced again.
        long pacedAtAnswer = Report(a).AdvertsPaced;
        Seconds(1, a);
        Assert.Equal(pacedAtAnswer, Report(a).AdvertsPaced);
        Seconds(3, a);
        Assert.True(Report(a).AdvertsPaced > paced, "a did not resume pacing its adverts");
    }
}

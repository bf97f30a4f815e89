using System.Net;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The receive side's shortcut into an instance: what it absorbs, what it refuses, what a drain gives.</summary>
public sealed class AdvertInboxTests
{
    private static readonly IPAddress Master = IPAddress.Parse("10.0.0.1");
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(5);
    private const long Down = 3_609_000;                                  // master-down interval at priority 100, 1 s adverts
    private const long Lead = 600;
    private long _now = 1_000_000;

    private AdvertInbox Inbox() => new(() => _now);

    private static AdvertIn Steady(int priority = 150, int interval = 100, VrrpChecksumFlavour flavour = VrrpChecksumFlavour.PseudoHeader, int ttl = 255) =>
        new(priority, interval, Master.GetAddressBytes(), VrrpAdvertNotes.None, flavour, ttl) { Age = TimeSpan.FromMilliseconds(1) };

    private static VrrpAdvert Wire(int priority = 150, int interval = 100) =>
        new(3, 51, (byte)priority, 1, VrrpAuthType.None, interval, 0, VrrpChecksumFlavour.PseudoHeader, System.Net.Sockets.AddressFamily.InterNetwork);

    private static bool Offer(AdvertInbox inbox, VrrpAdvert advert, IPAddress? source = null, VrrpChecksumFlavour flavour = VrrpChecksumFlavour.PseudoHeader, int ttl = 255, TimeSpan age = default) =>
        inbox.TryAbsorb(advert, source ?? Master, flavour, ttl, age, Limit);

    [Fact]
    public void Nothing_is_absorbed_before_an_advert_is_published()
    {
        var inbox = Inbox();
        Assert.False(inbox.Open);
        Assert.False(Offer(inbox, Wire()));
        Assert.False(inbox.TryDrain(out _, out _, out _));
    }

    [Fact]
    public void Repeats_of_the_published_advert_are_counted_and_drained_as_the_last_one_with_its_arrival()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire()));
        _now += 1_000_000;
        Assert.True(Offer(inbox, Wire(), age: TimeSpan.FromMilliseconds(2)));

        Assert.True(inbox.TryDrain(out var advert, out long arrival, out long count));
        Assert.Equal(2, count);
        Assert.Equal(_now - 2_000, arrival);                           // dated back to the kernel's receive time
        Assert.Equal(150, advert.Priority);
        Assert.Equal(TimeSpan.Zero, advert.Age);
        Assert.Equal(Master.GetAddressBytes(), advert.Source);
        Assert.False(inbox.TryDrain(out _, out _, out _));              // taken
        Assert.True(inbox.Open);                                         // and still absorbing
    }

    [Fact]
    public void Publishing_the_drained_advert_again_keeps_absorbing_its_repeats()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire()));
        Assert.True(inbox.TryDrain(out var drained, out _, out _));
        inbox.Revoke();                                                // the instance steps on it...
        inbox.Publish(drained, Down);                                        // ...and publishes it again
        Assert.True(Offer(inbox, Wire()));
        Assert.False(Offer(inbox, Wire(priority: 100)));
    }

    [Fact]
    public void An_IPv6_link_local_master_is_recognised_whatever_the_scope_id_its_datagrams_carry()
    {
        // Found against keepalived over IPv6 multicast: the socket's source has the interface's scope id, the
        // instance's copy has none, and IPAddress.Equals compares both.
        var linkLocal = IPAddress.Parse("fe80::1");
        var inbox = Inbox();
        inbox.Publish(new AdvertIn(150, 100, linkLocal.GetAddressBytes(), VrrpAdvertNotes.None, VrrpChecksumFlavour.PseudoHeader, 255), Down);
        var wire = Wire() with { Family = System.Net.Sockets.AddressFamily.InterNetworkV6 };
        Assert.True(Offer(inbox, wire, source: IPAddress.Parse("fe80::1%2")));
        Assert.False(Offer(inbox, wire, source: IPAddress.Parse("fe80::2%2")));
    }

    [Fact]
    public void An_arrival_is_dated_back_at_most_the_limit()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire(), age: TimeSpan.FromSeconds(3)));
        Assert.True(inbox.TryDrain(out _, out long arrival, out _));
        Assert.Equal(_now - 5_000, arrival);
    }

    public static TheoryData<string> Differences => new() { "priority", "priority 0", "interval", "source", "checksum flavour", "ttl" };

    [Theory]
    [MemberData(nameof(Differences))]
    public void An_advert_that_differs_in_anything_the_instance_looks_at_is_refused(string difference)
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        bool absorbed = difference switch
        {
            "priority" => Offer(inbox, Wire(priority: 151)),
            "priority 0" => Offer(inbox, Wire(priority: 0)),
            "interval" => Offer(inbox, Wire(interval: 200)),
            "source" => Offer(inbox, Wire(), source: IPAddress.Parse("10.0.0.9")),
            "checksum flavour" => Offer(inbox, Wire(), flavour: VrrpChecksumFlavour.MessageOnly),
            _ => Offer(inbox, Wire(), ttl: 254),
        };
        Assert.False(absorbed);
        Assert.False(inbox.TryDrain(out _, out _, out _));
    }

    [Fact]
    public void After_a_revoke_nothing_more_is_absorbed_but_what_was_absorbed_is_still_drained()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire()));
        inbox.Revoke();
        Assert.False(inbox.Open);
        Assert.False(Offer(inbox, Wire()));

        Assert.True(inbox.TryDrain(out var advert, out _, out long count));
        Assert.Equal(1, count);
        Assert.Equal(150, advert.Priority);
    }

    [Fact]
    public void A_reset_forgets_the_published_advert_and_what_was_absorbed()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire()));
        inbox.Reset();
        Assert.False(inbox.TryDrain(out _, out _, out _));
        Assert.False(Offer(inbox, Wire()));
    }

    [Fact]
    public void An_AH_advert_is_never_published()
    {
        var inbox = Inbox();
        inbox.Publish(Steady() with { AhSequence = 7 }, Down);
        Assert.False(inbox.Open);
        Assert.False(Offer(inbox, Wire()));
    }

    [Fact]
    public async Task A_drain_racing_with_absorbs_on_another_thread_loses_no_count()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        const int Total = 200_000;
        long drained = 0;
        var absorber = Task.Run(() =>
        {
            for (int i = 0; i < Total; i++)
                Assert.True(Offer(inbox, Wire()));
        });
        while (!absorber.IsCompleted)
        {
            if (inbox.TryDrain(out _, out _, out long n))
                drained += n;
        }
        await absorber;
        if (inbox.TryDrain(out _, out _, out long rest))
            drained += rest;
        Assert.Equal(Total, drained);
    }

    [Fact]
    public void A_due_tick_waits_for_the_deadline_the_absorbed_repeats_moved_and_the_instance_learns_when_it_comes()
    {
        var inbox = Inbox();
        var tick = new object();
        inbox.Publish(Steady(), Down);
        long published = _now;
        Assert.False(inbox.TryDefer(tick, Lead, out _));               // nothing absorbed: the instance's own deadline

        _now += 1_000_000;
        Assert.True(Offer(inbox, Wire()));
        _now = published + Down - Lead;                                 // the tick for the published advert comes
        Assert.True(inbox.TryDefer(tick, Lead, out long wait));
        Assert.Equal(1_000_000, wait);                                  // one interval later: the repeat's deadline less the lead

        var (moved, comesAt) = inbox.Revoke();
        Assert.Same(tick, moved);
        Assert.Equal(published + 1_000_000 + Down - Lead, comesAt);
        Assert.Equal((null, 0L), inbox.Revoke());                       // handed over once
    }

    [Fact]
    public void A_tick_within_the_lead_of_the_moved_deadline_goes_to_the_instance()
    {
        var inbox = Inbox();
        var tick = new object();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire()));
        _now += Down - Lead - LazyDeadline.DueSlackMicros;              // the repeat's own deadline is due
        Assert.False(inbox.TryDefer(tick, Lead, out long wait));
        Assert.Equal(0, wait);
        Assert.Equal((null, 0L), inbox.Revoke());
    }

    public static TheoryData<string> NoDeferral => new() { "drained", "revoked", "reset", "no master-down armed" };

    [Theory]
    [MemberData(nameof(NoDeferral))]
    public void No_tick_is_deferred_unless_repeats_wait_undrained_under_a_published_advert(string situation)
    {
        var inbox = Inbox();
        var tick = new object();
        inbox.Publish(Steady(), situation == "no master-down armed" ? 0 : Down);
        Assert.True(Offer(inbox, Wire()));
        switch (situation)
        {
            case "drained":
                Assert.True(inbox.TryDrain(out _, out _, out _));
                break;
            case "revoked":
                inbox.Revoke();
                break;
            case "reset":
                inbox.Reset();
                break;
        }
        _now += 10_000;
        Assert.False(inbox.TryDefer(tick, Lead, out _));
        Assert.Equal((null, 0L), inbox.Revoke());
    }

    [Fact]
    public void A_reset_forgets_a_deferral()
    {
        var inbox = Inbox();
        inbox.Publish(Steady(), Down);
        Assert.True(Offer(inbox, Wire()));
        Assert.True(inbox.TryDefer(new object(), Lead, out _));
        inbox.Reset();
        Assert.Equal((null, 0L), inbox.Revoke());
    }
}

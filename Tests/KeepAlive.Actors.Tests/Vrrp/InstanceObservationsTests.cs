using System.Net;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The instance's recorder: keepalived's counters from the machine's effects, STATS_CLEAR, the master's
/// address, the last transition and a bounded peer list.</summary>
public class InstanceObservationsTests
{
    private static readonly IPAddress Us = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Them = IPAddress.Parse("10.0.0.2");
    private static readonly DateTimeOffset Wall = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static VrrpMachineState State(VrrpState s) => VrrpMachineState.Initial(new VrrpSettings
    {
        Version = 3, Vrid = 1, Priority = 100, AdvertIntervalMicros = 1_000_000, PrimaryAddress = Us.GetAddressBytes(),
    }) with { State = s };

    private static AdvertIn Advert(IPAddress from, int priority, int ttl = 255) =>
        new(priority, 100, from.GetAddressBytes(), default, VrrpChecksumFlavour.PseudoHeader, ttl);

    [Fact]
    public void Counts_sends_priority_zero_and_mastership_like_keepalived()
    {
        var o = new InstanceObservations(Us);
        o.Stepped(new VrrpInput.TimerFired(10, VrrpTimer.MasterDown, 1), State(VrrpState.Master),
            [new VrrpEffect.SendAdvert(100), new VrrpEffect.Transition(VrrpState.Backup, VrrpState.Master, VrrpReason.MasterDown)], Wall);
        o.Stepped(new VrrpInput.Shutdown(20), State(VrrpState.Stopped),
            [new VrrpEffect.SendAdvert(0), new VrrpEffect.Transition(VrrpState.Master, VrrpState.Stopped, VrrpReason.Shutdown)], Wall);
        var s = o.Stats;
        Assert.Equal((2L, 1L, 1L, 0L), (s.AdvertSent, s.PriZeroSent, s.BecomeMaster, s.ReleaseMaster));
        Assert.Equal(new TransitionRecord(VrrpState.Master, VrrpState.Stopped, VrrpReason.Shutdown, Wall, 20), o.LastTransition);
        o.Stepped(new VrrpInput.AdvertReceived(30, 150, 100, Them.GetAddressBytes()), State(VrrpState.Backup),
            [new VrrpEffect.Transition(VrrpState.Master, VrrpState.Backup, VrrpReason.HigherPriorityAdvert)], Wall);
        Assert.Equal(1, o.Stats.ReleaseMaster);
    }

    [Fact]
    public void Stats_clear_zeroes_the_keepalived_counters_but_not_the_totals()
    {
        var o = new InstanceObservations(Us);
        o.Heard(Advert(Them, 0), 1, Wall);
        o.Heard(Advert(Them, 100), 2, Wall);
        o.Stepped(new VrrpInput.TimerFired(3, VrrpTimer.Advert, 1), State(VrrpState.Master), [new VrrpEffect.SendAdvert(100)], Wall);
        Assert.Equal((2L, 1L, 1L), (o.Stats.AdvertRcvd, o.Stats.PriZeroRcvd, o.Stats.AdvertSent));
        o.Clear();
        Assert.Equal(VrrpInstanceStats.Zero, o.Stats);
        Assert.Equal((2L, 1L, 1L), (o.Totals.AdvertRcvd, o.Totals.PriZeroRcvd, o.Totals.AdvertSent));
    }

    [Fact]
    public void The_master_is_us_the_accepted_advert_s_source_or_unknown()
    {
        var o = new InstanceObservations(Us);
        o.Stepped(new VrrpInput.Start(0), State(VrrpState.Backup), [new VrrpEffect.Transition(VrrpState.Initialize, VrrpState.Backup, VrrpReason.Startup)], Wall);
        Assert.Null(o.MasterAddress);
        o.Heard(Advert(Them, 150, ttl: 254), 5, Wall);
        o.Stepped(new VrrpInput.AdvertReceived(5, 150, 100, Them.GetAddressBytes()), State(VrrpState.Backup) with { MasterPriority = 150 },
            [new VrrpEffect.StartTimer(VrrpTimer.MasterDown, 2, 3_000_000)], Wall);
        Assert.Equal(Them, o.MasterAddress);
        var peer = Assert.Single(o.Peers);
        Assert.Equal((150, 100, 254, VrrpChecksumFlavour.PseudoHeader, 5L), (peer.Priority, peer.IntervalCentiseconds, peer.TtlOrHopLimit, peer.Checksum, peer.AtMonotonicMicros));
        // A lower-priority advert that is ignored (no timer restarted) does not change who the master is.
        var other = IPAddress.Parse("10.0.0.3");
        o.Heard(Advert(other, 50), 6, Wall);
        o.Stepped(new VrrpInput.AdvertReceived(6, 50, 100, other.GetAddressBytes()), State(VrrpState.Backup), [], Wall);
        Assert.Equal(Them, o.MasterAddress);
        // The master leaves with priority 0: unknown until someone takes over.
        o.Heard(Advert(Them, 0), 7, Wall);
        o.Stepped(new VrrpInput.AdvertReceived(7, 0, 100, Them.GetAddressBytes()), State(VrrpState.Backup), [new VrrpEffect.StartTimer(VrrpTimer.MasterDown, 3, 600_000)], Wall);
        Assert.Null(o.MasterAddress);
        o.Stepped(new VrrpInput.TimerFired(8, VrrpTimer.MasterDown, 3), State(VrrpState.Master), [new VrrpEffect.Transition(VrrpState.Backup, VrrpState.Master, VrrpReason.MasterDown)], Wall);
        Assert.Equal(Us, o.MasterAddress);
        o.Stepped(new VrrpInput.FaultChanged(9, true), State(VrrpState.Fault), [new VrrpEffect.Transition(VrrpState.Master, VrrpState.Fault, VrrpReason.FaultRaised)], Wall);
        Assert.Null(o.MasterAddress);
    }

    [Fact]
    public void A_flood_of_spoofed_sources_keeps_only_the_most_recent_peers()
    {
        var o = new InstanceObservations(Us);
        for (int i = 0; i < 1000; i++)
            o.Heard(Advert(new IPAddress([10, 1, (byte)(i / 256), (byte)(i % 256)]), 100), i, Wall);
        Assert.Equal(InstanceObservations.MaxPeers, o.Peers.Length);
        Assert.Equal(IPAddress.Parse("10.1.3.231"), o.Peers[0].Address);           // the newest (i = 999) first
        Assert.All(o.Peers, p => Assert.True(p.AtMonotonicMicros >= 1000 - InstanceObservations.MaxPeers));
        Assert.Equal(1000, o.Stats.AdvertRcvd);
    }

    [Fact]
    public void Adverts_from_known_routers_allocate_nothing()
    {
        var o = new InstanceObservations(Us);
        AdvertIn[] adverts = [Advert(Them, 150), Advert(IPAddress.Parse("10.0.0.3"), 100), Advert(IPAddress.Parse("fe80::2"), 0, ttl: 255)];
        for (int i = 0; i < 300; i++)                                   // new peers admitted, code paths warmed
            o.Heard(adverts[i % 3], i, Wall);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            o.Heard(adverts[i % 3], 1000 + i, Wall);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(1300, o.Totals.AdvertRcvd);
        Assert.Equal(3, o.Peers.Length);
        Assert.Equal((150, 1999L), (o.Peers.Single(p => p.Address.Equals(Them)).Priority, o.Peers.Max(p => p.AtMonotonicMicros)));
    }

    [Fact]
    public void Discards_fold_into_keepalived_s_categories()
    {
        var discards = new Dictionary<VrrpDiscard, long>
        {
            [VrrpDiscard.BadLength] = 1, [VrrpDiscard.BadTtl] = 2, [VrrpDiscard.PeerTtlOutOfRange] = 3, [VrrpDiscard.BadType] = 4,
            [VrrpDiscard.IntervalMismatch] = 5, [VrrpDiscard.AddressMismatch] = 6, [VrrpDiscard.AuthTypeMismatch] = 7,
            [VrrpDiscard.AuthFailure] = 8, [VrrpDiscard.BadChecksum] = 100, [VrrpDiscard.UnknownVrid] = 100,
        };
        var s = (VrrpInstanceStats.Zero with { AdvertRcvd = 9 }).WithDiscards(discards);
        Assert.Equal(
            [("advert_rcvd", 9L), ("advert_sent", 0L), ("become_master", 0L), ("release_master", 0L), ("packet_len_err", 1L), ("advert_interval_err", 5L),
             ("ip_ttl_err", 5L), ("invalid_type_rcvd", 4L), ("addr_list_err", 6L), ("invalid_authtype", 0L), ("authtype_mismatch", 7L),
             ("auth_failure", 8L), ("pri_zero_rcvd", 0L), ("pri_zero_sent", 0L)],
            s.Named().Select(p => (p.Key, p.Value)));
    }
}

using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>An instance's report and keepalived's log lines, in virtual time: two instances (150 and 100) elect on the
/// in-memory network; the logs carry keepalived's exact "Entering … STATE" text once per real change, the report says
/// who is master and why, the peers heard, keepalived's counters, STATS_CLEAR, and the I/O actor's discards per VRID.</summary>
public sealed class VrrpInstanceReportSpecs : TestKit
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public VrrpInstanceReportSpecs(Xunit.Abstractions.ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("""
            akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
            akka.loglevel = INFO
            """), output: output) => _output = output;

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private readonly InMemoryVrrpNetwork _network = new();

    private sealed record Node(IActorRef Io, IActorRef Instance);

    private Node Start(string name, int octet, int priority)
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var address = IPAddress.Parse($"10.0.0.{octet}");
        var io = Sys.ActorOf(VrrpIoActor.Props(_network.Attach("lan", 2, address)), $"io-{name}");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel), $"kernel-{name}");
        var setup = new VrrpInstanceSetup
        {
            Name = $"VI_{name}",
            Settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = priority, AdvertIntervalMicros = 1_000_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, (byte)octet],
            Source = address,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.100"), 24)],
        };
        var scheduler = Clock;
        return new Node(io, Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector), () => scheduler.Now.UtcTicks / 10), $"vrrp-{name}"));
    }

    private static InstanceReport Report(Node n) => n.Instance.Ask<InstanceReport>(GetInstanceReport.Instance, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();

    private static IoStatus Io(Node n) => n.Io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();

    [Fact]
    public void Transitions_log_keepalived_s_exact_lines_once_and_the_report_explains_the_election()
    {
        Node a = null!, b = null!;
        EventFilter.Info(contains: "(VI_a) Entering BACKUP STATE (init)").ExpectOne(() => a = Start("a", 1, 150));
        EventFilter.Info(contains: "(VI_b) Entering BACKUP STATE (init)").ExpectOne(() => b = Start("b", 2, 100));
        // a's master-down interval (3.414 s) runs out first: it alone enters MASTER, once.
        EventFilter.Info(contains: "(VI_a) Entering MASTER STATE").ExpectOne(() => Clock.Advance(TimeSpan.FromMilliseconds(3_450)));
        AwaitAssert(() => Assert.Equal(150, Report(b).MasterPriority));
        // Five more adverts: no state changes, so no "Entering" line at all.
        EventFilter.Info(contains: "Entering").Expect(0, TimeSpan.FromMilliseconds(500), () =>
        {
            for (int i = 0; i < 5; i++)
            {
                long heard = Report(b).Stats.AdvertRcvd;
                Clock.Advance(TimeSpan.FromSeconds(1));
                AwaitAssert(() => Assert.True(Report(b).Stats.AdvertRcvd > heard));
            }
        });

        var ra = Report(a);
        Assert.Equal((VrrpState.Master, 150, 150), (ra.State, ra.Priority, ra.EffectivePriority));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), ra.MasterAddress);
        Assert.Equal((VrrpState.Backup, VrrpState.Master, VrrpReason.MasterDown), (ra.LastTransition!.From, ra.LastTransition.To, ra.LastTransition.Reason));
        Assert.Equal("no advert for 3.414 s (master down)", ra.Explanation);
        Assert.InRange(ra.Stats.AdvertSent, 6, 8);
        Assert.Equal((1L, 0L), (ra.Stats.BecomeMaster, ra.Stats.ReleaseMaster));

        var rb = Report(b);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), rb.MasterAddress);
        Assert.Equal("lower priority 100 than 10.0.0.1's 150", rb.Explanation);
        var peer = Assert.Single(rb.Peers);
        Assert.Equal((IPAddress.Parse("10.0.0.1"), 150, 100, 255), (peer.Address, peer.Priority, peer.IntervalCentiseconds, peer.TtlOrHopLimit));
        Assert.Equal(VrrpChecksumFlavour.PseudoHeader, peer.Checksum);
        Assert.InRange(rb.Stats.AdvertRcvd, 6, 8);
        Assert.Equal(0, rb.Stats.AdvertSent);

        // STATS_CLEAR zeroes keepalived's counters; the lifetime totals stay for the metrics.
        b.Instance.Tell(ClearInstanceStats.Instance);
        rb = Report(b);
        Assert.Equal(VrrpInstanceStats.Zero, rb.Stats);
        Assert.InRange(rb.Totals.AdvertRcvd, 6, 8);

        // a leaves with priority 0: b logs MASTER once; a's counters show the priority-0 advert and the release.
        EventFilter.Info(contains: "(VI_b) Entering MASTER STATE").ExpectOne(() =>
        {
            a.Instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
            AwaitAssert(() => Assert.Equal(1, Report(b).Stats.PriZeroRcvd));
            Clock.Advance(TimeSpan.FromMilliseconds(700));
        });
        ra = Report(a);
        Assert.Equal((VrrpState.Stopped, 1L), (ra.State, ra.Stats.PriZeroSent));
    }

    [Fact]
    public void The_io_actor_counts_discards_for_the_instance_s_vrid_and_clears_them_on_stats_clear()
    {
        var a = Start("a", 1, 150);
        var b = Start("b", 2, 100);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Report(a).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Report(b).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_450));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Report(a).State));
        _network.TtlOnArrival = 64;                                              // a router in between: V3-R1 drops them
        for (int i = 0; i < 3; i++)
        {
            long received = Io(b).Received;
            Clock.Advance(TimeSpan.FromSeconds(1));
            AwaitAssert(() => Assert.True(Io(b).Received > received));
        }
        AwaitAssert(() => Assert.True(Io(b).DiscardsByVrid.TryGetValue(51, out var d) && d.GetValueOrDefault(VrrpDiscard.BadTtl) >= 3));
        var io = Io(b);
        Assert.Equal(io.DiscardsByVrid[51][VrrpDiscard.BadTtl], io.DiscardsByVridSinceClear[51][VrrpDiscard.BadTtl]);
        Assert.Equal("given", io.Interface);
        b.Io.Tell(ClearIoStats.Instance);
        io = Io(b);
        Assert.Empty(io.DiscardsByVridSinceClear);
        Assert.True(io.DiscardsByVrid[51][VrrpDiscard.BadTtl] >= 3);           // the lifetime count stays
    }
}

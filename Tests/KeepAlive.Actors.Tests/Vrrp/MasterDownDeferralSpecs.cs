using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>
/// A backup's master-down tick waits on the timer thread for the adverts the receive thread absorbed
/// (<see cref="MasterDownWake"/>), so in steady state it never wakes the instance. The service's scheduler on a
/// hand-driven clock, two instances on one in-memory LAN, v3 with 1 s adverts: b (100) backs up a (150), whose
/// adverts b absorbs. The instance must still take over at the last absorbed advert's deadline, and an earlier
/// deadline (a priority 0) must not wait for a tick the timer thread moved later.
/// </summary>
[Collection(ManualClockCollection.Name)]
public sealed class MasterDownDeferralSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private readonly InMemoryVrrpNetwork _network = new();
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    private sealed record Node(IActorRef Io, IActorRef Instance);

    private static long Micros() => Clock.GetTimestamp() * 1_000_000 / Stopwatch.Frequency;

    private PreciseScheduler Scheduler => (PreciseScheduler)Sys.Scheduler;

    private Node Start(string name, IPAddress address, int priority)
    {
        // On the service's VRRP dispatcher, as the node root spawns them: a tick runs the instance on the timer thread,
        // so the instance reads the clock the tick fired at.
        var io = Sys.ActorOf(VrrpIoActor.Props(_network.Attach("lan", 2, address)).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher), $"io-{name}");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(new RecordingKernelPort().WithLink("eth0")), $"kernel-{name}");
        var setup = new VrrpInstanceSetup
        {
            Name = "VI_1",
            Settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = priority, AdvertIntervalMicros = 1_000_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, address.GetAddressBytes()[3]],
            Source = address,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.100"), 24)],
            // No lead: with one, a tick inside the lead spins until the clock reaches the deadline, and this clock
            // moves only when the test moves it. The lead's arithmetic is LazyDeadline's and AdvertInbox's, tested there.
            MasterDownLeadMicros = 0,
        };
        var instance = Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector), Micros).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher), $"vrrp-{name}");
        return new Node(io, instance);
    }

    private static VrrpState State(Node n) => n.Instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3)).Result.State;

    private static IoStatus Io(Node n) => n.Io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    private static InstanceReport Report(Node n) => n.Instance.Ask<InstanceReport>(GetInstanceReport.Instance, TimeSpan.FromSeconds(3)).Result;

    /// <summary>Within 1 ms of <paramref name="expected"/> (µs).</summary>
    private static void About(long expected, long actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1_000, $"expected {expected} µs, was {actual} µs ({actual - expected:+#;-#;0} µs)");

    private int SentBy(IPAddress source) => _network.Sent.Count(d => d.Source.Equals(source));

    /// <summary>a is master, b its backup, both settled.</summary>
    private (Node A, Node B) Elect()
    {
        var a = Start("a", A, 150);
        var b = Start("b", B, 100);
        Assert.Equal(VrrpState.Backup, State(a));                     // both started before the clock moves
        Assert.Equal(VrrpState.Backup, State(b));
        for (int i = 0; i < 50; i++)
        {
            Clock.AdvanceAndSettle(100 * Ms);
            Thread.Sleep(2);
        }
        AwaitAssert(() => Assert.Equal(VrrpState.Master, State(a)));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, State(b)));
        return (a, b);
    }

    /// <summary>Moves the clock in 1 ms steps until a sends its next advert and b's socket has it.</summary>
    private void UntilNextAdvertReaches(Node b)
    {
        int sent = SentBy(A);
        long received = Io(b).Received;
        for (int i = 0; i < 1_100 && SentBy(A) == sent; i++)
            Clock.AdvanceAndSettle(Ms);
        Assert.True(SentBy(A) > sent, "a sent no advert within 1.1 s");
        AwaitAssert(() => Assert.True(Io(b).Received > received));
    }

    /// <summary>Moves the clock in 100 ms steps until the timer thread has deferred a tick once more.</summary>
    private void UntilADeferral()
    {
        long deferred = Scheduler.Stats.Deferred;
        for (int i = 0; i < 50 && Scheduler.Stats.Deferred == deferred; i++)
        {
            Clock.AdvanceAndSettle(100 * Ms);
            Thread.Sleep(2);
        }
        Assert.True(Scheduler.Stats.Deferred > deferred, "no master-down tick was deferred in 5 s of absorbed adverts");
    }

    private void Advance(TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
            Clock.AdvanceAndSettle(step);
    }

    [Fact]
    public void In_steady_state_the_tick_waits_on_the_timer_thread_and_the_takeover_still_counts_from_the_last_absorbed_advert()
    {
        var (_, b) = Elect();
        UntilADeferral();
        UntilADeferral();                                             // the steady state: the tick keeps waiting
        Assert.True(Io(b).Absorbed > 3, $"absorbed {Io(b).Absorbed}");
        Assert.Equal(VrrpState.Backup, State(b));

        UntilNextAdvertReaches(b);
        _network.Partition(A, B);
        // Nothing asks b anything until it has taken over: the last adverts reach it only through the inbox and the
        // deferred tick, as on a quiet LAN.
        long masterDown = VrrpTimers.MasterDownMicros(3, 100, 1_000_000);     // 3.609375 s
        Advance(TimeSpan.FromMicroseconds(masterDown + 10_000), Ms);
        AwaitAssert(() => Assert.Equal(VrrpState.Master, State(b)));
        var report = Report(b);
        long lastHeard = report.Peers.Single(p => p.Address.Equals(A)).AtMonotonicMicros;
        About(lastHeard + masterDown, report.LastTransition!.AtMonotonicMicros);
        Assert.Equal(Io(b).Received, report.Stats.AdvertRcvd);                 // every absorbed advert counted
    }

    [Fact]
    public void A_priority_zero_after_the_tick_was_moved_later_still_takes_over_in_skew_time()
    {
        var (a, b) = Elect();
        UntilADeferral();                                             // b's tick now comes up to ~3.6 s from here
        Clock.AdvanceAndSettle(100 * Ms);

        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        AwaitAssert(() => Assert.Contains(Report(b).Peers, p => p.Priority == 0));
        long heard = Report(b).Peers.Single(p => p.Address.Equals(A)).AtMonotonicMicros;
        long skew = 609_375;                                          // (256 - 100) / 256 of 1 s
        Advance(TimeSpan.FromMicroseconds(skew - 10_000), 10 * Ms);
        Assert.Equal(VrrpState.Backup, State(b));
        Advance(20 * Ms, Ms);
        AwaitAssert(() => Assert.Equal(VrrpState.Master, State(b)));
        About(heard + skew, Report(b).LastTransition!.AtMonotonicMicros);
    }
}

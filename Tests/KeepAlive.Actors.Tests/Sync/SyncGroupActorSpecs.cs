using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Sync;

/// <summary>Two nodes, each with a sync group of 20 instances on one LAN, in virtual time: the groups fail over
/// together in both directions, and a FAULT in one member pulls its whole group. Virtual time here is our own
/// PreciseScheduler on a hand-driven clock (its timer heap is thread-safe, unlike TestScheduler's per-tick queues,
/// which lose timers when forty actors arm them for the same tick).</summary>
[Collection(ManualClockCollection.Name)]
public sealed class SyncGroupActorSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private const int Members = 20;
    private readonly InMemoryVrrpNetwork _network = new();

    private sealed record Node(RecordingKernelPort Kernel, IActorRef Group, IReadOnlyList<IActorRef> Instances, BatchSizes Batches);

    /// <summary>The size of each batch of address adds the effector makes.</summary>
    private sealed class BatchSizes(IKernelPort inner) : DelegatingKernelPort(inner)
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> Sizes { get; } = new();

        public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses)
        {
            Sizes.Enqueue(addresses.Count);
            return base.AddAddresses(addresses);
        }
    }

    private static InterfaceAddress Vip(int vrid) => new("eth0", IPAddress.Parse($"10.0.1.{vrid}"), 24);

    private Node Start(string name, int octet, int priority, bool headStart)
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var batches = new BatchSizes(kernel);
        var address = IPAddress.Parse($"10.0.0.{octet}");
        var io = Sys.ActorOf(VrrpIoActor.Props(_network.Attach("lan", 2, address)), $"io-{name}");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(batches), $"kernel-{name}");
        var names = Enumerable.Range(1, Members).Select(v => $"VI_{v}").ToList();
        var group = Sys.ActorOf(SyncGroupActor.Props("G", names, effector: headStart ? effector : null), $"sync-{name}");
        var instances = new List<IActorRef>();
        for (int vrid = 1; vrid <= Members; vrid++)
        {
            var setup = new VrrpInstanceSetup
            {
                Name = $"VI_{vrid}",
                Settings = new VrrpSettings
                {
                    Version = 3, Vrid = (byte)vrid, Priority = priority, AdvertIntervalMicros = 1_000_000,
                    PrimaryAddress = address.GetAddressBytes(), InSyncGroup = true, GarpMasterDelayMicros = 0,
                },
                Interface = "eth0",
                InterfaceMac = [2, 0, 0, 0, 0, (byte)octet],
                Source = address,
                Destination = IPAddress.Parse("224.0.0.18"),
                VirtualAddresses = [Vip(vrid)],
            };
            instances.Add(Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector, group), () => Clock.GetTimestamp() * 1_000_000 / System.Diagnostics.Stopwatch.Frequency), $"vrrp-{name}-{vrid}"));
        }
        return new Node(kernel, group, instances, batches);
    }

    /// <summary>Lets virtual time pass in 100 ms steps, giving the actors a moment after each.</summary>
    private void Run(double seconds)
    {
        for (double t = 0; t < seconds; t += 0.1)
        {
            Clock.AdvanceAndSettle(TimeSpan.FromMilliseconds(100));
            Thread.Sleep(5);
        }
    }

    private SyncGroupStatus GroupStatus(Node n) => n.Group.Ask<SyncGroupStatus>(GetSyncGroupStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    private VrrpState GroupState(Node n) => n.Group.Ask<SyncGroupStatus>(GetSyncGroupStatus.Instance, TimeSpan.FromSeconds(3)).Result.State;

    private IReadOnlyList<VrrpState> States(Node n) =>
        n.Instances.Select(i => i.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3)).Result.State).ToList();

    private static int Vips(Node n)
    {
        n.Kernel.Addresses(out var now);
        return now.Count;
    }

    private void Expect(Node n, VrrpState state, int vips)
    {
        AwaitAssert(() =>
        {
            Assert.All(States(n), s => Assert.Equal(state, s));
            Assert.Equal(state == VrrpState.Fault ? VrrpState.Fault : state, GroupState(n));
            Assert.Equal(vips, Vips(n));
        }, TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Groups_fail_over_together_both_ways_and_fault_in_one_member_pulls_its_group(bool headStart)
    {
        var a = Start("a", 1, 150, headStart);
        var b = Start("b", 2, 100, headStart);

        Run(5);
        Expect(a, VrrpState.Master, Members);
        Expect(b, VrrpState.Backup, 0);

        // One member of a's group faults: every member of a goes FAULT (priority 0), b's group takes over.
        a.Instances[7].Tell(new InstanceCommand(VrrpInputKind.Fault));
        Run(2);
        Expect(a, VrrpState.Fault, 0);
        Expect(b, VrrpState.Master, Members);

        // The fault clears: a's members come back as BACKUP, preempt (150 > 100) together, b steps down together.
        a.Instances[7].Tell(new InstanceCommand(VrrpInputKind.FaultCleared));
        Run(5);
        Expect(a, VrrpState.Master, Members);
        Expect(b, VrrpState.Backup, 0);

        // With the head start every takeover (a's first and its preemption, b's) added all members' VIPs in one batch.
        if (headStart)
        {
            Assert.Equal(2, a.Batches.Sizes.Count(n => n == Members));
            Assert.Equal(1, b.Batches.Sizes.Count(n => n == Members));
        }
    }
}

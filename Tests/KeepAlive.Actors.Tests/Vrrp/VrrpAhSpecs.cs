using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
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

/// <summary>VRRPv2 auth_type AH between instance actors whose I/O actors own AH sockets on the in-memory network,
/// in virtual time: adverts leave as IPv4 + AH packets numbered upwards, a wrong password or a replayed packet is
/// dropped by the receiving I/O actor with its reason, and a new master goes on above the numbers it heard.</summary>
public sealed class VrrpAhSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(ConfigurationFactory.ParseString("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\""), output: output)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private readonly InMemoryVrrpNetwork _network = new();

    private sealed record Node(IPAddress Address, RecordingKernelPort Kernel, IActorRef Io, IActorRef Instance);

    private static readonly InterfaceAddress Vip = new("eth0", IPAddress.Parse("10.0.0.100"), 24);

    private Node Start(string name, int octet, int priority, string password)
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var address = IPAddress.Parse($"10.0.0.{octet}");
        var sockets = new InMemoryVrrpSocketFactory(_network).Plug("eth0", "lan", 2, address);
        var io = Sys.ActorOf(VrrpIoActor.Props(sockets, new VrrpSocketSpec("eth0", AddressFamily.InterNetwork, Multicast: true, Ah: true)), $"io-{name}");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel), $"kernel-{name}");
        var setup = new VrrpInstanceSetup
        {
            Name = $"VI_{name}",
            Settings = new VrrpSettings { Version = 2, Vrid = 51, Priority = priority, AdvertIntervalMicros = 1_000_000, PrimaryAddress = address.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = "eth0",
            InterfaceMac = [2, 0, 0, 0, 0, (byte)octet],
            Source = address,
            Destination = VrrpConstants.MulticastGroupV4,
            VirtualAddresses = [Vip],
            Authentication = VrrpAuthentication.IpsecAh(password),
        };
        var scheduler = Clock;
        var instance = Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector), () => scheduler.Now.UtcTicks / 10), $"vrrp-{name}");
        return new Node(address, kernel, io, instance);
    }

    private static InstanceStatus Status(Node n) => n.Instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    private static IoStatus Io(Node n) => n.Io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    private static long Discards(Node n, VrrpDiscard reason) => Io(n).Discards.GetValueOrDefault(reason);

    private static bool HasVip(Node n)
    {
        n.Kernel.Addresses(out var now);
        return now.Any(a => a.Key == Vip.Key);
    }

    /// <summary>The AH packets <paramref name="n"/> sent so far (whole IPv4 packets), oldest first.</summary>
    private List<byte[]> SentBy(Node n) =>
        _network.Sent.Where(d => d.Source.Equals(n.Address)).Select(d => d.Payload.ToArray()).ToList();

    private static uint Sequence(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(VrrpAh.IpHeaderLength + 8));

    private static byte Priority(byte[] packet) => packet[VrrpAh.IpHeaderLength + VrrpAh.AhHeaderLength + 2];

    /// <summary>Starts a (150) and b (100) with <paramref name="passwordB"/> and runs past a's master-down interval.</summary>
    private (Node A, Node B) Elect(string passwordB = "s3cr3t")
    {
        var a = Start("a", 1, 150, "s3cr3t");
        var b = Start("b", 2, 100, passwordB);
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        Clock.Advance(TimeSpan.FromMilliseconds(3_450));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(a).State));
        return (a, b);
    }

    /// <summary>Advances virtual time in 100 ms steps until <paramref name="condition"/> holds, at most
    /// <paramref name="seconds"/> (the actors re-arm their timers asynchronously: on a loaded machine exact counts of
    /// adverts per virtual second are not guaranteed, so the specs wait for outcomes).</summary>
    private void AdvanceUntil(Func<bool> condition, int seconds, string what)
    {
        for (int i = 0; i < seconds * 10 && !condition(); i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            Thread.Sleep(5);
        }
        AwaitAssert(() => Assert.True(condition(), what));
    }

    private void Adverts(Node receiver, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long before = Io(receiver).Received;
            Clock.Advance(TimeSpan.FromSeconds(1));
            AwaitAssert(() => Assert.True(Io(receiver).Received > before));
        }
    }

    [Fact]
    public void Ah_instances_elect_the_higher_priority_and_the_backup_goes_on_above_its_numbers_when_it_takes_over()
    {
        var (a, b) = Elect();
        AwaitAssert(() => Assert.Equal(150, Status(b).MasterPriority));
        Adverts(b, 3);
        Assert.Equal(VrrpState.Backup, Status(b).State);
        AwaitAssert(() => Assert.True(HasVip(a)));
        Assert.False(HasVip(b));
        Assert.Empty(Io(b).Discards);

        var fromA = SentBy(a);
        Assert.All(fromA, p => Assert.Equal((byte)VrrpAh.ProtocolNumber, p[9]));
        Assert.Equal(Enumerable.Range(1, fromA.Count).Select(i => (uint)i), fromA.Select(Sequence));

        // a leaves (priority 0, the next number); b takes over in skew time and numbers on a lead above a's last.
        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        AwaitAssert(() => Assert.Contains(SentBy(a), p => Priority(p) == 0));
        uint last = Sequence(SentBy(a)[^1]);
        AwaitAssert(() => Assert.True(Io(b).Received >= fromA.Count + 1));
        AdvanceUntil(() => Status(b).State == VrrpState.Master, 4, "b takes over");
        AwaitAssert(() => Assert.NotEmpty(SentBy(b)));
        Assert.Equal(last + KeepAlive.Kernel.Wire.Vrrp.VrrpAhSequence.MasterLead, Sequence(SentBy(b)[0]));
        AwaitAssert(() => Assert.True(HasVip(b)));
    }

    [Fact]
    public void A_wrong_password_is_dropped_as_bad_icv_so_both_become_master()
    {
        var (a, b) = Elect(passwordB: "other");
        // b's master-down interval (3.609 s) runs out, as it heard nothing valid; then both go on as MASTER.
        AdvanceUntil(() => Status(b).State == VrrpState.Master && Discards(b, VrrpDiscard.AhBadIcv) >= 3 && Discards(a, VrrpDiscard.AhBadIcv) >= 2,
            10, "both MASTER, each dropping the other's adverts");
        Assert.True(Io(b).DiscardsByVrid[51].GetValueOrDefault(VrrpDiscard.AhBadIcv) >= 3);
        Assert.Equal(VrrpState.Master, Status(a).State);
        Assert.Equal(-1, Status(b).MasterPriority);                 // never accepted one of a's
    }

    [Fact]
    public void A_replayed_advert_of_the_old_master_is_dropped_and_does_not_unseat_the_new_one()
    {
        var (a, b) = Elect();
        Adverts(b, 2);
        var recorded = SentBy(a)[^1];                               // a at 150

        // A tracker takes 60 off a: its adverts say 90 and b (100) preempts when its master-down interval runs out.
        a.Instance.Tell(new KeepAlive.Actors.Tracking.TrackerReport("chk", new KeepAlive.Actors.Tracking.TrackerEffect(false, -60)));
        AwaitAssert(() => Assert.Equal(90, Status(a).EffectivePriority));
        AdvanceUntil(() => Status(b).State == VrrpState.Master && Status(a).State == VrrpState.Backup, 6, "b preempts");

        // Someone on the LAN replays a's authentic 150 advert: without the sequence check b would step down.
        var attacker = _network.Attach("lan", 9, IPAddress.Parse("10.0.0.66"), ah: true);
        Assert.True(attacker.Send(recorded, a.Address, VrrpConstants.MulticastGroupV4).IsOk);
        AwaitAssert(() => Assert.Equal(1, Discards(b, VrrpDiscard.AhReplay)));
        Assert.Equal(1, Io(b).DiscardsByVrid[51][VrrpDiscard.AhReplay]);
        Assert.Equal(VrrpState.Master, Status(b).State);
        Assert.Equal(VrrpState.Backup, Status(a).State);
        AwaitAssert(() => Assert.True(HasVip(b) && !HasVip(a)));
    }

    [Fact]
    public void A_master_hearing_a_lower_priority_with_a_higher_number_answers_above_it_as_keepalived_syncs()
    {
        var (a, _) = Elect();
        AwaitAssert(() => Assert.NotEmpty(SentBy(a)));              // its first advert as MASTER (no timer runs meanwhile)
        int before = SentBy(a).Count;

        // An authentic lower-priority advert (another router of the group, its counter far ahead of a's).
        var peer = IPAddress.Parse("10.0.0.7");
        var message = new byte[64];
        Assert.True(VrrpCodec.TryEncode(message, new VrrpAdvertSpec(2, 51, 90, 100, VrrpAuthentication.IpsecAh("s3cr3t")), [10, 0, 0, 100],
            peer, VrrpConstants.MulticastGroupV4, out int length, out _));
        var key = new byte[8];
        VrrpAuthentication.IpsecAh("s3cr3t").WriteKey(key);
        var packet = new byte[128];
        Assert.True(VrrpAh.TryBuild(packet, [10, 0, 0, 7], [224, 0, 0, 18], 1, 255, false, key, 1000, message.AsSpan(0, length), out int n));
        var other = _network.Attach("lan", 7, peer, ah: true);
        Assert.True(other.Send(packet.AsSpan(0, n), peer, VrrpConstants.MulticastGroupV4).IsOk);

        // keepalived: "IPSEC-AH : Syncing seq_num - Increment seq" (1001), then its answer (1002), at once.
        AwaitAssert(() => Assert.True(SentBy(a).Count > before));
        Assert.Equal(1002u, Sequence(SentBy(a)[before]));
        Assert.Equal(VrrpState.Master, Status(a).State);
    }
}

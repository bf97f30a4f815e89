using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>Gratuitous frames wait behind the acquisitions queued before them, and never behind a release.</summary>
public sealed class EffectorFrameOrderSpecs : TestKit
{
    private static readonly InterfaceAddress VipA = new("eth0", IPAddress.Parse("10.0.0.101"), 24);
    private static readonly InterfaceAddress VipB = new("eth0", IPAddress.Parse("10.0.0.102"), 24);

    private static byte[] Frame(byte tag) => [tag, 0, 0, 0];

    private static string[] Ops(RecordingKernelPort kernel) =>
        kernel.Log.Where(o => o.Kind is KernelOpKind.AddAddress or KernelOpKind.RemoveAddress or KernelOpKind.SendFrame)
            .Select(o => o.Kind == KernelOpKind.SendFrame ? $"frame {kernel.Frames[FrameIndex(kernel, o)].Frame[0]}" : $"{o.Kind} {o.Target}")
            .ToArray();

    private static int FrameIndex(RecordingKernelPort kernel, KernelOp op) =>
        kernel.Log.Where(o => o.Kind == KernelOpKind.SendFrame).ToList().IndexOf(op);

    /// <summary>Holds the first address add until released, so the test's messages are all queued behind it.</summary>
    private sealed class GatedKernelPort(IKernelPort inner) : DelegatingKernelPort(inner)
    {
        public ManualResetEventSlim Gate { get; } = new();

        public override KernelResult AddAddress(InterfaceAddress address)
        {
            Gate.Wait(TimeSpan.FromSeconds(10));
            return base.AddAddress(address);
        }

        public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses)
        {
            Gate.Wait(TimeSpan.FromSeconds(10));
            return base.AddAddresses(addresses);
        }
    }

    [Fact]
    public void A_group_taking_over_adds_every_address_then_announces_each_once_before_repeating()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var gated = new GatedKernelPort(kernel);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(gated));

        effector.Tell(new AcquireAddresses(1, "VI_A", [VipA]));
        effector.Tell(new SendFrames(2, "eth0", [Frame(1), Frame(2)]));
        effector.Tell(new AcquireAddresses(3, "VI_B", [VipB]));
        effector.Tell(new SendFrames(4, "eth0", [Frame(3), Frame(4), Frame(5)]));
        gated.Gate.Set();

        var answered = new[] { ExpectMsg<OpCompleted>(), ExpectMsg<OpCompleted>(), ExpectMsg<OpCompleted>(), ExpectMsg<OpCompleted>() };
        Assert.Equal([1L, 3, 2, 4], answered.Select(a => a.OpId));
        Assert.All(answered, a => Assert.True(a.Result.IsOk));
        var ops = Ops(kernel);
        Assert.Equal(["AddAddress 10.0.0.101/24 dev eth0", "AddAddress 10.0.0.102/24 dev eth0", "frame 1", "frame 3", "frame 2", "frame 4", "frame 5"],
            ops.Select(o => o.Replace("label ", "").Trim()).ToArray());
    }

    /// <summary>Notes, for each answer it gets, how many addresses the kernel had been asked to add by then.</summary>
    private sealed class AnswerRecorder : ReceiveActor
    {
        public AnswerRecorder(RecordingKernelPort kernel, IActorRef forward)
        {
            Receive<OpCompleted>(done =>
            {
                int adds = kernel.Log.Count(o => o.Kind == KernelOpKind.AddAddress);
                forward.Tell((done.OpId, adds));
            });
        }
    }

    [Fact]
    public void Acquisitions_queued_together_are_all_applied_before_the_first_is_answered()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var gated = new GatedKernelPort(kernel);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(gated));
        var recorder = Sys.ActorOf(Props.Create(() => new AnswerRecorder(kernel, TestActor)));

        effector.Tell(new AcquireAddresses(1, "VI_A", [VipA]), recorder);
        effector.Tell(new AcquireAddresses(2, "VI_B", [VipB]), recorder);
        effector.Tell(new SendFrames(3, "eth0", [Frame(1)]), recorder);
        gated.Gate.Set();

        // Both VIPs are in before either owner is woken by its answer; the answers keep their order, then the frame.
        Assert.Equal((1L, 2), ExpectMsg<(long, int)>());
        Assert.Equal((2L, 2), ExpectMsg<(long, int)>());
        Assert.Equal((3L, 2), ExpectMsg<(long, int)>());
    }

    [Fact]
    public void A_failed_acquisition_behind_another_is_answered_in_order_with_its_error()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var gated = new GatedKernelPort(kernel);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(gated));
        kernel.InjectFault(KernelOpKind.AddAddress, 17);

        effector.Tell(new AcquireAddresses(1, "VI_A", [VipA]));
        effector.Tell(new AcquireAddresses(2, "VI_B", [VipB]));
        gated.Gate.Set();

        Assert.Equal(17, ExpectMsg<OpCompleted>(c => c.OpId == 1).Result.Errno);
        Assert.True(ExpectMsg<OpCompleted>(c => c.OpId == 2).Result.IsOk);
    }

    [Fact]
    public void A_lone_announcement_leaves_at_once_and_is_answered_in_order()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));

        effector.Tell(new AcquireAddresses(1, "VI_A", [VipA]));
        ExpectMsg<OpCompleted>(c => c.OpId == 1);
        effector.Tell(new SendFrames(2, "eth0", [Frame(1)]));
        ExpectMsg<OpCompleted>(c => c.OpId == 2 && c.Result.IsOk);

        Assert.Equal(["frame 1"], Ops(kernel).Where(o => o.StartsWith("frame", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_release_never_overtakes_the_announcement_of_what_it_releases()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));

        effector.Tell(new AcquireAddresses(1, "VI_A", [VipA]));
        effector.Tell(new SendFrames(2, "eth0", [Frame(1)]));
        effector.Tell(new ReleaseAddresses(3, "VI_A", [VipA]));

        Assert.Equal([1L, 2, 3], new[] { ExpectMsg<OpCompleted>(), ExpectMsg<OpCompleted>(), ExpectMsg<OpCompleted>() }.Select(a => a.OpId));
        var ops = Ops(kernel);
        Assert.Equal(3, ops.Length);
        Assert.StartsWith("AddAddress", ops[0]);
        Assert.Equal("frame 1", ops[1]);
        Assert.StartsWith("RemoveAddress", ops[2]);
    }

    [Fact]
    public void A_failed_frame_is_reported_to_its_announcement_only()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        kernel.InjectFault(KernelOpKind.SendFrame, 100);

        effector.Tell(new SendFrames(1, "eth0", [Frame(1), Frame(2)]));
        effector.Tell(new SendFrames(2, "eth0", [Frame(3)]));

        Assert.Equal(100, ExpectMsg<OpCompleted>(c => c.OpId == 1).Result.Errno);
        Assert.True(ExpectMsg<OpCompleted>(c => c.OpId == 2).Result.IsOk);
    }
}

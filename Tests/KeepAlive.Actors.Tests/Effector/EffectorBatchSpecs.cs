using System.Collections.Concurrent;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>Acquisitions queued together reach the kernel as one batch of address adds, and each stays all or
/// nothing: a failure undoes its own op only, and the ops behind it still hold everything they asked for.</summary>
public sealed class EffectorBatchSpecs : TestKit
{
    private static InterfaceAddress Vip(int last, string dev = "eth0") => new(dev, IPAddress.Parse($"10.0.0.{last}"), 24);

    /// <summary>Notes the size of each batch; the first batch waits for <see cref="Gate"/>, so that what the test sends
    /// next queues behind it; a batch can be made to throw.</summary>
    private sealed class BatchPort(IKernelPort inner) : DelegatingKernelPort(inner)
    {
        private int _throwAt = -1;

        public ManualResetEventSlim Gate { get; } = new();

        public ManualResetEventSlim Entered { get; } = new();

        public ConcurrentQueue<int> Batches { get; } = new();

        /// <summary>The batch with this (0-based) number throws instead of adding.</summary>
        public int ThrowAt
        {
            set => Volatile.Write(ref _throwAt, value);
        }

        public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses)
        {
            Entered.Set();
            Gate.Wait(TimeSpan.FromSeconds(10));
            int number = Batches.Count;
            Batches.Enqueue(addresses.Count);
            if (number == Volatile.Read(ref _throwAt))
                throw new InvalidOperationException("injected fault in a batch");
            return base.AddAddresses(addresses);
        }
    }

    private (RecordingKernelPort Kernel, BatchPort Port, IActorRef Effector) BlockedBehindAFirstAcquisition()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var port = new BatchPort(kernel);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(port));
        effector.Tell(new AcquireAddresses(1, "VI_0", [Vip(100)]));
        Assert.True(port.Entered.Wait(TimeSpan.FromSeconds(5)), "the first acquisition never reached the kernel");
        return (kernel, port, effector);
    }

    private static bool Present(RecordingKernelPort kernel, InterfaceAddress vip) =>
        kernel.Addresses(out var present).IsOk && present.Any(p => p.Key == vip.Key);

    [Fact]
    public void Acquisitions_queued_together_are_added_in_one_batch_and_answered_in_order()
    {
        var (kernel, port, effector) = BlockedBehindAFirstAcquisition();
        effector.Tell(new AcquireAddresses(2, "VI_1", [Vip(101)]));
        effector.Tell(new AcquireAddresses(3, "VI_2", [Vip(102), Vip(103)]));
        effector.Tell(new AcquireAddresses(4, "VI_3", [Vip(104)]));
        port.Gate.Set();

        Assert.Equal([1L, 2, 3, 4], Enumerable.Range(0, 4).Select(_ => ExpectMsg<OpCompleted>(c => c.Result.IsOk).OpId));
        Assert.Equal([1, 4], port.Batches);
        Assert.All(new[] { 100, 101, 102, 103, 104 }, last => Assert.True(Present(kernel, Vip(last))));
    }

    [Fact]
    public void A_failure_in_a_batch_undoes_its_own_op_only()
    {
        var (kernel, port, effector) = BlockedBehindAFirstAcquisition();
        effector.Tell(new AcquireAddresses(2, "VI_1", [Vip(101)]));
        effector.Tell(new AcquireAddresses(3, "VI_2", [Vip(102), Vip(103, "eth9")]));     // no eth9: ENODEV
        effector.Tell(new AcquireAddresses(4, "VI_3", [Vip(104)]));
        port.Gate.Set();

        ExpectMsg<OpCompleted>(c => c.OpId == 1 && c.Result.IsOk);
        ExpectMsg<OpCompleted>(c => c.OpId == 2 && c.Result.IsOk);
        Assert.Equal(RecordingKernelPort.ENODEV, ExpectMsg<OpCompleted>(c => c.OpId == 3).Result.Errno);
        ExpectMsg<OpCompleted>(c => c.OpId == 4 && c.Result.IsOk);
        Assert.False(Present(kernel, Vip(102)), "the failed op's address that went in was not taken back");
        Assert.True(Present(kernel, Vip(101)));
        Assert.True(Present(kernel, Vip(104)));
    }

    [Fact]
    public void An_op_behind_an_undone_one_still_holds_an_address_they_share()
    {
        var (kernel, port, effector) = BlockedBehindAFirstAcquisition();
        effector.Tell(new AcquireAddresses(2, "VI_1", [Vip(101), Vip(109, "eth9")]));      // fails, takes 101 back
        effector.Tell(new AcquireAddresses(3, "VI_2", [Vip(101)]));
        port.Gate.Set();

        ExpectMsg<OpCompleted>(c => c.OpId == 1 && c.Result.IsOk);
        Assert.False(ExpectMsg<OpCompleted>(c => c.OpId == 2).Result.IsOk);
        ExpectMsg<OpCompleted>(c => c.OpId == 3 && c.Result.IsOk);
        Assert.True(Present(kernel, Vip(101)), "VI_2 was answered Ok without its address");
        effector.Tell(GetEffectorStatus.Instance);
        var status = ExpectMsg<EffectorStatus>();
        Assert.Equal([Vip(101)], status.Held["VI_2"]);
        Assert.False(status.Held.ContainsKey("VI_1"));
    }

    [Fact]
    public void Acquisitions_a_restart_interrupts_are_answered_as_failed_so_their_owners_retry()
    {
        var (_, port, effector) = BlockedBehindAFirstAcquisition();
        port.ThrowAt = 1;
        effector.Tell(new AcquireAddresses(2, "VI_1", [Vip(101)]));
        effector.Tell(new AcquireAddresses(3, "VI_2", [Vip(102)]));
        port.Gate.Set();

        ExpectMsg<OpCompleted>(c => c.OpId == 1 && c.Result.IsOk);
        var interrupted = new[] { ExpectMsg<OpCompleted>(), ExpectMsg<OpCompleted>() };
        Assert.Equal([2L, 3], interrupted.Select(c => c.OpId));
        Assert.All(interrupted, c => Assert.Equal(125, c.Result.Errno));            // ECANCELED
        Assert.All(interrupted, c => Assert.Contains("restarted", c.Result.Message, StringComparison.Ordinal));

        // The restarted effector works, and still holds what it applied before the fault.
        effector.Tell(new AcquireAddresses(4, "VI_1", [Vip(101)]));
        ExpectMsg<OpCompleted>(c => c.OpId == 4 && c.Result.IsOk);
        effector.Tell(GetEffectorStatus.Instance);
        Assert.Equal([Vip(100)], ExpectMsg<EffectorStatus>().Held["VI_0"]);
    }

    [Fact]
    public void Acquisitions_handed_over_together_are_one_batch_answered_to_their_holders_who_hear_of_losses()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var port = new BatchPort(kernel);
        port.Gate.Set();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(port));
        var holder1 = CreateTestProbe();
        var holder2 = CreateTestProbe();
        effector.Tell(new AcquireAddressesTogether(
        [
            new AcquireAddresses(-1, "VI_1", [Vip(101)]) { Holder = holder1.Ref },
            new AcquireAddresses(-2, "VI_2", [Vip(102), Vip(103)]) { Holder = holder2.Ref },
        ]));

        holder1.ExpectMsg<OpCompleted>(c => c.OpId == -1 && c.Result.IsOk);
        holder2.ExpectMsg<OpCompleted>(c => c.OpId == -2 && c.Result.IsOk);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));                     // the sender (the group) is not answered
        Assert.Equal([3], port.Batches);

        kernel.RemoveAddressBehindOurBack(Vip(103));
        Assert.Equal(Vip(103), holder2.ExpectMsg<HeldAddressLost>(TimeSpan.FromSeconds(3)).Address);
    }

    [Fact]
    public void A_release_sent_after_a_head_start_is_applied_after_it()
    {
        // A member that did not become MASTER gives its head start back: the batch goes in first, then the release.
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        var holder = CreateTestProbe();
        effector.Tell(new AcquireAddressesTogether([new AcquireAddresses(-1, "VI_1", [Vip(101), Vip(102)]) { Holder = holder.Ref }]));
        effector.Tell(new ReleaseAddresses(7, "VI_1", [Vip(101), Vip(102)]));

        holder.ExpectMsg<OpCompleted>(c => c.OpId == -1 && c.Result.IsOk);
        ExpectMsg<OpCompleted>(c => c.OpId == 7 && c.Result.IsOk);
        Assert.False(Present(kernel, Vip(101)));
        Assert.False(Present(kernel, Vip(102)));
        effector.Tell(GetEffectorStatus.Instance);
        Assert.False(ExpectMsg<EffectorStatus>().Held.ContainsKey("VI_1"));
    }
}

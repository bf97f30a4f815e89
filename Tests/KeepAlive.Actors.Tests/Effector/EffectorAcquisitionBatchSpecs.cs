using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>Acquisitions queued together reach the kernel as one batch; each is still answered, in order, and is
/// all-or-nothing as when applied alone.</summary>
public sealed class EffectorAcquisitionBatchSpecs : TestKit
{
    private static InterfaceAddress Vip(int octet, string device = "eth0") => new(device, IPAddress.Parse($"10.0.0.{octet}"), 24);

    /// <summary>Holds the first address removal until released, so the acquisitions told after it wait in the mailbox.</summary>
    private sealed class GatedRemovals(IKernelPort inner) : DelegatingKernelPort(inner)
    {
        public ManualResetEventSlim Gate { get; } = new();

        public override KernelResult RemoveAddress(InterfaceAddress address)
        {
            Gate.Wait(TimeSpan.FromSeconds(10));
            return base.RemoveAddress(address);
        }
    }

    private (RecordingKernelPort Kernel, GatedRemovals Gated, IActorRef Effector) Start()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var gated = new GatedRemovals(kernel);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(gated));
        effector.Tell(new ReleaseAddresses(100, "other", [Vip(250)]));  // blocks the effector until the gate opens
        return (kernel, gated, effector);
    }

    private static string[] Held(RecordingKernelPort kernel)
    {
        kernel.Addresses(out var now);
        return now.Select(a => a.Address.ToString()).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void Acquisitions_that_arrive_together_are_added_in_one_batch_and_each_answered_in_order()
    {
        var (kernel, gated, effector) = Start();
        for (int i = 1; i <= 5; i++)
            effector.Tell(new AcquireAddresses(i, $"VI_{i}", [Vip(100 + i)]));
        gated.Gate.Set();

        Assert.Equal(100, ExpectMsg<OpCompleted>().OpId);
        var answers = Enumerable.Range(0, 5).Select(_ => ExpectMsg<OpCompleted>()).ToList();
        Assert.Equal([1L, 2, 3, 4, 5], answers.Select(a => a.OpId));
        Assert.All(answers, a => Assert.True(a.Result.IsOk));
        Assert.Equal(1, kernel.AddressBatches);
        Assert.Equal(["10.0.0.101", "10.0.0.102", "10.0.0.103", "10.0.0.104", "10.0.0.105"], Held(kernel));
    }

    [Fact]
    public void A_failure_in_a_batch_fails_only_its_own_acquisition_and_undoes_only_what_that_one_added()
    {
        var (kernel, gated, effector) = Start();
        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip(101)]));
        effector.Tell(new AcquireAddresses(2, "VI_2", [Vip(102), Vip(112, "eth9")]));    // no eth9: this one fails
        effector.Tell(new AcquireAddresses(3, "VI_3", [Vip(103)]));
        gated.Gate.Set();

        ExpectMsg<OpCompleted>();                                          // the release
        var answers = Enumerable.Range(0, 3).Select(_ => ExpectMsg<OpCompleted>()).ToList();
        Assert.Equal([1L, 2, 3], answers.Select(a => a.OpId));
        Assert.True(answers[0].Result.IsOk);
        Assert.Equal(19, answers[1].Result.Errno);                         // ENODEV
        Assert.True(answers[2].Result.IsOk);
        Assert.Equal(["10.0.0.101", "10.0.0.103"], Held(kernel));          // 10.0.0.102 was added, then undone
    }

    [Fact]
    public void A_failed_acquisition_leaves_an_address_another_of_the_batch_acquired()
    {
        var (kernel, gated, effector) = Start();
        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip(101)]));
        effector.Tell(new AcquireAddresses(2, "VI_2", [Vip(101), Vip(112, "eth9")]));
        gated.Gate.Set();

        ExpectMsg<OpCompleted>();                                          // the release
        Assert.True(ExpectMsg<OpCompleted>(c => c.OpId == 1).Result.IsOk);
        Assert.False(ExpectMsg<OpCompleted>(c => c.OpId == 2).Result.IsOk);
        Assert.Equal(["10.0.0.101"], Held(kernel));                        // VI_1's, whatever VI_2 did
    }

    [Fact]
    public void A_release_queued_after_an_acquisition_never_overtakes_it()
    {
        var (kernel, gated, effector) = Start();
        effector.Tell(new AcquireAddresses(1, "VI_1", [Vip(101)]));
        effector.Tell(new AcquireAddresses(2, "VI_2", [Vip(102)]));
        effector.Tell(new ReleaseAddresses(3, "VI_1", [Vip(101)]));
        gated.Gate.Set();

        Assert.Equal([100L, 1, 2, 3], Enumerable.Range(0, 4).Select(_ => ExpectMsg<OpCompleted>().OpId));
        Assert.Equal(["10.0.0.102"], Held(kernel));
    }
}

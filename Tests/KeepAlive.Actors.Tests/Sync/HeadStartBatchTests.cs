using System.Net;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Sync;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Sync;

/// <summary>The batch leaves once, whoever sends it and however many race to; a withdrawn op never leaves; an op
/// cannot be withdrawn once the batch has left.</summary>
public sealed class HeadStartBatchTests : TestKit
{
    private static AcquireAddresses Op(long id) =>
        new(id, $"VI_{-id}", KernelSet.Of([new InterfaceAddress("eth0", IPAddress.Parse($"10.0.1.{-id}"), 24)]));

    [Fact]
    public void Racing_senders_send_it_once()
    {
        var effector = CreateTestProbe();
        var batch = new HeadStartBatch(effector.Ref, Enumerable.Range(1, 50).Select(i => Op(-i)));
        Parallel.For(0, 16, _ => batch.EnsureSent());
        Assert.Equal(50, effector.ExpectMsg<AcquireAddressesTogether>().Ops.Count);
        effector.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_withdrawn_op_does_not_leave_and_none_can_be_withdrawn_after()
    {
        var effector = CreateTestProbe();
        var batch = new HeadStartBatch(effector.Ref, [Op(-1), Op(-2), Op(-3)]);
        Assert.True(batch.Withdraw(-2));
        Assert.True(batch.Withdraw(-9));                                 // not in it: nothing to release either
        Assert.Equal(2, batch.Count);
        batch.EnsureSent();
        Assert.Equal([-1L, -3], effector.ExpectMsg<AcquireAddressesTogether>().Ops.Select(o => o.OpId));
        Assert.False(batch.Withdraw(-3));
    }

    [Fact]
    public void An_emptied_batch_sends_nothing()
    {
        var effector = CreateTestProbe();
        var batch = new HeadStartBatch(effector.Ref, [Op(-1)]);
        Assert.True(batch.Withdraw(-1));
        batch.EnsureSent();
        effector.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.False(batch.Withdraw(-1));
    }
}

using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

public sealed class PendingFramesTests
{
    private static SendFrames Op(long id, string iface, params byte[] tags) => new(id, iface, tags.Select(t => new byte[] { t }).ToArray());

    [Fact]
    public void Frames_leave_round_by_round_and_each_announcement_gets_its_first_failure()
    {
        var pending = new PendingFrames<string>();
        pending.Add(Op(1, "eth0", 1, 2, 3), "A");
        pending.Add(Op(2, "eth1", 4), "B");
        pending.Add(Op(3, "eth0", 5, 6), "C");
        Assert.Equal(6, pending.Count);
        var sent = new List<string>();

        var answers = pending.Flush((iface, frame) =>
        {
            sent.Add($"{iface}:{frame[0]}");
            return frame[0] is 2 or 3 ? KernelResult.Fail(frame[0], "boom") : KernelResult.Ok;
        });

        Assert.Equal(["eth0:1", "eth1:4", "eth0:5", "eth0:2", "eth0:6", "eth0:3"], sent);
        Assert.Equal(["A", "B", "C"], answers.Select(a => a.ReplyTo));
        Assert.Equal([2, 0, 0], answers.Select(a => a.Result.Errno));
        Assert.True(pending.IsEmpty);
    }

    [Fact]
    public void Nothing_waiting_sends_nothing_and_an_empty_announcement_succeeds()
    {
        var pending = new PendingFrames<int>();
        Assert.Empty(pending.Flush((_, _) => throw new InvalidOperationException("nothing to send")));
        pending.Add(Op(1, "eth0"), 7);

        var answer = Assert.Single(pending.Flush((_, _) => throw new InvalidOperationException("nothing to send")));
        Assert.True(answer.Result.IsOk);
    }

    [Fact]
    public void A_send_that_throws_loses_the_queue_rather_than_sending_twice()
    {
        var pending = new PendingFrames<int>();
        pending.Add(Op(1, "eth0", 1), 1);

        Assert.Throws<InvalidOperationException>(() => pending.Flush((_, _) => throw new InvalidOperationException("port crashed")));
        Assert.True(pending.IsEmpty);
    }
}

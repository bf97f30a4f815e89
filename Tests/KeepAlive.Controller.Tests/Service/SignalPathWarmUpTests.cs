using System.Runtime.InteropServices;
using KeepAlive.Controller.Service;

namespace KeepAlive.Controller.Tests.Service;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SignalPathWarmUpTests
{
    [Fact]
    public void The_raised_sigwinch_is_handled_and_nothing_is_logged()
    {
        var lines = new List<string>();
        Assert.True(SignalPathWarmUp.Run(lines.Add));
        Assert.Empty(lines);
    }

    [Fact]
    public void A_handler_registered_by_someone_else_sees_the_warm_up_signal_and_stays_registered()
    {
        int seen = 0;
        using var other = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Interlocked.Increment(ref seen));
        Assert.True(SignalPathWarmUp.Run(_ => { }));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref seen) == 1, TimeSpan.FromSeconds(5)));
        Assert.True(SignalPathWarmUp.Run(_ => { }));                  // ours was removed, the other one was not
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref seen) == 2, TimeSpan.FromSeconds(5)));
    }
}

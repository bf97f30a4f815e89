using System.Runtime.InteropServices;
using KeepAlive.Controller.Service;

namespace KeepAlive.Controller.Tests.Service;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SignalPathWarmUpTests
{
    // The runtime starts a thread for SIGQUIT handlers; on a loaded test machine that can take longer than the
    // daemon's 1 s, so the tests wait longer. Other test classes may raise SIGQUIT too (the daemon's start-up does),
    // so counts are compared as lower bounds.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public void The_raised_sigquit_is_handled_cancelled_and_nothing_is_logged()
    {
        var lines = new List<string>();
        Assert.True(SignalPathWarmUp.Run(lines.Add, Wait));
        Assert.Empty(lines);
    }

    [Fact]
    public void A_handler_registered_by_someone_else_sees_the_warm_up_signal_and_stays_registered()
    {
        int seen = 0;
        using var other = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c =>
        {
            c.Cancel = true;
            Interlocked.Increment(ref seen);
        });
        Assert.True(SignalPathWarmUp.Run(_ => { }, Wait));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref seen) >= 1, Wait));
        int before = Volatile.Read(ref seen);
        Assert.True(SignalPathWarmUp.Run(_ => { }, Wait));            // ours was removed, the other one was not
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref seen) > before, Wait));
    }
}

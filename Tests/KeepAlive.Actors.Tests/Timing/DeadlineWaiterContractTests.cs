using System.Diagnostics;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>The <see cref="IDeadlineWaiter"/> contract for every real waiter: never returns false before the
/// deadline, a wake ends a wait and is kept when nobody waits, one wake ends one wait. No precision is asserted.</summary>
public sealed class DeadlineWaiterContractTests
{
    public static TheoryData<string> Waiters => new(OperatingSystem.IsLinux()
        ? ["managed-wait", "managed-spin", "timerfd", "nanosleep"]
        : ["managed-wait", "managed-spin"]);

    private static IDeadlineWaiter Create(string name) => name switch
    {
        "managed-wait" => new ManagedDeadlineWaiter(TimeSpan.Zero),
        "managed-spin" => new ManagedDeadlineWaiter(TimeSpan.FromMicroseconds(200)),
        "timerfd" => new TimerFdDeadlineWaiter(),
        "nanosleep" => new NanosleepDeadlineWaiter(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static long After(IDeadlineWaiter waiter, double milliseconds) =>
        waiter.GetTimestamp() + (long)(milliseconds * Stopwatch.Frequency / 1000);

    [Theory, MemberData(nameof(Waiters))]
    public void Reaching_the_deadline_returns_false_and_never_early(string name)
    {
        using var waiter = Create(name);
        Assert.NotEmpty(waiter.PrepareWaitingThread());
        foreach (double ms in new[] { 0.3, 1.5, 2.5, 20 })
        {
            long deadline = After(waiter, ms);
            bool woken = waiter.WaitUntil(deadline);
            Assert.False(woken);
            Assert.True(waiter.GetTimestamp() >= deadline, $"{name} returned before its deadline ({ms} ms)");
        }
    }

    [Theory, MemberData(nameof(Waiters))]
    public void A_past_deadline_returns_false_at_once(string name)
    {
        using var waiter = Create(name);
        Assert.False(waiter.WaitUntil(waiter.GetTimestamp() - 1));
    }

    [Theory, MemberData(nameof(Waiters))]
    public void A_wake_before_the_wait_is_kept_and_consumed_by_one_wait(string name)
    {
        using var waiter = Create(name);
        waiter.Wake();
        var clock = Stopwatch.StartNew();
        Assert.True(waiter.WaitUntil(After(waiter, 30_000)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{name} ignored a pending wake");
        long deadline = After(waiter, 5);
        Assert.False(waiter.WaitUntil(deadline)); // the wake was consumed
        Assert.True(waiter.GetTimestamp() >= deadline);
    }

    [Theory, MemberData(nameof(Waiters))]
    public void A_wake_from_another_thread_ends_an_unbounded_wait(string name)
    {
        using var waiter = Create(name);
        using var waiting = new ManualResetEventSlim();
        bool? result = null;
        var thread = new Thread(() =>
        {
            waiting.Set();
            result = waiter.WaitUntil(long.MaxValue);
        });
        thread.Start();
        waiting.Wait();
        Thread.Sleep(20); // let it block (if it has not yet, the wake is kept anyway)
        waiter.Wake();
        Assert.True(thread.Join(TimeSpan.FromSeconds(20)), $"{name} did not wake");
        Assert.True(result);
    }

    [Theory, MemberData(nameof(Waiters))]
    public void A_wake_after_dispose_is_harmless(string name)
    {
        var waiter = Create(name);
        waiter.Dispose();
        waiter.Wake();
    }
}

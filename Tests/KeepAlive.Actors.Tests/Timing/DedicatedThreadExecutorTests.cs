using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Dispatch;
using Akka.TestKit;
using KeepAlive.Actors.Timing;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>The VRRP dispatcher's executor: every runnable runs once on its threads, in queue order on one thread,
/// whether queued from outside or by a runnable; shutdown rejects new work. No timing assertions (waits are generous
/// bounds only).</summary>
public sealed class DedicatedThreadExecutorTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private sealed class Work(Action action) : IRunnable
    {
        public void Run() => action();

        public void Execute() => Run();
    }

    [Fact]
    public void Runs_every_runnable_once_on_its_named_threads()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 2);
        var ran = new ConcurrentBag<(int Index, string? Thread)>();
        using var done = new CountdownEvent(1000);
        for (int i = 0; i < 1000; i++)
        {
            int index = i;
            executor.Execute(new Work(() =>
            {
                ran.Add((index, Thread.CurrentThread.Name));
                done.Signal();
            }));
        }
        Assert.True(done.Wait(Generous));
        executor.Shutdown();
        Assert.Equal(Enumerable.Range(0, 1000), ran.Select(r => r.Index).Order());
        Assert.All(ran, r => Assert.Equal("test-dispatcher", r.Thread));
    }

    [Fact]
    public void Work_queued_by_a_runnable_runs_even_when_every_other_worker_sleeps()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 2);
        using var done = new ManualResetEventSlim();
        int hops = 0;
        void Hop()
        {
            if (Interlocked.Increment(ref hops) == 100)
                done.Set();
            else
                executor.Execute(new Work(Hop));
        }
        executor.Execute(new Work(Hop));
        Assert.True(done.Wait(Generous));
        // Later work from outside, after the workers went back to sleep, still wakes one.
        using var later = new ManualResetEventSlim();
        executor.Execute(new Work(later.Set));
        Assert.True(later.Wait(Generous));
        executor.Shutdown();
    }

    [Fact]
    public void A_runnable_waits_for_no_busy_worker_while_another_sleeps()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 2);
        using var busy = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var second = new ManualResetEventSlim();
        executor.Execute(new Work(() =>
        {
            busy.Set();
            release.Wait(Generous);
        }));
        Assert.True(busy.Wait(Generous));
        // Queued from outside (as by the timer thread) while the only awake worker is stuck in a runnable.
        executor.Execute(new Work(second.Set));
        Assert.True(second.Wait(Generous), "the sleeping worker was not woken");
        release.Set();
        executor.Shutdown();
    }

    [Fact]
    public void A_runnable_that_throws_does_not_stop_its_thread()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 1);
        using var after = new ManualResetEventSlim();
        executor.Execute(new Work(() => throw new InvalidOperationException("test")));
        executor.Execute(new Work(after.Set));
        Assert.True(after.Wait(Generous));
        executor.Shutdown();
    }

    [Fact]
    public void Shutdown_rejects_new_work()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 1);
        executor.Shutdown();
        Assert.Throws<RejectedExecutionException>(() => executor.Execute(new Work(() => { })));
    }
}

/// <summary>The VRRP dispatcher configuration selects the executor and actors on it process messages.</summary>
public sealed class VrrpDispatcherSpecs() : TestKit(PreciseSchedulerSetup.VrrpDispatcherConfig)
{
    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell((m, Thread.CurrentThread.Name)));
    }

    [Fact]
    public void An_actor_on_the_vrrp_dispatcher_runs_on_its_dedicated_threads()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher));
        for (int i = 0; i < 50; i++)
        {
            echo.Tell(i);
            var (message, thread) = ExpectMsg<(object, string?)>();
            Assert.Equal(i, message);
            Assert.Equal(PreciseSchedulerSetup.VrrpDispatcher, thread);
        }
    }
}

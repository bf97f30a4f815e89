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
// One collection: the thread-start hook they set is process-wide.
[Collection("PreciseSchedulerSetup.ThreadStarted")]
public sealed class DedicatedThreadExecutorTests
{
    private static readonly TimeSpan Generous = Work.Generous;

    [Fact]
    public void Each_thread_reports_its_role_when_it_starts_and_a_failing_hook_stops_none()
    {
        var started = new ConcurrentQueue<(string Role, string? Thread)>();
        string id = "hook-test-" + Guid.NewGuid().ToString("N");
        PreciseSchedulerSetup.ThreadStarted = role =>
        {
            if (!role.StartsWith("hook-test-", StringComparison.Ordinal))
                return;                                              // another test's executor
            started.Enqueue((role, Thread.CurrentThread.Name));
            throw new InvalidOperationException("refused");
        };
        try
        {
            var executor = new DedicatedThreadExecutor(id, 2);
            using var ran = new ManualResetEventSlim();
            executor.Execute(new Work(ran.Set));
            Assert.True(ran.Wait(Generous), "a thread whose hook threw does not run work");
            executor.Shutdown();
            SpinWait.SpinUntil(() => started.Count == 2, Generous);
            Assert.Equal([(id, id), (id, id)], started.ToArray());
        }
        finally
        {
            PreciseSchedulerSetup.ThreadStarted = null;
        }
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
    public void RunInline_runs_what_the_call_scheduled_and_what_that_scheduled_on_the_calling_thread_in_order()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 1);
        var ran = new List<(string What, int Thread)>();
        int caller = Environment.CurrentManagedThreadId;

        DedicatedThreadExecutor.RunInline(() =>
        {
            executor.Execute(new Work(() =>
            {
                ran.Add(("first", Environment.CurrentManagedThreadId));
                executor.Execute(new Work(() => ran.Add(("scheduled by first", Environment.CurrentManagedThreadId))));
            }));
            executor.Execute(new Work(() => throw new InvalidOperationException("test: a runnable throws")));
            executor.Execute(new Work(() => ran.Add(("second", Environment.CurrentManagedThreadId))));
            Assert.Empty(ran);                                  // nothing runs before the call returns
        });

        Assert.Equal(["first", "second", "scheduled by first"], ran.Select(r => r.What));
        Assert.All(ran, r => Assert.Equal(caller, r.Thread));
        Assert.Equal(0, executor.Pending);
        executor.Shutdown();
    }

    [Fact]
    public void Past_its_budget_RunInline_hands_the_rest_to_the_workers_in_order()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 1);
        var ran = new ConcurrentQueue<(string What, string? Thread)>();
        using var done = new CountdownEvent(3);
        void Record(string what)
        {
            ran.Enqueue((what, Thread.CurrentThread.Name));
            done.Signal();
        }
        var caller = new Thread(() => DedicatedThreadExecutor.RunInline(() =>
        {
            executor.Execute(new Work(() => Record("first")));
            executor.Execute(new Work(() => Record("second")));
            executor.Execute(new Work(() => Record("third")));
        }, budget: 1)) { Name = "timer" };
        caller.Start();
        Assert.True(caller.Join(Generous));

        Assert.True(done.Wait(Generous));
        Assert.Equal([("first", "timer"), ("second", "test-dispatcher"), ("third", "test-dispatcher")], ran.ToArray());
        executor.Shutdown();
    }

    [Fact]
    public void An_executor_that_does_not_run_inline_keeps_its_work_on_its_own_thread_inside_RunInline()
    {
        var inline = new DedicatedThreadExecutor("inline-dispatcher", 1);
        var own = new DedicatedThreadExecutor("effector-dispatcher", 1, runInline: false);
        var ran = new ConcurrentQueue<(string What, string? Thread)>();
        using var done = new CountdownEvent(2);
        var caller = new Thread(() => DedicatedThreadExecutor.RunInline(() => inline.Execute(new Work(() =>
        {
            ran.Enqueue(("instance", Thread.CurrentThread.Name));
            own.Execute(new Work(() =>
            {
                ran.Enqueue(("effector", Thread.CurrentThread.Name));
                done.Signal();
            }));
            done.Signal();
        })))) { Name = "receive" };
        caller.Start();
        Assert.True(caller.Join(Generous));

        Assert.True(done.Wait(Generous));
        Assert.Equal([("instance", "receive"), ("effector", "effector-dispatcher")], ran.ToArray());
        inline.Shutdown();
        own.Shutdown();
    }

    [Fact]
    public void Outside_RunInline_and_on_other_threads_work_goes_to_the_workers()
    {
        var executor = new DedicatedThreadExecutor("test-dispatcher", 1);
        using var done = new ManualResetEventSlim();
        string? thread = null;
        DedicatedThreadExecutor.RunInline(() => { });
        executor.Execute(new Work(() =>
        {
            thread = Thread.CurrentThread.Name;
            done.Set();
        }));
        Assert.True(done.Wait(Generous));
        Assert.Equal("test-dispatcher", thread);
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

    private sealed class Forward : ReceiveActor
    {
        public Forward(IActorRef next) => ReceiveAny(m => next.Forward((m, Thread.CurrentThread.Name)));
    }

    [Fact]
    public void Told_from_a_thread_inside_RunInline_a_chain_of_actors_runs_on_that_thread()
    {
        var last = Sys.ActorOf(Props.Create(() => new Echo()).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher));
        var first = Sys.ActorOf(Props.Create(() => new Forward(last)).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher));
        first.Tell("warm-up", TestActor);                      // both actors exist and have run on the workers
        ExpectMsg<(object, string?)>();
        var seen = new List<string?>();
        var receiver = new Thread(() =>
        {
            for (int i = 0; i < 20; i++)
                DedicatedThreadExecutor.RunInline(() => first.Tell(i, TestActor));
        }) { Name = "vrrp-rx test" };
        receiver.Start();
        Assert.True(receiver.Join(TimeSpan.FromSeconds(10)));
        // Each message went first → last → the test actor; last replies with its own thread, and what first saw.
        for (int i = 0; i < 20; i++)
        {
            var (forwarded, lastThread) = ExpectMsg<(object, string?)>();
            var (inner, firstThread) = Assert.IsType<(object, string?)>(forwarded);
            Assert.Equal(i, inner);
            seen.Add(firstThread);
            seen.Add(lastThread);
        }
        Assert.All(seen, t => Assert.Equal("vrrp-rx test", t));
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

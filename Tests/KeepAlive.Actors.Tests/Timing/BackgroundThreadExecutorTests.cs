using System.Collections.Concurrent;
using Akka.Dispatch;
using KeepAlive.Actors.Timing;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>The log thread's executor: every runnable runs once, in queue order, on its one named thread, whichever
/// threads queue them and however they race its going to sleep; shutdown ends the thread and rejects new work. No
/// timing assertions (waits are generous bounds only).</summary>
// One collection: the thread-start hook they set is process-wide.
[Collection("PreciseSchedulerSetup.ThreadStarted")]
public sealed class BackgroundThreadExecutorTests
{
    private static readonly TimeSpan Generous = Work.Generous;

    /// <summary>Counts wakes and waits, and notes disposal.</summary>
    private sealed class CountingWaiter : IDeadlineWaiter
    {
        private readonly ManagedDeadlineWaiter _inner = new();
        private int _wakes;

        public int Wakes => Volatile.Read(ref _wakes);

        public ManualResetEventSlim Disposed { get; } = new();

        public string Name => "counting";

        public long GetTimestamp() => _inner.GetTimestamp();

        public string PrepareWaitingThread() => _inner.PrepareWaitingThread();

        public bool WaitUntil(long deadline) => _inner.WaitUntil(deadline);

        public void Wake()
        {
            Interlocked.Increment(ref _wakes);
            _inner.Wake();
        }

        public void Dispose() => Disposed.Set();
    }

    [Fact]
    public void Runs_what_four_racing_threads_queue_once_each_in_each_thread_s_order_on_its_named_thread()
    {
        var waiter = new CountingWaiter();
        var executor = new BackgroundThreadExecutor("background-test", waiter);
        var ran = new ConcurrentQueue<(int Producer, int Index, string? Thread)>();
        using var done = new CountdownEvent(4 * 5000);
        var producers = Enumerable.Range(0, 4).Select(p => new Thread(() =>
        {
            for (int i = 0; i < 5000; i++)
            {
                int index = i;
                executor.Execute(new Work(() =>
                {
                    ran.Enqueue((p, index, Thread.CurrentThread.Name));
                    done.Signal();
                }));
                if (i % 100 == 0)
                    Thread.Sleep(1);                 // let the executor's thread go to sleep now and then
            }
        })).ToList();
        producers.ForEach(t => t.Start());
        Assert.True(done.Wait(Generous), $"{done.CurrentCount} runnables never ran");
        producers.ForEach(t => t.Join());

        var all = ran.ToArray();
        Assert.Equal(20_000, all.Length);
        Assert.All(all, r => Assert.Equal("background-test", r.Thread));
        foreach (var producer in all.GroupBy(r => r.Producer))
            Assert.Equal(Enumerable.Range(0, 5000), producer.Select(r => r.Index));
        Assert.True(waiter.Wakes > 0, "the sleeping thread was never woken");
        executor.Shutdown();
        Assert.True(waiter.Disposed.Wait(Generous), "the thread did not end at shutdown");
        Assert.Throws<RejectedExecutionException>(() => executor.Execute(new Work(() => { })));
    }

    [Fact]
    public void A_runnable_that_throws_does_not_end_the_thread()
    {
        var executor = new BackgroundThreadExecutor("background-throw", new ManagedDeadlineWaiter());
        using var ran = new ManualResetEventSlim();
        executor.Execute(new Work(() => throw new InvalidOperationException("boom")));
        executor.Execute(new Work(ran.Set));
        Assert.True(ran.Wait(Generous));
        executor.Shutdown();
    }

    [Fact]
    public void The_thread_reports_its_role_when_it_starts()
    {
        var roles = new ConcurrentQueue<(string Role, string? Thread)>();
        string id = "background-hook-" + Guid.NewGuid().ToString("N");
        PreciseSchedulerSetup.ThreadStarted = role =>
        {
            if (role == id)
                roles.Enqueue((role, Thread.CurrentThread.Name));
        };
        try
        {
            var executor = new BackgroundThreadExecutor(id, new ManagedDeadlineWaiter());
            using var ran = new ManualResetEventSlim();
            executor.Execute(new Work(ran.Set));
            Assert.True(ran.Wait(Generous));
            executor.Shutdown();
            Assert.Equal([(id, id)], roles.ToArray());
        }
        finally
        {
            PreciseSchedulerSetup.ThreadStarted = null;
        }
    }
}

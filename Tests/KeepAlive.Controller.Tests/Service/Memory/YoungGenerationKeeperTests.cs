using KeepAlive.Controller.Service.Memory;

namespace KeepAlive.Controller.Tests.Service.Memory;

public sealed class YoungGenerationKeeperTests
{
    private const long Mb = 1 << 20;

    private sealed class FakeHeap
    {
        public long Allocated;
        public int Collections;
        public int Induced;

        public (long, int) Sample() => (Allocated, Collections);

        public void Collect()
        {
            Induced++;
            Collections++;
            Allocated += 1000; // a collection allocates a little itself
        }
    }

    [Fact]
    public void A_tick_collects_when_the_budget_is_spent_and_not_again_until_the_next_budget()
    {
        var heap = new FakeHeap();
        using var keeper = new YoungGenerationKeeper(new YoungGenerationPolicy(4 * Mb), heap.Sample, heap.Collect);
        keeper.Tick();
        // MB allocated before each tick -> collections induced so far
        foreach (var (allocated, induced) in new[] { (3L, 0), (1L, 1), (3L, 1), (2L, 2) })
        {
            heap.Allocated += allocated * Mb;
            keeper.Tick();
            Assert.Equal(induced, heap.Induced);
        }
        Assert.Equal(2, keeper.Collections);
    }

    [Fact]
    public void The_runtimes_own_collections_push_the_next_one_back()
    {
        var heap = new FakeHeap();
        using var keeper = new YoungGenerationKeeper(new YoungGenerationPolicy(4 * Mb), heap.Sample, heap.Collect);
        keeper.Tick();
        for (int i = 0; i < 10; i++)
        {
            heap.Allocated += 3 * Mb;
            heap.Collections++; // the runtime collected by itself between two ticks
            keeper.Tick();
        }
        Assert.Equal(0, heap.Induced);
    }

    [Fact]
    public void The_daemons_scheduler_samples_the_real_process_until_disposed()
    {
        using var system = Akka.Actor.ActorSystem.Create("keeper", Akka.Configuration.ConfigurationFactory.ParseString(KeepAlive.Actors.Timing.PreciseSchedulerSetup.AkkaConfig));
        int samples = 0;
        var keeper = new YoungGenerationKeeper(new YoungGenerationPolicy(4 * Mb), () =>
        {
            Interlocked.Increment(ref samples);
            return (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
        }, () => { });
        keeper.Start(system.Scheduler, TimeSpan.FromMilliseconds(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref samples) < 3 && DateTime.UtcNow < deadline)
            Thread.Sleep(10);
        keeper.Dispose();
        Assert.True(Volatile.Read(ref samples) >= 3);
        int after = Volatile.Read(ref samples);
        Thread.Sleep(100);
        Assert.InRange(Volatile.Read(ref samples), after, after + 1); // at most a tick already running
    }

    [Fact]
    public void Releasing_the_start_up_garbage_runs_a_full_collection()
    {
        // 64 MB of short-lived garbage (the runtime's gen0 budget here is larger than that: nothing collects it
        // before the release, as after a daemon's start-up)
        long sink = 0;
        for (int i = 0; i < 64 * 1024; i++)
            sink += new byte[1000].Length;
        Assert.Equal(64 * 1024 * 1000, sink);
        int full = GC.CollectionCount(2);
        var (before, after) = YoungGenerationKeeper.ReleaseStartupGarbage();
        Assert.True(before > 0 && after > 0);
        Assert.True(GC.CollectionCount(2) > full); // (another test class running meanwhile may add its own)
    }
}

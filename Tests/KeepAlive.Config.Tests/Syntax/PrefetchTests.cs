using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Syntax;

public class PrefetchTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 4)]
    [InlineData(4, 4)]
    [InlineData(5, 4)]
    [InlineData(100_003, 256)]
    public void Consumer_sees_every_item_in_order(int count, int batch)
    {
        var seen = Prefetch.Ahead<int>(emit =>
        {
            for (int i = 0; i < count; i++)
                emit(i);
        }, batch).ToList();

        Assert.Equal(Enumerable.Range(0, count), seen);
    }

    [Fact]
    public void A_producer_exception_reaches_the_consumer_after_the_items_before_it()
    {
        var seen = new List<int>();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var i in Prefetch.Ahead<int>(emit =>
            {
                for (int i = 0; i < 10; i++)
                    emit(i);
                throw new InvalidOperationException("reader bug");
            }, 3))
                seen.Add(i);
        });

        Assert.Equal("reader bug", e.Message);
        Assert.Equal(Enumerable.Range(0, 10), seen);
    }

    [Fact]
    public void A_consumer_that_stops_early_stops_the_producer()
    {
        int produced = 0;
        var first = Prefetch.Ahead<int>(emit =>
        {
            for (int i = 0; i < 10_000_000; i++)
            {
                Interlocked.Increment(ref produced);
                emit(i);
            }
        }, 16).Take(5).ToList();

        Assert.Equal([0, 1, 2, 3, 4], first);
        // Bounded look-ahead: at most the batches in flight were produced, never the whole sequence.
        Assert.True(Volatile.Read(ref produced) <= 16 * (Prefetch.MaxBatchesAhead + 3), $"produced {produced}");
    }

    [Fact]
    public void A_failure_behind_a_full_queue_still_delivers_every_item_before_it()
    {
        // More batches than the queue holds, then a partial batch, then the failure: a slow consumer must still see
        // every item.
        int total = 4 * (Prefetch.MaxBatchesAhead + 2) + 3;
        var seen = new List<int>();
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var i in Prefetch.Ahead<int>(emit =>
            {
                for (int i = 0; i < total; i++)
                    emit(i);
                throw new InvalidOperationException("late failure");
            }, 4))
            {
                if (i == 0)
                    Thread.Sleep(200);
                seen.Add(i);
            }
        });

        Assert.Equal(Enumerable.Range(0, total), seen);
    }
}

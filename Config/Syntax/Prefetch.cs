using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace KeepAlive.Config.Syntax;

/// <summary>
/// Runs a producer on a worker thread, a bounded number of batches ahead of its consumer, so reading and parsing a
/// large configuration overlap with binding it. The consumer sees exactly the producer's items in order; an exception
/// of the producer is rethrown to the consumer; a consumer that stops early stops the producer. Memory is bounded:
/// batches are recycled and at most <see cref="MaxBatchesAhead"/> wait.
/// </summary>
public static class Prefetch
{
    public const int MaxBatchesAhead = 8;

    /// <summary>The items that <paramref name="produce"/> hands to its callback, produced on another thread when this
    /// machine has more than one processor (with one, the producer runs to completion in the caller's thread first).
    /// <paramref name="batchSize"/> items travel together.</summary>
    public static IEnumerable<T> Ahead<T>(Action<Action<T>> produce, int batchSize)
    {
        if (Environment.ProcessorCount > 1)
            return Run(produce, batchSize);
        var all = new List<T>();
        produce(all.Add);
        return all;
    }

    private static IEnumerable<T> Run<T>(Action<Action<T>> produce, int batchSize)
    {
        using var full = new BlockingCollection<Batch<T>>(MaxBatchesAhead);
        using var empty = new BlockingCollection<Batch<T>>();
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(() =>
        {
            var batch = new Batch<T>(batchSize);
            try
            {
                produce(item =>
                {
                    batch.Items[batch.Count++] = item;
                    if (batch.Count == batch.Items.Length)
                    {
                        full.Add(batch, stop.Token);
                        batch = empty.TryTake(out var reused) ? reused : new Batch<T>(batchSize);
                    }
                });
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped early.
                batch.Count = 0;
            }
            catch (Exception e)
            {
                // Items produced before the failure are still delivered, then the failure.
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                try
                {
                    if (batch.Count > 0 && !stop.IsCancellationRequested)
                        full.Add(batch, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // The consumer stopped while the last batch waited for room.
                }
                full.CompleteAdding();
            }
        });
        try
        {
            foreach (var batch in full.GetConsumingEnumerable())
            {
                for (int i = 0; i < batch.Count; i++)
                    yield return batch.Items[i];
                Array.Clear(batch.Items, 0, batch.Count);
                batch.Count = 0;
                empty.Add(batch);
            }
        }
        finally
        {
            stop.Cancel();
            producer.Wait();
        }
        failure?.Throw();
    }

    private sealed class Batch<T>(int size)
    {
        public readonly T[] Items = new T[size];
        public int Count;
    }
}

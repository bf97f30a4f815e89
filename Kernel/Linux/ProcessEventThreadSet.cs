namespace KeepAlive.Kernel.Linux;

/// <summary>The live subscriptions of a process watch: added when started, forgotten when they end, all stopped when
/// the watch is disposed. Thread-safe.</summary>
internal sealed class ProcessEventThreadSet
{
    private readonly object _lock = new();
    private readonly List<ProcessEventThread> _threads = [];

    public void Add(ProcessEventThread thread)
    {
        lock (_lock)
            _threads.Add(thread);
    }

    public void Forget(ProcessEventThread thread)
    {
        lock (_lock)
            _threads.Remove(thread);
    }

    /// <summary>Stops every subscription still running (each removes itself as it ends).</summary>
    public void DisposeAll()
    {
        ProcessEventThread[] threads;
        lock (_lock)
            threads = [.. _threads];
        foreach (var t in threads)
            t.Dispose();
    }
}

using System.Diagnostics.Tracing;

namespace KeepAlive.Benchmarks;

/// <summary>Allocation by type, sampled by the runtime's GCAllocationTick events (about one per 100 KB allocated):
/// an in-process view of where a stage's bytes go, without a profiler.</summary>
public sealed class AllocationTicks : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            return;
        int t = e.PayloadNames!.IndexOf("TypeName");
        int a = e.PayloadNames.IndexOf("AllocationAmount64");
        if (t < 0 || a < 0)
            return;
        var type = (string)e.Payload[t]!;
        long amount = Convert.ToInt64(e.Payload[a], System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytes)
            _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public static void Run(Action action, int repetitions, int top)
    {
        using var ticks = new AllocationTicks();
        action();
        ticks._on = true;
        for (int i = 0; i < repetitions; i++)
            action();
        ticks._on = false;
        Thread.Sleep(500);
        long total;
        List<KeyValuePair<string, long>> rows;
        lock (ticks._bytes)
        {
            total = ticks._bytes.Values.Sum();
            rows = ticks._bytes.OrderByDescending(kv => kv.Value).Take(top).ToList();
        }
        Console.WriteLine($"sampled {total / 1048576.0 / repetitions:F1} MiB per run");
        foreach (var (type, bytes) in rows)
            Console.WriteLine($"{bytes / 1048576.0 / repetitions,8:F2} MiB  {bytes * 100.0 / total,5:F1} %  {type}");
    }
}

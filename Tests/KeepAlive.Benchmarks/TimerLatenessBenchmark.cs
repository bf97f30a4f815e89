using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using KeepAlive.Actors.Timing;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Benchmarks;

/// <summary>
/// Timer lateness (not a test; run: <c>dotnet run -c Release -- timers [seconds-per-10ms-run]</c>): 255 actors with
/// IWithTimers timers (10 ms or 1 s, phases spread over one interval), measured where it matters — when the actor
/// receives the tick. Two shapes: "rearm" — a single timer re-armed on every tick (keepalived re-arms its advert
/// and master-down timers this way); lateness = receive time − (arm time + interval), exact for any scheduler.
/// "periodic" — one StartPeriodicTimer; a periodic tick has no unambiguous due time once a scheduler drifts or
/// skips, so it reports the interval error |gap between consecutive ticks − interval| (what a VRRP peer sees).
/// Each scheduler runs idle and with both cores loaded by two busy threads in this process.
/// </summary>
public static class TimerLatenessBenchmark
{
    private const int Timers = 255;

    private sealed record Variant(string Name, string Config, Func<IDeadlineWaiter>? Waiter, string? Dispatcher = null);



    public static int Run(string[] args)
    {
        double shortSeconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 6;
        var variants = new List<Variant>
        {
            new("akka default (HashedWheel 10 ms)", "", null),
            new("precise + managed-wait", PreciseSchedulerSetup.AkkaConfig, () => new ManagedDeadlineWaiter(TimeSpan.Zero)),
            new("precise + managed-wait+spin200us", PreciseSchedulerSetup.AkkaConfig, () => new ManagedDeadlineWaiter(TimeSpan.FromMicroseconds(200))),
        };
        if (OperatingSystem.IsLinux())
        {
            variants.Add(new("precise + nanosleep", PreciseSchedulerSetup.AkkaConfig, () => new NanosleepDeadlineWaiter()));
            variants.Add(new("precise + timerfd", PreciseSchedulerSetup.AkkaConfig, () => new TimerFdDeadlineWaiter()));
            variants.Add(new("precise + timerfd + SCHED_RR 10", PreciseSchedulerSetup.AkkaConfig, () => new TimerFdDeadlineWaiter(10)));
            variants.Add(new("precise + timerfd + RR + 2 own threads", PreciseSchedulerSetup.AkkaConfig + "\n" + PreciseSchedulerSetup.VrrpDispatcherConfig, () => new TimerFdDeadlineWaiter(10), PreciseSchedulerSetup.VrrpDispatcher));
            Console.WriteLine($"SCHED_RR probe: {ProbeRealTime()}");
        }
        // timers SECONDS [FILTER]: only the variants whose name contains FILTER (and the Akka default, for reference).
        if (args.Length > 1)
            variants = variants.Where(v => v.Waiter is null || v.Name.Contains(args[1], StringComparison.OrdinalIgnoreCase)).ToList();
        Console.WriteLine($"{Environment.ProcessorCount} cores, {Timers} periodic timers per run, lateness in ms at the actor");
        Console.WriteLine($"{"scheduler",-36} {"shape",-8} {"interval",8} {"load",7} {"samples",8} {"p50",8} {"p99",8} {"max",8} {"cpu%",6}  at timer thread: >1ms / max");
        foreach (bool periodic in new[] { false, true })
        foreach (var interval in new[] { TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1) })
        {
            foreach (bool loaded in new[] { false, true })
            {
                foreach (var variant in variants)
                {
                    var duration = interval < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromSeconds(shortSeconds) : TimeSpan.FromSeconds(shortSeconds * 2);
                    var (samples, cpu, thread) = Measure(variant, interval, duration, loaded, periodic);
                    Array.Sort(samples);
                    Console.WriteLine($"{variant.Name,-36} {(periodic ? "periodic" : "rearm"),-8} {interval.TotalMilliseconds,6:0}ms {(loaded ? "2 busy" : "idle"),7} {samples.Length,8} " +
                        $"{Percentile(samples, 0.50),8:F3} {Percentile(samples, 0.99),8:F3} {samples[^1],8:F3} {cpu,6:F0}  {thread}");
                }
            }
        }
        return 0;
    }

    private static string ProbeRealTime()
    {
        string result = "";
        var t = new Thread(() =>
        {
            using var waiter = new TimerFdDeadlineWaiter(10);
            result = waiter.PrepareWaitingThread();
        });
        t.Start();
        t.Join();
        return result;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static (double[] Samples, double CpuPercent, string Thread) Measure(Variant variant, TimeSpan interval, TimeSpan duration, bool loaded, bool periodic)
    {
        PreciseSchedulerSetup.WaiterFactory = variant.Waiter;
        using var stopLoad = new CancellationTokenSource();
        var load = loaded
            ? Enumerable.Range(0, 2).Select(_ => new Thread(() => { while (!stopLoad.IsCancellationRequested) { } }) { IsBackground = true }).ToList()
            : [];
        load.ForEach(t => t.Start());
        var config = ConfigurationFactory.ParseString(variant.Config + "\nakka.loglevel = WARNING\nakka.stdout-loglevel = WARNING")
            .WithFallback(ConfigurationFactory.Default());
        var system = ActorSystem.Create("timers", config);
        var recorders = new Recorder[Timers];
        int capacity = (int)(duration / interval) + 16;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < Timers; i++)
        {
            var recorder = recorders[i] = new Recorder(capacity);
            var phase = interval + interval * i / Timers;
            var props = Props.Create(() => new TickActor(recorder, phase, interval, periodic));
            system.ActorOf(variant.Dispatcher is null ? props : props.WithDispatcher(variant.Dispatcher));
        }
        Thread.Sleep(duration + interval * 2);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Elapsed.TotalMilliseconds / Environment.ProcessorCount * 100;
        var thread = system.Scheduler is PreciseScheduler precise
            ? $"{100.0 * precise.Stats.LateOverOneMillisecond / Math.Max(1, precise.Stats.Fired):F2}% / {precise.Stats.MaxLateness.TotalMilliseconds:F3}"
            : "-";
        system.Terminate().Wait(TimeSpan.FromSeconds(30));
        stopLoad.Cancel();
        load.ForEach(t => t.Join());
        PreciseSchedulerSetup.WaiterFactory = null;
        var all = new List<double>(Timers * capacity);
        foreach (var r in recorders)
        {
            int n = Math.Min(Volatile.Read(ref r.Count), r.Late.Length);
            for (int k = 2; k < n; k++) // the first ticks pay for JIT and actor start-up
                all.Add(Math.Abs(r.Late[k]) * 1000.0 / Stopwatch.Frequency);
        }
        return (all.ToArray(), cpu, thread);
    }

    private sealed class Recorder(int capacity)
    {
        public readonly long[] Late = new long[capacity];
        public int Count;
    }

    private sealed class TickActor : ReceiveActor, IWithTimers
    {
        private sealed class Tick
        {
            public static readonly Tick Instance = new();
        }

        private readonly Recorder _recorder;
        private readonly TimeSpan _phase;
        private readonly TimeSpan _interval;
        private readonly bool _periodic;
        private long _due;
        private long _previous;

        public ITimerScheduler Timers { get; set; } = null!;

        public TickActor(Recorder recorder, TimeSpan phase, TimeSpan interval, bool periodic)
        {
            _recorder = recorder;
            _phase = phase;
            _interval = interval;
            _periodic = periodic;
            long intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
            Receive<Tick>(_ =>
            {
                long now = Stopwatch.GetTimestamp();
                int k = _recorder.Count;
                if (k < _recorder.Late.Length)
                    _recorder.Late[k] = _periodic ? now - _previous - intervalTicks : now - _due;
                Volatile.Write(ref _recorder.Count, k + 1);
                _previous = now;
                if (!_periodic)
                {
                    _due = Stopwatch.GetTimestamp() + intervalTicks;
                    Timers.StartSingleTimer("tick", Tick.Instance, _interval);
                }
            });
        }

        protected override void PreStart()
        {
            _due = Stopwatch.GetTimestamp() + (long)(_phase.TotalSeconds * Stopwatch.Frequency);
            if (_periodic)
                Timers.StartPeriodicTimer("tick", Tick.Instance, _phase, _interval);
            else
                Timers.StartSingleTimer("tick", Tick.Instance, _phase);
        }
    }
}

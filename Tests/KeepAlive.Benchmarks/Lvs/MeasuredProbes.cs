using System.Diagnostics;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The daemon's probes (<see cref="HealthProbeFactory"/>), each wrapped to measure what the benchmark reports: the
/// duration of each check (the probe's <see cref="IHealthProbe.CheckAsync"/>, for TCP_CHECK socket creation and
/// connect), the period between a checker's consecutive checks, and the checks passed and failed.
/// </summary>
public sealed class MeasuredProbes(IHealthProbeFactory inner) : IHealthProbeFactory
{
    private long _passed;
    private long _failed;

    /// <summary>Duration of each check.</summary>
    public LatencyHistogram Durations { get; } = new();

    /// <summary>Start to start of a checker's consecutive checks (delay_loop plus the check plus the actor's own
    /// delays).</summary>
    public LatencyHistogram Periods { get; } = new();

    public long Passed => Interlocked.Read(ref _passed);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The last failure's reason (for the report when checks fail).</summary>
    public string? LastFailure { get; private set; }

    public void Reset()
    {
        Durations.Reset();
        Periods.Reset();
        Interlocked.Exchange(ref _passed, 0);
        Interlocked.Exchange(ref _failed, 0);
    }

    public IHealthProbe? Create(CheckerConfig checker, ProbeContext context, out string? error)
    {
        var probe = inner.Create(checker, context, out error);
        return probe is null ? null : new Measured(probe, this);
    }

    private sealed class Measured(IHealthProbe probe, MeasuredProbes owner) : IHealthProbe
    {
        private long _lastStart;

        public string Describe => probe.Describe;

        public async Task<ProbeResult> CheckAsync(CancellationToken cancellation)
        {
            long start = Stopwatch.GetTimestamp();
            if (_lastStart != 0)
                owner.Periods.ObserveMicroseconds((start - _lastStart) * 1_000_000 / Stopwatch.Frequency);
            _lastStart = start;
            var result = await probe.CheckAsync(cancellation).ConfigureAwait(false);
            owner.Durations.ObserveSince(start);
            if (result.Result.Success)
            {
                Interlocked.Increment(ref owner._passed);
            }
            else
            {
                Interlocked.Increment(ref owner._failed);
                owner.LastFailure = result.Result.Reason;
            }
            return result;
        }

        public void Dispose() => probe.Dispose();
    }
}

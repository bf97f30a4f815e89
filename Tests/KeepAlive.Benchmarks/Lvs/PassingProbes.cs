using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>Probes that pass at once and touch no network: the reload benchmark measures the reload, not checks.
/// Each checker of the configuration still gets its probe, its timer and its health.</summary>
public sealed class PassingProbes : IHealthProbeFactory
{
    public IHealthProbe? Create(CheckerConfig checker, ProbeContext context, out string? error)
    {
        error = null;
        return new Passing($"{checker.Kind} on [{context.RealServer.Key.Address}]:{context.RealServer.Key.Port}");
    }

    private sealed class Passing(string describe) : IHealthProbe
    {
        private static readonly Task<ProbeResult> Passed = Task.FromResult(ProbeResult.Pass());

        public string Describe => describe;

        public Task<ProbeResult> CheckAsync(CancellationToken cancellation) => Passed;

        public void Dispose()
        {
        }
    }
}

using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>The probe factory of a node given none: every checker is refused with a clear reason (logged once per
/// checker at start; its real server then counts as one without checkers, as keepalived's does).</summary>
public sealed class UnavailableProbes : IHealthProbeFactory
{
    public static UnavailableProbes Instance { get; } = new();

    public IHealthProbe? Create(CheckerConfig checker, ProbeContext context, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        error = $"no {checker.Kind} probe is available in this node (no probe factory was given)";
        return null;
    }
}

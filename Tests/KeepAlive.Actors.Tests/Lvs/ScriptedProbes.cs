using System.Collections.Concurrent;
using KeepAlive.Actors.Lvs;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>Probes whose answers a spec sets per real server (by address): every check returns the current answer at
/// once (or a task the spec completes, or a fault), and is counted. A checker of a kind in <see cref="Refused"/> cannot
/// be created.</summary>
internal sealed class ScriptedProbes : IHealthProbeFactory
{
    private readonly ConcurrentDictionary<string, Func<Task<ProbeResult>>> _answers = new();
    private readonly ConcurrentDictionary<string, int> _checks = new();

    public ConcurrentBag<IHealthProbe> Disposed { get; } = [];

    public HashSet<string> Refused { get; } = ["BFD_CHECK"];

    /// <summary>Every check of the server at <paramref name="address"/> succeeds (true) or fails (false) from now on.</summary>
    public void Set(string address, bool up) => _answers[address] = () => Task.FromResult(up ? ProbeResult.Pass("connected") : ProbeResult.Fail("connection refused"));

    public void Set(string address, Func<Task<ProbeResult>> answer) => _answers[address] = answer;

    public int Checks(string address) => _checks.GetValueOrDefault(address);

    public IHealthProbe? Create(CheckerConfig checker, ProbeContext context, out string? error)
    {
        if (Refused.Contains(checker.Kind))
        {
            error = $"{checker.Kind} is not supported";
            return null;
        }
        error = null;
        var describe = $"{checker.Kind} on [{context.RealServer.Address}]:{context.RealServer.Port}";
        var address = context.RealServer.Address.ToString();
        if (checker is not FileCheckConfig)
            return new Probe(this, address, describe);
        var notifying = new NotifyingProbe(this, address, describe);
        _notifying[address] = notifying;
        return notifying;
    }

    private readonly ConcurrentDictionary<string, NotifyingProbe> _notifying = new();

    /// <summary>The FILE_CHECK probe of the server at <paramref name="address"/> says its answer changed (as the
    /// real one does when its track_file is written).</summary>
    public void Notify(string address) => _notifying[address].Raise();

    private sealed class NotifyingProbe(ScriptedProbes owner, string address, string describe) : Probe(owner, address, describe), INotifyingProbe
    {
        public event Action? Changed;

        public void Raise() => Changed?.Invoke();
    }

    private class Probe(ScriptedProbes owner, string address, string describe) : IHealthProbe
    {
        public string Describe => describe;

        public Task<ProbeResult> CheckAsync(CancellationToken cancellation)
        {
            owner._checks.AddOrUpdate(address, 1, (_, n) => n + 1);
            return owner._answers.TryGetValue(address, out var answer) ? answer() : Task.FromResult(ProbeResult.Pass());
        }

        public void Dispose() => owner.Disposed.Add(this);
    }
}

using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The reference of the checker benchmark (its <c>bare</c> variant): the same probes on the same listeners, each in a
/// plain loop (check, then <see cref="Task.Delay(TimeSpan, CancellationToken)"/> of delay_loop, as the real server
/// actor schedules), without actors or the node. The node's CPU per check minus this one is the actors' and timers'
/// share.
/// </summary>
public sealed class BareCheckLoops : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public BareCheckLoops(KeepAliveConfig config, IHealthProbeFactory probes)
    {
        foreach (var vs in config.VirtualServers)
        {
            foreach (var rs in vs.RealServers)
            {
                foreach (var checker in rs.Checkers)
                {
                    var probe = probes.Create(checker, new ProbeContext(vs, rs, config.Ssl, config.Globals), out var error)
                        ?? throw new InvalidOperationException(error);
                    var delay = checker.Common.DelayLoop;
                    _loops.Add(Task.Run(() => Loop(probe, delay + TimeSpan.FromSeconds(1), delay)));
                }
            }
        }
    }

    private async Task Loop(IHealthProbe probe, TimeSpan first, TimeSpan delay)
    {
        using (probe)
        {
            try
            {
                await Task.Delay(first, _stop.Token).ConfigureAwait(false);
                while (!_stop.IsCancellationRequested)
                {
                    await probe.CheckAsync(_stop.Token).ConfigureAwait(false);
                    await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll([.. _loops], TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

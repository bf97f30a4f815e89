using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace KeepAlive.Controller.Service;

/// <summary>
/// The host's lifetime, in place of .NET's ConsoleLifetime. ConsoleLifetime handles SIGTERM and SIGINT itself: it
/// stops the host at once, on the runtime's signal thread, which then runs the host's stopping callbacks before or
/// beside <see cref="DaemonService"/>'s handler (measured: the priority-0 advert left after the signal thread had
/// spent tens of ms in the host's stop path). Here SIGTERM and SIGINT only stop the host until the daemon service
/// has started; from then on (<see cref="HandOver"/>) the service handles them: the node's priority-0 handover first,
/// the host's stop after it.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DaemonLifetime(IHostApplicationLifetime application) : IHostLifetime, IDisposable
{
    private readonly Lock _gate = new();
    private List<PosixSignalRegistration> _early = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
                _early.Add(PosixSignalRegistration.Create(signal, StopHost));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The daemon service handles the stop signals from now on.</summary>
    public void HandOver()
    {
        List<PosixSignalRegistration> early;
        lock (_gate)
            (early, _early) = (_early, []);
        foreach (var registration in early)
            registration.Dispose();
    }

    public void Dispose() => HandOver();

    private void StopHost(PosixSignalContext context)
    {
        context.Cancel = true;
        application.StopApplication();
    }
}

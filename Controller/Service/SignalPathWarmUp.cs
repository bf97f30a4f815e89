using System.Runtime.InteropServices;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Controller.Service;

/// <summary>
/// Prepares the .NET runtime's stop-signal path before the first SIGTERM. The runtime's signal thread reads its
/// signal pipe and calls into managed code, which sets that thread up as a managed thread the first time; for SIGTERM,
/// SIGINT and SIGQUIT it then starts a thread for the handlers (other signals go to the thread pool). The first time,
/// that path also resolves its ReadyToRun fixups and type loads: measured here, kill(2) → our handler took about 1.0 ms
/// on a process's first SIGTERM, against 0.7 ms on a later one.
/// <para>SIGQUIT takes that same path, and keepalived ignores it: the process registers a handler that cancels every
/// SIGQUIT, for good, and raises one at start. When SIGQUIT was inherited ignored and stays so (see
/// <see cref="SignalDispositions"/>), nothing is raised.</para>
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SignalPathWarmUp
{
    private static readonly Lock Gate = new();
    private static readonly ManualResetEventSlim Handled = new();
    private static PosixSignalRegistration? s_quit;

    /// <summary>Raises and handles one SIGQUIT; waits at most <paramref name="wait"/> (default 1 s). Never throws.</summary>
    public static bool Run(Action<string> log, TimeSpan? wait = null)
    {
        lock (Gate)
        {
            try
            {
                s_quit ??= PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c =>
                {
                    c.Cancel = true;
                    Handled.Set();
                });
            }
            catch (Exception e) when (e is PlatformNotSupportedException or IOException or InvalidOperationException)
            {
                log($"signal path warm-up skipped: {e.Message}");
                return false;
            }
            if (SignalDispositions.IsIgnored(Tmds.Linux.LibC.SIGQUIT))
            {
                log("signal path warm-up skipped: SIGQUIT is ignored (inherited)");
                return false;
            }
            Handled.Reset();
            if (!SelfSignal.RaiseQuit(out var errno))
            {
                log($"signal path warm-up: kill(SIGQUIT) failed (errno {errno})");
                return false;
            }
            if (Handled.Wait(wait ?? TimeSpan.FromSeconds(1)))
                return true;
            log("signal path warm-up: SIGQUIT was not handled within the wait");
            return false;
        }
    }
}

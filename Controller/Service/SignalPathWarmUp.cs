using System.Runtime.InteropServices;

namespace KeepAlive.Controller.Service;

/// <summary>
/// Prepares the .NET runtime's signal thread before the first stop signal. That thread reads the runtime's signal
/// pipe and calls into managed code, which sets it up as a managed thread the first time (measured here: a trivial
/// SIGTERM handler's datagram left 3.8 ms after kill(2) when it was the process's first signal, 3.1 ms after one
/// SIGWINCH had been handled). A SIGWINCH — ignored by default, so harmless — is raised at start with a temporary
/// registration and handled once.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SignalPathWarmUp
{
    /// <summary>Raises and handles one SIGWINCH; waits at most <paramref name="wait"/> (default 1 s). Never throws.</summary>
    public static bool Run(Action<string> log, TimeSpan? wait = null)
    {
        try
        {
            using var handled = new ManualResetEventSlim();
            using (PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => handled.Set()))
            {
                if (!KeepAlive.Kernel.Linux.SelfSignal.RaiseWindowChange(out var errno))
                {
                    log($"signal path warm-up: kill(SIGWINCH) failed (errno {errno})");
                    return false;
                }
                if (handled.Wait(wait ?? TimeSpan.FromSeconds(1)))
                    return true;
                log("signal path warm-up: SIGWINCH was not handled within the wait");
                return false;
            }
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException or InvalidOperationException)
        {
            log($"signal path warm-up skipped: {e.Message}");
            return false;
        }
    }
}

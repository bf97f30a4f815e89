using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The dispositions a process inherits. A shell starts a background job with SIGINT and SIGQUIT ignored, and an
/// ignored disposition survives exec; the .NET runtime then leaves those signals ignored even when a handler is
/// registered, so `kill -INT` would not stop the daemon. keepalived installs its handlers whatever it inherited.
/// </summary>
public static class SignalDispositions
{
    /// <summary>Sets each of <paramref name="signals"/> that is ignored back to its default action, before the
    /// runtime sets up its signal handling (so the first thing the process does). Returns the signals it reset;
    /// failures are skipped (the disposition stays as inherited).</summary>
    public static unsafe IReadOnlyList<int> ResetIgnored(params int[] signals)
    {
        var reset = new List<int>();
        foreach (int signal in signals)
        {
            sigaction current = default;
            if (LibC.sigaction(signal, null, &current) != 0 || current.sa_handler != LibC.SIG_IGN)
                continue;
            sigaction dfl = default;
            dfl.sa_handler = LibC.SIG_DFL;
            if (LibC.sigaction(signal, &dfl, null) == 0)
                reset.Add(signal);
        }
        return reset;
    }

    /// <summary>Whether <paramref name="signal"/> is ignored now.</summary>
    public static unsafe bool IsIgnored(int signal)
    {
        sigaction current = default;
        return LibC.sigaction(signal, null, &current) == 0 && current.sa_handler == LibC.SIG_IGN;
    }
}

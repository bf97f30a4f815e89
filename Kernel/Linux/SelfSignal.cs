namespace KeepAlive.Kernel.Linux;

/// <summary>Signals to this process itself (kill(2) on our own pid).</summary>
public static class SelfSignal
{
    /// <summary>SIGQUIT: its default action ends the process with a core dump, so the caller must have a handler
    /// registered that cancels it (and keep it registered until that handler has run). Returns false with the errno
    /// when kill(2) fails.</summary>
    public static bool RaiseQuit(out int errno) => Raise(Tmds.Linux.LibC.SIGQUIT, out errno);

    private static bool Raise(int signal, out int errno)
    {
        errno = 0;
        if (ScriptNative.kill(Environment.ProcessId, signal) == 0)
            return true;
        errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return false;
    }
}

namespace KeepAlive.Kernel.Linux;

/// <summary>Signals to this process itself (kill(2) on our own pid).</summary>
public static class SelfSignal
{
    /// <summary>SIGWINCH: its default action is to ignore it, so raising it changes nothing unless a handler is
    /// registered. Returns false with the errno when kill(2) fails.</summary>
    public static bool RaiseWindowChange(out int errno)
    {
        errno = 0;
        if (ScriptNative.kill(Environment.ProcessId, Tmds.Linux.LibC.SIGWINCH) == 0)
            return true;
        errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return false;
    }
}

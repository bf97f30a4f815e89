using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// Another port (the recording fake or the real Linux one), except that sending a frame throws while
/// <see cref="CrashNext"/> is set (once): an unexpected fault inside the effector, which its supervisor restarts.
/// Everything else is passed through.
/// </summary>
public sealed class CrashingKernelPort(IKernelPort inner, bool crashFirstSend = true) : DelegatingKernelPort(inner)
{
    private int _crashNext = crashFirstSend ? 1 : 0;
    private int _crashed;

    /// <summary>The next frame send throws (and clears this).</summary>
    public bool CrashNext
    {
        get => Volatile.Read(ref _crashNext) == 1;
        set => Volatile.Write(ref _crashNext, value ? 1 : 0);
    }

    /// <summary>A send has thrown.</summary>
    public bool Crashed => Volatile.Read(ref _crashed) == 1;

    public override KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame)
    {
        if (Interlocked.Exchange(ref _crashNext, 0) == 0)
            return Inner.SendFrame(interfaceName, frame);
        Volatile.Write(ref _crashed, 1);
        throw new InvalidOperationException("injected crash");
    }
}

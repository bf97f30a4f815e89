using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>The two eventfd/timerfd operations the deadline waiters share: drain a counter, signal a wake.</summary>
internal static unsafe class EventFdSignal
{
    /// <summary>Reads a non-blocking eventfd/timerfd counter; true when it was non-zero.</summary>
    public static bool Drain(int fd)
    {
        ulong count;
        return LibC.read(fd, &count, sizeof(ulong)) == sizeof(ulong);
    }

    /// <summary>Adds one to the eventfd owned by <paramref name="handle"/>; nothing when it is closed.</summary>
    public static void Signal(FileDescriptorHandle handle)
    {
        bool added = false;
        try
        {
            if (!handle.TryAcquire(ref added, out int efd))
                return;
            ulong one = 1;
            LibC.write(efd, &one, sizeof(ulong));
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }
}

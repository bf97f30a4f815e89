using System.Diagnostics;
using System.Runtime.InteropServices;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>Owns one file descriptor and closes it exactly once (SafeHandle reference counting also keeps it open
/// while a syscall on another thread still uses it).</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>Takes a reference for one syscall: false when the handle is (or is being) closed. A true result must
    /// be paired with <see cref="SafeHandle.DangerousRelease"/> when <paramref name="added"/> is set.</summary>
    public bool TryAcquire(ref bool added, out int fd)
    {
        fd = -1;
        if (IsClosed)
            return false;
        try
        {
            DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        fd = handle.ToInt32();
        return true;
    }

    /// <summary>Wakes every thread waiting on the socket (poll, recvmsg) before the handle is disposed: shutdown(2)
    /// wakes them on a datagram socket, even an unconnected one (the ENOTCONN it may answer is ignored). A waiter
    /// holds a reference, so without this the close would wait for a datagram that may never come.</summary>
    public void WakeWaiters()
    {
        bool added = false;
        if (!TryAcquire(ref added, out int fd))
            return;
        try
        {
            LibC.shutdown(fd, LibC.SHUT_RDWR);
        }
        finally
        {
            if (added)
                DangerousRelease();
        }
    }

    protected override bool ReleaseHandle() => LibC.close(handle.ToInt32()) == 0;
}

/// <summary>poll(2) on one fd until readable or a deadline (a Stopwatch timestamp; long.MaxValue waits for ever).</summary>
internal static class FdPoll
{
    /// <summary>A deadline <paramref name="timeout"/> from now (infinite or beyond poll's range: no deadline).</summary>
    public static long Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan || timeout.TotalMilliseconds >= int.MaxValue ? long.MaxValue
        : Stopwatch.GetTimestamp() + (long)(Math.Max(0, timeout.TotalSeconds) * Stopwatch.Frequency);

    /// <summary>poll milliseconds until the deadline, rounded up so a wait never ends early; -1 for no deadline.</summary>
    public static int Milliseconds(long deadline)
    {
        if (deadline == long.MaxValue)
            return -1;
        long left = deadline - Stopwatch.GetTimestamp();
        return left <= 0 ? 0 : (int)Math.Min(int.MaxValue, (left * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
    }

    /// <summary>Ok when <paramref name="fd"/> is readable; ETIMEDOUT at the deadline; ECANCELED as soon as
    /// <paramref name="stopFd"/> (an eventfd, or -1 for none) is readable; the errno of a failed poll (EINTR is
    /// retried).</summary>
    public static unsafe KernelResult WaitReadable(int fd, long deadline, string doing, int stopFd = -1)
    {
        var fds = stackalloc pollfd[2];
        while (true)
        {
            fds[0] = new pollfd { fd = fd, events = LibC.POLLIN };
            fds[1] = new pollfd { fd = stopFd, events = LibC.POLLIN };
            int ready = stopFd < 0 ? LibC.poll(fds, 1, Milliseconds(deadline)) : LibC.poll(fds, 2, Milliseconds(deadline));
            if (ready > 0 && stopFd >= 0 && fds[1].revents != 0)
                return Errno.Failure(Errno.ECANCELED, $"{doing}: stopped");
            if (ready > 0)
                return KernelResult.Ok;
            if (ready == 0)
                return Errno.Failure(Errno.ETIMEDOUT, $"{doing}: nothing arrived");
            var e = Errno.LastFailure($"{doing}: poll");
            if (e.Errno != Errno.EINTR)
                return e;
        }
    }
}

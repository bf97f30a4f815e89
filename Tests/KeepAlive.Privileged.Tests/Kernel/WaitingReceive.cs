using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>A receive that waits for ever on another thread, ended by disposing of the socket (IVrrpSocket's
/// contract: the I/O actor's receive thread has no timeout and relies on it).</summary>
internal static class WaitingReceive
{
    /// <summary>Starts a TryReceive with no timeout on another thread, disposes of <paramref name="socket"/> once it
    /// waits, and returns whether the receive ended within 10 s, what it returned and its error.</summary>
    public static (bool Ended, bool Received, KernelResult Error) EndedByDispose(IVrrpSocket socket)
    {
        KernelResult error = default;
        bool received = true;
        using var waiting = new ManualResetEventSlim();
        var receiver = new Thread(() =>
        {
            waiting.Set();
            received = socket.TryReceive(new byte[1500], Timeout.InfiniteTimeSpan, out _, out error);
        });
        receiver.Start();
        waiting.Wait();
        Thread.Sleep(100);                                          // into the wait (a Dispose before it is EBADF at once)
        socket.Dispose();
        bool ended = receiver.Join(TimeSpan.FromSeconds(10));
        return (ended, received, error);
    }
}

using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The network namespace a kernel port was opened in (an fd on /proc/thread-self/ns/net), so sockets it creates later
/// — from any thread — are created there: a short-lived thread enters the namespace, creates, and ends. The process
/// itself never changes namespace.
/// </summary>
internal sealed class NetworkNamespaceHandle : IDisposable
{
    private const int ReadOnlyCloseOnExec = 0x80000;
    private readonly FileDescriptorHandle _fd;

    private NetworkNamespaceHandle(FileDescriptorHandle fd) => _fd = fd;

    /// <summary>The namespace of the calling thread.</summary>
    public static unsafe KernelResult OfCurrentThread(out NetworkNamespaceHandle? handle)
    {
        handle = null;
        int fd;
        fixed (byte* path = "/proc/thread-self/ns/net\0"u8)
            fd = LibC.open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
            return Errno.LastFailure("open /proc/thread-self/ns/net");
        handle = new NetworkNamespaceHandle(new FileDescriptorHandle(fd));
        return KernelResult.Ok;
    }

    /// <summary>Runs <paramref name="action"/> on a thread inside this namespace and returns its result.</summary>
    public T Run<T>(Func<T> action, Func<KernelResult, T> onFailure)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            bool added = false;
            try
            {
                _fd.DangerousAddRef(ref added);
                if (LibC.setns(_fd.DangerousGetHandle().ToInt32(), LibC.CLONE_NEWNET) != 0)
                {
                    result = onFailure(Errno.Failure(Marshal.GetLastPInvokeError(), "setns into the port's network namespace"));
                    return;
                }
                result = action();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                if (added)
                    _fd.DangerousRelease();
            }
        }) { IsBackground = true, Name = "netns-enter" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    public void Dispose() => _fd.Dispose();
}

using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// Runs code inside a named network namespace on a dedicated thread: setns(2) changes only the calling thread, so
/// the thread enters /var/run/netns/&lt;name&gt;, runs the code (a socket it creates stays in that namespace for
/// good), goes back to its original namespace and ends. The test process itself never moves.
/// </summary>
public static class NamespaceThread
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static T Run<T>(string namespaceName, Func<T> action)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunInside(namespaceName, action);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "netns " + namespaceName };
        thread.Start();
        if (!thread.Join(Limit))
            throw new TimeoutException($"code in namespace {namespaceName} did not finish in {Limit}");
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
        return result!;
    }

    private static T RunInside<T>(string namespaceName, Func<T> action)
    {
        int original = OpenOrThrow("/proc/thread-self/ns/net");
        try
        {
            int target = OpenOrThrow("/var/run/netns/" + namespaceName);
            try
            {
                Enter(target, namespaceName);
            }
            finally
            {
                LibC.close(target);
            }
            try
            {
                return action();
            }
            finally
            {
                Enter(original, "the original namespace");
            }
        }
        finally
        {
            LibC.close(original);
        }
    }

    private static void Enter(int fd, string what)
    {
        if (LibC.setns(fd, LibC.CLONE_NEWNET) != 0)
            throw new InvalidOperationException($"setns into {what}: errno {Marshal.GetLastPInvokeError()}");
    }

    private static int OpenOrThrow(string path)
    {
        int fd = open(path, ReadOnlyCloseOnExec);
        if (fd < 0)
            throw new InvalidOperationException($"open {path}: errno {Marshal.GetLastPInvokeError()}");
        return fd;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
}

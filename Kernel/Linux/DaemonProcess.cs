using System.Runtime.InteropServices;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The process-level syscalls a daemon start needs (keepalived's xdaemon, set_namespaces, umask, RLIMIT_CORE): a new
/// session, stdio onto /dev/null, the file-creation mask, the core size limit, entering a named network namespace
/// and replacing the process image. Each returns an errno-style message on failure and never throws.
/// </summary>
public static unsafe partial class DaemonProcess
{
    private const int O_RDWR = 2;
    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;
    private const int CLONE_NEWNET = 0x40000000;
    private const int RLIMIT_CORE = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>setsid(2): this process leads a new session with no controlling terminal.</summary>
    public static string? NewSession() => setsid() < 0 ? Error("setsid") : null;

    /// <summary>dup2(2) /dev/null onto stdin, stdout and stderr.</summary>
    public static string? StdioToDevNull()
    {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return Error("open /dev/null");
        try
        {
            for (int target = 0; target < 3; target++)
                if (dup2(fd, target) < 0)
                    return Error($"dup2 onto fd {target}");
            return null;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>umask(2); returns the previous mask.</summary>
    public static int SetUmask(int mask) => (int)umask((uint)mask & 0x1FF);

    /// <summary>setrlimit(RLIMIT_CORE) to its hard maximum (keepalived's <c>-m</c> asks for unlimited).</summary>
    public static string? RaiseCoreLimit()
    {
        RLimit limit;
        if (getrlimit(RLIMIT_CORE, &limit) < 0)
            return Error("getrlimit(RLIMIT_CORE)");
        limit.Current = limit.Maximum;
        return setrlimit(RLIMIT_CORE, &limit) < 0 ? Error("setrlimit(RLIMIT_CORE)") : null;
    }

    /// <summary>setns(2) the calling thread into /run/netns/<paramref name="name"/>. setns is per thread: the caller
    /// re-executes itself on the same thread (<see cref="Execute"/>) so that every thread of the new image is there.</summary>
    public static string? EnterNetworkNamespace(string name)
    {
        int fd = open("/run/netns/" + name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return Error($"open /run/netns/{name}");
        try
        {
            return setns(fd, CLONE_NEWNET) < 0 ? Error($"setns {name}") : null;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>execve(2) <paramref name="path"/> with <paramref name="argv"/> and <paramref name="environment"/>
    /// ("NAME=value"); returns only on failure.</summary>
    public static string Execute(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        var args = ToNative(argv);
        var env = ToNative(environment);
        try
        {
            fixed (nint* a = args)
            fixed (nint* e = env)
                execve(path, a, e);
            return Error($"execve {path}") ?? "execve failed";
        }
        finally
        {
            Free(args);
            Free(env);
        }
    }

    private static nint[] ToNative(IReadOnlyList<string> strings)
    {
        var result = new nint[strings.Count + 1];
        for (int i = 0; i < strings.Count; i++)
            result[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        return result;
    }

    private static void Free(nint[] strings)
    {
        foreach (var p in strings)
            if (p != 0)
                Marshal.FreeCoTaskMem(p);
    }

    private static string Error(string what) => $"{what}: {Marshal.GetLastPInvokeErrorMessage()} (errno {Marshal.GetLastPInvokeError()})";

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsid();

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup2(int oldFd, int newFd);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    [LibraryImport("libc")]
    private static partial uint umask(uint mask);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, RLimit* limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, RLimit* limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nsType);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int execve(string path, nint* argv, nint* envp);
}

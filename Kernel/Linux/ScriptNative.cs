using System.Runtime.InteropServices;

namespace KeepAlive.Kernel.Linux;

/// <summary>The libc calls the script runner and the notify FIFO writer need (glibc, Linux).</summary>
internal static unsafe class ScriptNative
{
    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int O_NOFOLLOW = 0x20000;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    public const short POLLIN = 0x001;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;
    public const short POLLNVAL = 0x020;

    public const int P_PID = 1;
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;
    public const int CLD_EXITED = 1;
    public const int CLD_KILLED = 2;
    public const int CLD_DUMPED = 3;

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int E2BIG = 7;
    public const int ENOEXEC = 8;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ETXTBSY = 26;
    public const int EPIPE = 32;
    public const int ENAMETOOLONG = 36;
    public const int ELOOP = 40;

    private const long SYS_pidfd_open = 434;

    /// <summary>Generous sizes for glibc's opaque spawn types (336 and 80 bytes on x86-64) and sigset_t (128).</summary>
    public const int SpawnAttrSize = 1024;
    public const int FileActionsSize = 1024;
    public const int SigSetSize = 256;
    public const int SigInfoSize = 128;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    public static extern int pipe2(int* fds, int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern nint read(int fd, byte* buf, nint count);

    [DllImport("libc", SetLastError = true)]
    public static extern nint write(int fd, byte* buf, nint count);

    [DllImport("libc", SetLastError = true)]
    public static extern int open(byte* path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    public static extern int mkfifo(byte* path, uint mode);

    [DllImport("libc", SetLastError = true)]
    public static extern int unlink(byte* path);

    [DllImport("libc", SetLastError = true)]
    public static extern int fstat(int fd, byte* buf);

    [DllImport("libc", SetLastError = true)]
    public static extern int poll(PollFd* fds, nuint nfds, int timeout);

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    public static extern int waitid(int idtype, uint id, byte* infop, int options);

    [DllImport("libc", SetLastError = true)]
    public static extern long syscall(long number, int pid, uint flags);

    [DllImport("libc")]
    public static extern uint geteuid();

    [DllImport("libc")]
    public static extern uint getegid();

    // posix_spawn* return the error number instead of setting errno.
    [DllImport("libc")]
    public static extern int posix_spawnp(int* pid, byte* file, void* fileActions, void* attr, byte** argv, byte** envp);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_init(void* actions);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_destroy(void* actions);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [DllImport("libc")]
    public static extern int posix_spawn_file_actions_addopen(void* actions, int fd, byte* path, int oflag, uint mode);

    [DllImport("libc")]
    public static extern int posix_spawnattr_init(void* attr);

    [DllImport("libc")]
    public static extern int posix_spawnattr_destroy(void* attr);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setflags(void* attr, short flags);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setsigmask(void* attr, void* sigmask);

    [DllImport("libc")]
    public static extern int posix_spawnattr_setsigdefault(void* attr, void* sigdefault);

    [DllImport("libc")]
    public static extern int sigemptyset(void* set);

    [DllImport("libc")]
    public static extern int sigfillset(void* set);

    /// <summary>pidfd_open(2) (Linux 5.3+); −1 when unavailable.</summary>
    public static int PidFdOpen(int pid)
    {
        var fd = syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? -1 : (int)fd;
    }

    /// <summary>st_mode's offset in struct stat: x86-64 and the generic layout (arm64, riscv64) differ.</summary>
    public static int StatModeOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;

    public const int StatSize = 256;
    public const uint S_IFMT = 0xF000;
    public const uint S_IFIFO = 0x1000;

    /// <summary>A NUL-terminated UTF-8 copy in unmanaged memory (free with <see cref="Marshal.FreeCoTaskMem"/>).</summary>
    public static byte* Utf8(string s) => (byte*)Marshal.StringToCoTaskMemUTF8(s);

    public static string Error(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

using System.Runtime.InteropServices;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>errno values the Linux code names, and the one way a failed syscall becomes a <see cref="KernelResult"/>.</summary>
internal static class Errno
{
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EINVAL = 22;
    public const int ENODEV = 19;
    public const int EBADMSG = 74;
    public const int EMSGSIZE = 90;
    public const int EAFNOSUPPORT = 97;
    public const int ETIMEDOUT = 110;
    public const int ECANCELED = 125;

    /// <summary>The result for a syscall that just failed: errno from the P/Invoke (SetLastError) and its text.</summary>
    public static KernelResult LastFailure(string doing) => Failure(Marshal.GetLastPInvokeError(), doing);

    public static KernelResult Failure(int errno, string doing) =>
        KernelResult.Fail(errno, $"{doing}: {Marshal.GetPInvokeErrorMessage(errno)}");
}

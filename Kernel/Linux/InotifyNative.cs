using System.Runtime.InteropServices;
using System.Text;

namespace KeepAlive.Kernel.Linux;

/// <summary>The inotify and realpath calls Tmds.LibC 0.5.0 lacks (glibc, Linux).</summary>
internal static unsafe partial class InotifyNative
{
    public const int IN_NONBLOCK = 0x800;
    public const int IN_CLOEXEC = 0x80000;
    public const int ENOENT = 2;

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int inotify_init1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true)]
    public static partial int inotify_add_watch(int fd, byte* path, uint mask);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static partial byte* realpath(byte* path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void free(void* p);

    /// <summary>realpath(3): the canonical absolute path, or null with <paramref name="errno"/>.</summary>
    public static string? RealPath(string path, out int errno)
    {
        var bytes = Utf8Z(path);
        fixed (byte* p = bytes)
        {
            var resolved = realpath(p, null);
            if (resolved is null)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
            try
            {
                errno = 0;
                return Marshal.PtrToStringUTF8((nint)resolved);
            }
            finally
            {
                free(resolved);
            }
        }
    }

    /// <summary>A NUL-terminated UTF-8 copy.</summary>
    public static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}

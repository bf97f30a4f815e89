using System.Text;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>setsockopt with the failure turned into a <see cref="KernelResult"/> that names the option.</summary>
internal static unsafe class SocketOptions
{
    public static KernelResult Set<T>(int fd, int level, int name, T value, string label)
        where T : unmanaged =>
        LibC.setsockopt(fd, level, name, &value, sizeof(T)) == 0 ? KernelResult.Ok : Errno.LastFailure($"setsockopt {label}");

    /// <summary>SO_BINDTODEVICE: only this interface's packets reach the socket, and sends leave through it.</summary>
    public static KernelResult BindToDevice(int fd, string interfaceName)
    {
        Span<byte> cName = stackalloc byte[LinuxInterfaces.MaxNameBytes + 1];
        cName.Clear();
        int length = Encoding.UTF8.GetBytes(interfaceName, cName);
        fixed (byte* p = cName)
        {
            return LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_BINDTODEVICE, p, length + 1) == 0
                ? KernelResult.Ok
                : Errno.LastFailure("setsockopt SO_BINDTODEVICE");
        }
    }
}

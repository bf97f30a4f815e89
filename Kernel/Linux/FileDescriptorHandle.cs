using System.Runtime.InteropServices;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>Owns one file descriptor and closes it exactly once (SafeHandle reference counting also keeps it open
/// while a syscall on another thread still uses it).</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => LibC.close(handle.ToInt32()) == 0;
}

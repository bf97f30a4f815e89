using System.Runtime.InteropServices;
using System.Text;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// keepalived 2.2.7's notify FIFO (lib/notify.c fifo_open/fifo_close, vrrp/vrrp_notify.c notify_fifo):
/// <list type="bullet">
/// <item>mkfifo(path, 0644) if it does not exist (and unlink on dispose only if we created it — first, so a reader
/// looping on reopen cannot reopen it); an existing FIFO is used as is.</item>
/// <item>opened <c>O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW</c>: opening a FIFO read-write never waits for a reader,
/// and because we hold a read end too, a reader going away never causes EPIPE/SIGPIPE (and .NET ignores SIGPIPE
/// anyway); lines queue in the pipe until it is full, then are dropped (EAGAIN), exactly as keepalived's unchecked
/// write does.</item>
/// <item>each line is one write(2) of at most PIPE_BUF bytes, which POSIX makes atomic.</item>
/// </list>
/// Unlike keepalived, a path that exists but is not a FIFO is refused (keepalived would write into a regular file).
/// Thread-safe.
/// </summary>
public sealed class NotifyFifoWriter : INotifyFifo
{
    /// <summary>POSIX PIPE_BUF on Linux: writes up to this size are atomic.</summary>
    public const int PipeBuf = 4096;

    private readonly Lock _gate = new();
    private int _fd = -1;
    private bool _created;
    private bool _disposed;

    private NotifyFifoWriter(string path) => Path = path;

    public string Path { get; }

    /// <summary>Creates (if needed) and opens the FIFO; a failure is reported, and later writes retry the open.</summary>
    public static NotifyFifoWriter Open(string path, out FifoWriteResult opened)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var writer = new NotifyFifoWriter(path);
        lock (writer._gate)
            opened = writer.OpenLocked();
        return writer;
    }

    public FifoWriteResult Write(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var bytes = Encoding.UTF8.GetBytes(line);
        if (bytes.Length == 0 || bytes.Length > PipeBuf || bytes[^1] != (byte)'\n')
            return new FifoWriteResult(FifoWriteOutcome.Failed, 22, "a FIFO line is one newline-terminated line of at most 4096 bytes");
        lock (_gate)
        {
            if (_disposed)
                return new FifoWriteResult(FifoWriteOutcome.Failed, 9, "the FIFO writer is disposed");
            if (_fd < 0 && OpenLocked() is { Outcome: FifoWriteOutcome.Failed } reopen)
                return reopen;
            return WriteLocked(bytes);
        }
    }

    public FifoWriteResult Reopen()
    {
        lock (_gate)
        {
            if (_disposed)
                return new FifoWriteResult(FifoWriteOutcome.Failed, 9, "the FIFO writer is disposed");
            CloseLocked(unlinkCreated: false);
            return OpenLocked();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            CloseLocked(unlinkCreated: true);
        }
    }

    private unsafe FifoWriteResult WriteLocked(byte[] bytes)
    {
        fixed (byte* p = bytes)
        {
            while (true)
            {
                var written = ScriptNative.write(_fd, p, bytes.Length);
                if (written == bytes.Length)
                    return new FifoWriteResult(FifoWriteOutcome.Written, 0, null);
                var errno = written < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (errno == ScriptNative.EINTR)
                    continue;
                if (errno == ScriptNative.EAGAIN)
                    return new FifoWriteResult(FifoWriteOutcome.DroppedFull, errno, $"{Path} is full (no reader): line dropped");
                // A short write cannot happen for ≤ PIPE_BUF bytes on a pipe; anything else: reopen next time.
                CloseLocked(unlinkCreated: false);
                return new FifoWriteResult(FifoWriteOutcome.Failed, errno, $"write to {Path}: {(errno == 0 ? "short write" : ScriptNative.Error(errno))}");
            }
        }
    }

    private unsafe FifoWriteResult OpenLocked()
    {
        var path = ScriptNative.Utf8(Path);
        try
        {
            if (ScriptNative.mkfifo(path, 0x1A4) == 0) // 0644
                _created = true;
            else if (Marshal.GetLastPInvokeError() is var mk and not ScriptNative.EEXIST)
                return new FifoWriteResult(FifoWriteOutcome.Failed, mk, $"mkfifo {Path}: {ScriptNative.Error(mk)}");
            var fd = ScriptNative.open(path, ScriptNative.O_RDWR | ScriptNative.O_NONBLOCK | ScriptNative.O_CLOEXEC | ScriptNative.O_NOFOLLOW, 0);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (_created)
                {
                    ScriptNative.unlink(path);
                    _created = false;
                }
                return new FifoWriteResult(FifoWriteOutcome.Failed, errno, $"open {Path}: {ScriptNative.Error(errno)}");
            }
            var stat = stackalloc byte[ScriptNative.StatSize];
            if (ScriptNative.fstat(fd, stat) != 0 || (*(uint*)(stat + ScriptNative.StatModeOffset) & ScriptNative.S_IFMT) != ScriptNative.S_IFIFO)
            {
                ScriptNative.close(fd);
                return new FifoWriteResult(FifoWriteOutcome.Failed, 22, $"{Path} is not a FIFO");
            }
            _fd = fd;
            return new FifoWriteResult(FifoWriteOutcome.Written, 0, null);
        }
        finally
        {
            Marshal.FreeCoTaskMem((nint)path);
        }
    }

    private unsafe void CloseLocked(bool unlinkCreated)
    {
        if (unlinkCreated && _created)
        {
            var path = ScriptNative.Utf8(Path);
            ScriptNative.unlink(path);
            Marshal.FreeCoTaskMem((nint)path);
            _created = false;
        }
        if (_fd >= 0)
        {
            ScriptNative.close(_fd);
            _fd = -1;
        }
    }
}

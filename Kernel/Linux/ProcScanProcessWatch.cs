using System.Buffers;
using System.IO.Enumeration;
using System.Text;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="IProcessWatch"/> by reading /proc: a snapshot lists the numeric directories and reads each process's
/// /proc/PID/stat (comm and state in one read; zombies are left out, as keepalived's <c>read_procs</c> does) and
/// /proc/PID/cmdline. A process that exits mid-scan, or whose files cannot be read, is simply absent. Events come
/// from rescans every <see cref="PollInterval"/>, diffed with the previous one: a new or changed process is
/// <see cref="ProcessEvent.Exec"/>, a vanished one <see cref="ProcessEvent.Exit"/>; the first event of a
/// subscription is <see cref="ProcessEvent.Resync"/>. Forks and renames are seen only as the next scan's
/// differences; processes that live less than an interval are missed.
/// </summary>
public sealed class ProcScanProcessWatch : IProcessWatch
{
    /// <summary>The default bound on the command line read per process: any configured command line is far shorter,
    /// so a longer one can still be told apart from it (exact matching fails, prefixes still match).</summary>
    public const int DefaultMaxCommandLineBytes = 64 * 1024;

    private const int StatBytes = 1024;
    private readonly string _root;
    private readonly ProcessEventThreadSet _subscriptions = new();
    private volatile bool _disposed;

    /// <param name="procRoot">Where procfs is mounted (tests may point elsewhere).</param>
    /// <param name="pollInterval">Rescan period for subscriptions; 1 s when null.</param>
    /// <param name="readCommandLines">False when no tracked process needs the command line (keepalived avoids
    /// reading it then: it pages in the process's memory); argv is then empty.</param>
    /// <param name="maxCommandLineBytes">The most bytes of /proc/PID/cmdline read per process.</param>
    public ProcScanProcessWatch(string procRoot = "/proc", TimeSpan? pollInterval = null, bool readCommandLines = true, int maxCommandLineBytes = DefaultMaxCommandLineBytes)
    {
        ArgumentNullException.ThrowIfNull(procRoot);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCommandLineBytes, 1);
        _root = procRoot;
        PollInterval = pollInterval ?? TimeSpan.FromSeconds(1);
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(pollInterval), pollInterval, "must be positive");
        ReadCommandLines = readCommandLines;
        MaxCommandLineBytes = maxCommandLineBytes;
    }

    public TimeSpan PollInterval { get; }

    public bool ReadCommandLines { get; }

    public int MaxCommandLineBytes { get; }

    /// <inheritdoc />
    public KernelResult Snapshot(out IReadOnlyList<ProcessEntry> processes)
    {
        processes = [];
        if (_disposed)
            return Errno.Failure(Errno.EBADF, "process watch is disposed");
        List<int> pids;
        try
        {
            pids = ListPids();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Errno.Failure(ex is UnauthorizedAccessException ? EACCES : ENOENT, $"listing {_root}: {ex.Message}");
        }
        var entries = new List<ProcessEntry>(pids.Count);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            foreach (var pid in pids)
            {
                if (TryRead(pid, buffer) is { } entry)
                    entries.Add(entry);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        processes = entries;
        return KernelResult.Ok;
    }

    /// <summary>Reads one process; null when it is gone, a zombie, or unreadable.</summary>
    public ProcessEntry? TryRead(int pid)
    {
        if (_disposed)
            return null;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            return TryRead(pid, buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int BufferBytes => Math.Max(StatBytes, ReadCommandLines ? MaxCommandLineBytes : 0);

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ProcessEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ProcessEventThread? thread = null;
        thread = new ProcessEventThread("ka-procscan", handler, t => PollLoop(t, $"subscribed: scanning {_root} every {PollInterval.TotalMilliseconds} ms"), () => Forget(thread!));
        _subscriptions.Add(thread);
        thread.Start();
        return thread;
    }

    /// <summary>Stops every subscription. Later snapshots fail with EBADF.</summary>
    public void Dispose()
    {
        _disposed = true;
        _subscriptions.DisposeAll();
    }

    /// <summary>The scan loop, also the proc connector's fallback: baseline, Resync, then diffs every interval.</summary>
    internal void PollLoop(ProcessEventThread thread, string reason)
    {
        var previous = new Dictionary<int, ProcessEntry>();
        if (Snapshot(out var first).IsOk)
        {
            foreach (var e in first)
                previous[e.Pid] = e;
        }
        thread.Deliver(new ProcessEvent.Resync(reason));
        while (!thread.WaitStop(PollInterval))
        {
            if (!Snapshot(out var now).IsOk)
                continue;
            var current = new Dictionary<int, ProcessEntry>(now.Count);
            foreach (var e in now)
                current[e.Pid] = e;
            foreach (var pid in previous.Keys)
            {
                if (!current.ContainsKey(pid))
                    thread.Deliver(new ProcessEvent.Exit(pid));
            }
            foreach (var (pid, entry) in current)
            {
                if (!previous.TryGetValue(pid, out var was) || !was.Equals(entry))
                    thread.Deliver(new ProcessEvent.Exec(entry));
            }
            previous = current;
        }
    }

    private void Forget(ProcessEventThread thread) => _subscriptions.Forget(thread);

    private const int ENOENT = 2;
    private const int EACCES = 13;

    private List<int> ListPids()
    {
        var enumeration = new FileSystemEnumerable<int>(
            _root,
            (ref FileSystemEntry e) => ProcFileFormat.TryParsePid(e.FileName, out var pid) ? pid : 0,
            new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => e.IsDirectory && ProcFileFormat.TryParsePid(e.FileName, out _),
        };
        return [.. enumeration];
    }

    private ProcessEntry? TryRead(int pid, byte[] buffer)
    {
        var statLength = ReadFile(pid, "stat", buffer, StatBytes);
        if (statLength <= 0 || !ProcFileFormat.TryParseStat(buffer.AsSpan(0, statLength), out var comm, out var state) || ProcFileFormat.IsDead(state))
            return null;
        if (!ReadCommandLines)
            return new ProcessEntry(pid, comm, []);
        var cmdLength = ReadFile(pid, "cmdline", buffer, MaxCommandLineBytes);
        if (cmdLength < 0)
            return null;
        return new ProcessEntry(pid, comm, ProcFileFormat.ParseCommandLine(buffer.AsSpan(0, cmdLength)));
    }

    /// <summary>Reads up to <paramref name="max"/> bytes of /proc/PID/NAME with open/read/close (no exceptions for
    /// a process that just exited: ENOENT / ESRCH are expected). Returns the length, or -1.</summary>
    private unsafe int ReadFile(int pid, string name, byte[] buffer, int max)
    {
        Span<byte> path = stackalloc byte[512];
        var text = $"{_root}/{pid}/{name}";
        var n = Encoding.UTF8.GetByteCount(text);
        if (n + 1 > path.Length)
            return -1;
        Encoding.UTF8.GetBytes(text, path);
        path[n] = 0;
        int fd;
        fixed (byte* p = path)
        {
            do
                fd = LibC.open(p, LibC.O_RDONLY | LibC.O_CLOEXEC);
            while (fd < 0 && LibC.errno == Errno.EINTR);
        }
        if (fd < 0)
            return -1;
        try
        {
            var total = 0;
            fixed (byte* b = buffer)
            {
                while (total < max)
                {
                    var got = (long)LibC.read(fd, b + total, (max - total));
                    if (got < 0)
                    {
                        if (LibC.errno == Errno.EINTR)
                            continue;
                        return -1;
                    }
                    if (got == 0)
                        break;
                    total += (int)got;
                }
            }
            return total;
        }
        finally
        {
            LibC.close(fd);
        }
    }
}

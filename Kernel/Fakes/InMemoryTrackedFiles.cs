using System.Text;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// An in-memory file system for track_file, with the semantics of the Linux inotify watch (<c>InotifyTrackedFileWatch</c>): directories must
/// exist for a file to be watched (else <see cref="TrackedFileReadingKind.Unwatchable"/>); <c>init_file</c> writes
/// <c>"%d\n"</c> by <see cref="TrackFileFormat.DecideInit"/>; the first reading follows the watch; a write (closed),
/// a rename in and a rename away or delete are reported as the kernel's IN_CLOSE_WRITE, IN_MOVED_TO, IN_MOVED_FROM and
/// IN_DELETE would be; content is parsed by <see cref="TrackFileFormat.Parse"/>. Paths are taken literally (no
/// symlinks, no "..") and every file is regular. Readings are delivered on the thread that made the change, under a
/// lock, in order; disposing a watch waits for a delivery in progress. Thread-safe.
/// </summary>
public sealed class InMemoryTrackedFiles : ITrackedFileWatch
{
    private readonly object _gate = new();
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly List<Watcher> _watchers = [];

    /// <param name="directories">Directories that exist (a file can only live in one of these).</param>
    public InMemoryTrackedFiles(params string[] directories)
    {
        foreach (var d in directories)
            _directories.Add(Normalise(d));
    }

    /// <summary>How many watches are active.</summary>
    public int ActiveWatches
    {
        get
        {
            lock (_gate)
                return _watchers.Count;
        }
    }

    /// <summary>The file's content, or null when it does not exist.</summary>
    public string? Content(string path)
    {
        lock (_gate)
            return _files.TryGetValue(path, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
    }

    /// <summary>Creates or rewrites the file and closes it (IN_CLOSE_WRITE).</summary>
    public void Write(string path, string content) => Write(path, Encoding.UTF8.GetBytes(content));

    /// <summary>Creates or rewrites the file with raw bytes and closes it (IN_CLOSE_WRITE).</summary>
    public void Write(string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        lock (_gate)
        {
            RequireDirectory(path);
            _files[path] = content;
            Notify(path, Read(path));
        }
    }

    /// <summary>Deletes the file (IN_DELETE); nothing when it does not exist.</summary>
    public void Delete(string path)
    {
        lock (_gate)
        {
            if (_files.Remove(path))
                Notify(path, TrackedFileReading.Absent($"{path} was deleted or moved away"));
        }
    }

    /// <summary>rename(2) <paramref name="from"/> over <paramref name="to"/> (IN_MOVED_FROM, then IN_MOVED_TO).</summary>
    public void Rename(string from, string to)
    {
        lock (_gate)
        {
            RequireDirectory(to);
            if (!_files.Remove(from, out var content))
                throw new FileNotFoundException("no such file", from);
            Notify(from, TrackedFileReading.Absent($"{from} was deleted or moved away"));
            _files[to] = content;
            Notify(to, Read(to));
        }
    }

    /// <inheritdoc />
    public IDisposable Watch(TrackedFileWatchRequest request, Action<TrackedFileReading> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            var watcher = new Watcher(this, request.Path, handler);
            if (request.Init is { } init)
                Initialise(request.Path, init, watcher);
            if (!_directories.Contains(DirectoryOf(request.Path)))
            {
                watcher.Deliver(new TrackedFileReading(TrackedFileReadingKind.Unwatchable, 0, $"track file directory for {request.Path} does not exist"));
                return watcher;
            }
            _watchers.Add(watcher);
            watcher.Deliver(Read(request.Path));
            return watcher;
        }
    }

    private void Initialise(string path, TrackedFileInit init, Watcher watcher)
    {
        bool exists = _files.ContainsKey(path);
        if (TrackFileFormat.DecideInit(init, exists, isRegularFile: true) != TrackFileInitAction.Write)
            return;
        if (!_directories.Contains(DirectoryOf(path)))
        {
            watcher.Deliver(new TrackedFileReading(TrackedFileReadingKind.InitFailed, 0, $"unable to initialise track file {path}: no such directory"));
            return;
        }
        _files[path] = Encoding.ASCII.GetBytes(TrackFileFormat.Render(init.Value));
        Notify(path, Read(path));
    }

    private TrackedFileReading Read(string path) => _files.TryGetValue(path, out var content)
        ? TrackFileFormat.Parse(content)
        : TrackedFileReading.Absent($"open {path}: No such file or directory");

    private void Notify(string path, TrackedFileReading reading)
    {
        foreach (var w in _watchers.ToList())
        {
            if (w.Path == path)
                w.Deliver(reading);
        }
    }

    private void RequireDirectory(string path)
    {
        if (!_directories.Contains(DirectoryOf(path)))
            throw new DirectoryNotFoundException($"no such directory for {path}");
    }

    private static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : path[..slash];
    }

    private static string Normalise(string directory) => directory.Length > 1 ? directory.TrimEnd('/') : directory;

    private sealed class Watcher(InMemoryTrackedFiles owner, string path, Action<TrackedFileReading> handler) : IDisposable
    {
        private bool _disposed;

        public string Path { get; } = path;

        public void Deliver(TrackedFileReading reading)
        {
            if (_disposed)
                return;
            try
            {
                handler(reading);
            }
#pragma warning disable CA1031 // as the real watch: a throwing handler does not end the watch
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                owner._watchers.Remove(this);
            }
        }
    }
}

namespace KeepAlive.Kernel.Ports;

/// <summary>What a <see cref="TrackedFileReading"/> says about a tracked file.</summary>
public enum TrackedFileReadingKind
{
    /// <summary>The file was read: <see cref="TrackedFileReading.Value"/> is its number (0 when it is empty or does not
    /// start with one, as keepalived's <c>strtol</c> gives).</summary>
    Number,

    /// <summary>The file does not exist, cannot be opened or read, or was deleted or moved away: keepalived counts 0.</summary>
    Absent,

    /// <summary>The file holds a number outside −2³¹..2³¹ (or beyond <c>long</c>): keepalived logs "Invalid number"
    /// and keeps the value it had.</summary>
    Invalid,

    /// <summary>The file cannot be watched (its directory does not exist or is not accessible, inotify is unavailable,
    /// or the directory went away): keepalived drops such a track_file; nothing changes.</summary>
    Unwatchable,

    /// <summary><c>init_file</c> could not write the file (keepalived reports a configuration error and goes on).</summary>
    InitFailed,
}

/// <summary>One observation of a tracked file, delivered by <see cref="ITrackedFileWatch"/>.</summary>
/// <param name="Kind">What was seen.</param>
/// <param name="Value">The number when <see cref="TrackedFileReadingKind.Number"/>, else 0.</param>
/// <param name="Detail">Why, for the log (errno text, the invalid text, the path).</param>
public sealed record TrackedFileReading(TrackedFileReadingKind Kind, long Value = 0, string? Detail = null)
{
    public static TrackedFileReading Number(long value) => new(TrackedFileReadingKind.Number, value);

    public static TrackedFileReading Absent(string? detail = null) => new(TrackedFileReadingKind.Absent, 0, detail);
}

/// <summary><c>init_file [VALUE] [overwrite]</c> of a track_file (keepalived track_file.c track_file_init_handler).</summary>
/// <param name="Value">Written as <c>"%d\n"</c>.</param>
/// <param name="Overwrite">Replace an existing regular file; without it an existing file is left alone. keepalived
/// never overwrites on a reload: pass false then.</param>
public sealed record TrackedFileInit(int Value, bool Overwrite);

/// <summary>What to watch: the configured <c>file</c> path, and the optional <c>init_file</c>.</summary>
public sealed record TrackedFileWatchRequest(string Path, TrackedFileInit? Init = null);

/// <summary>
/// The file side of keepalived's <c>track_file</c> (trackers/track_file.c): the file is read at start and whenever
/// inotify reports it written and closed or moved in (IN_CLOSE_WRITE, IN_MOVED_TO on its directory), and counts 0
/// when deleted or moved away (IN_DELETE, IN_MOVED_FROM). A writer that keeps the file open is not seen until it
/// closes it; a change of mode is not seen at all (keepalived watches neither).
/// </summary>
public interface ITrackedFileWatch
{
    /// <summary>Starts watching: performs <see cref="TrackedFileWatchRequest.Init"/> if any, installs the watch, then
    /// delivers the first reading (so no change is lost between the two), then one reading per change. Delivery is on
    /// a background thread, one at a time, in order, until the returned handle is disposed; disposing waits for a
    /// running handler call (unless called from the handler itself). Returns at once: nothing here blocks the
    /// caller on the file system. A handler that throws does not stop the watch.</summary>
    IDisposable Watch(TrackedFileWatchRequest request, Action<TrackedFileReading> handler);
}

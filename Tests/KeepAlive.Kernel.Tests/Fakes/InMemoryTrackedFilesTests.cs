using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Fakes;

/// <summary>The fake track_file system reports what the inotify watch reports for the same operations
/// (Privileged.Tests/Tracking/InotifyTrackedFileWatchTests runs the same sequence on disk).</summary>
public class InMemoryTrackedFilesTests
{
    private static (InMemoryTrackedFiles Files, List<TrackedFileReading> Seen, IDisposable Watch) Watch(string path, TrackedFileInit? init = null, params string[] existing)
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        foreach (var e in existing)
            files.Write(path, e);
        var seen = new List<TrackedFileReading>();
        var watch = files.Watch(new TrackedFileWatchRequest(path, init), seen.Add);
        return (files, seen, watch);
    }

    [Fact]
    public void The_first_reading_follows_the_watch_and_every_change_is_read()
    {
        var (files, seen, watch) = Watch("/run/ka/state", null, "5\n");
        files.Write("/run/ka/state", "-3");
        files.Write("/run/ka/other", "9");                  // another file in the directory: nothing
        files.Write("/run/ka/state.tmp", "40\n");
        files.Rename("/run/ka/state.tmp", "/run/ka/state"); // replaced by a rename
        files.Delete("/run/ka/state");
        files.Write("/run/ka/state", "99999999999");
        Assert.Equal([TrackedFileReading.Number(5), TrackedFileReading.Number(-3), TrackedFileReading.Number(40)], seen.Take(3));
        Assert.Equal(TrackedFileReadingKind.Absent, seen[3].Kind);
        Assert.Equal(TrackedFileReadingKind.Invalid, seen[4].Kind);
        Assert.Equal(5, seen.Count);

        watch.Dispose();
        files.Write("/run/ka/state", "1");
        Assert.Equal(5, seen.Count);
        Assert.Equal(0, files.ActiveWatches);
    }

    [Fact]
    public void A_missing_file_is_absent_and_a_missing_directory_unwatchable()
    {
        var (_, seen, _) = Watch("/run/ka/none");
        Assert.Equal(TrackedFileReadingKind.Absent, Assert.Single(seen).Kind);
        var (files, other, _) = Watch("/nowhere/state");
        Assert.Equal(TrackedFileReadingKind.Unwatchable, Assert.Single(other).Kind);
        Assert.Equal(0, files.ActiveWatches);
    }

    [Fact]
    public void Init_file_creates_and_overwrites_as_asked()
    {
        var (created, seen, _) = Watch("/run/ka/state", new TrackedFileInit(-7, Overwrite: false));
        Assert.Equal("-7\n", created.Content("/run/ka/state"));
        Assert.Equal(TrackedFileReading.Number(-7), Assert.Single(seen));

        var (kept, keptSeen, _) = Watch("/run/ka/state", new TrackedFileInit(3, Overwrite: false), "12");
        Assert.Equal("12", kept.Content("/run/ka/state"));
        Assert.Equal(TrackedFileReading.Number(12), Assert.Single(keptSeen));

        var (overwritten, overSeen, _) = Watch("/run/ka/state", new TrackedFileInit(3, Overwrite: true), "12");
        Assert.Equal("3\n", overwritten.Content("/run/ka/state"));
        Assert.Equal(TrackedFileReading.Number(3), Assert.Single(overSeen));

        var (_, failed, _) = Watch("/nowhere/state", new TrackedFileInit(3, Overwrite: true));
        Assert.Equal([TrackedFileReadingKind.InitFailed, TrackedFileReadingKind.Unwatchable], failed.Select(r => r.Kind));
    }

    [Fact]
    public void A_throwing_handler_does_not_end_the_watch()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        int calls = 0;
        files.Watch(new TrackedFileWatchRequest("/run/ka/state"), _ =>
        {
            calls++;
            throw new InvalidOperationException("handler bug");
        });
        files.Write("/run/ka/state", "1");
        Assert.Equal(2, calls);
    }
}

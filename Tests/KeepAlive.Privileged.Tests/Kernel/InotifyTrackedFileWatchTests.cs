using System.Collections.Concurrent;
using System.Diagnostics;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using KeepAlive.Privileged.Tests.Scripts;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>The inotify track_file watch on a real directory: the same sequence as the fake's tests
/// (Kernel.Tests/Fakes/InMemoryTrackedFilesTests), plus what only a real file system shows: a write is read once closed,
/// symlinks, FIFOs, init_file's mode. Needs no root.</summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InotifyTrackedFileWatchTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly ScriptSandbox _box = new();
    private readonly InotifyTrackedFileWatch _watch = new();

    public void Dispose() => _box.Dispose();

    /// <summary>Readings as they arrive, from the watch's thread.</summary>
    private sealed class Readings
    {
        private readonly BlockingCollection<TrackedFileReading> _queue = new();

        public void Add(TrackedFileReading r) => _queue.Add(r);

        public TrackedFileReading Next()
        {
            Assert.True(_queue.TryTake(out var r, Patience), "no reading arrived");
            return r;
        }

        public void ExpectNone() => Assert.False(_queue.TryTake(out var r, Quiet), $"unexpected reading {r}");
    }

    private (Readings Readings, IDisposable Watch) Watch(string path, TrackedFileInit? init = null)
    {
        var readings = new Readings();
        return (readings, _watch.Watch(new TrackedFileWatchRequest(path, init), readings.Add));
    }

    [Fact]
    public void The_first_reading_follows_the_watch_and_every_change_is_read()
    {
        var path = _box.PathOf("state");
        File.WriteAllText(path, "5\n");
        var (seen, watch) = Watch(path);
        using (watch)
        {
            Assert.Equal(TrackedFileReading.Number(5), seen.Next());
            File.WriteAllText(path, "-3");
            Assert.Equal(TrackedFileReading.Number(-3), seen.Next());
            File.WriteAllText(_box.PathOf("other"), "9");               // another file in the directory: nothing
            seen.ExpectNone();
            File.WriteAllText(path + ".tmp", "40\n");
            File.Move(path + ".tmp", path, overwrite: true);             // replaced by a rename
            Assert.Equal(TrackedFileReading.Number(40), seen.Next());
            File.Delete(path);
            Assert.Equal(TrackedFileReadingKind.Absent, seen.Next().Kind);
            File.WriteAllText(path, "99999999999");
            Assert.Equal(TrackedFileReadingKind.Invalid, seen.Next().Kind);
            seen.ExpectNone();
        }
        File.WriteAllText(path, "1");                                   // disposed: nothing more
        seen.ExpectNone();
    }

    [Fact]
    public void A_write_is_read_once_the_writer_closes_the_file()
    {
        var path = _box.PathOf("state");
        var (seen, watch) = Watch(path);
        using var _ = watch;
        Assert.Equal(TrackedFileReadingKind.Absent, seen.Next().Kind);
        using (var writer = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            writer.Write("1"u8);
            writer.Flush();
            seen.ExpectNone();                                           // created and half written: not read
            writer.Write("23\n"u8);
            writer.Flush();
            seen.ExpectNone();
        }
        Assert.Equal(TrackedFileReading.Number(123), seen.Next());
    }

    [Fact]
    public void A_missing_file_is_absent_and_a_missing_directory_unwatchable()
    {
        var (missing, w1) = Watch(_box.PathOf("none"));
        using (w1)
            Assert.Equal(TrackedFileReadingKind.Absent, missing.Next().Kind);
        var (nowhere, w2) = Watch(_box.PathOf("nodir/state"));
        using (w2)
        {
            Assert.Equal(TrackedFileReadingKind.Unwatchable, nowhere.Next().Kind);
            nowhere.ExpectNone();
        }
    }

    [Fact]
    public void A_symlinked_file_is_followed_to_its_target()
    {
        var target = _box.PathOf("real");
        var link = _box.PathOf("link");
        File.WriteAllText(target, "6");
        File.CreateSymbolicLink(link, target);
        var (seen, watch) = Watch(link);
        using var _ = watch;
        Assert.Equal(TrackedFileReading.Number(6), seen.Next());
        File.WriteAllText(target, "7");
        Assert.Equal(TrackedFileReading.Number(7), seen.Next());
    }

    [Fact]
    public void A_fifo_is_read_without_waiting_for_a_writer()
    {
        var fifo = _box.PathOf("fifo");
        Assert.Equal(0, Privilege.Run("mkfifo", [fifo], TimeSpan.FromSeconds(5)).Code);
        var clock = Stopwatch.StartNew();
        var (seen, watch) = Watch(fifo);
        using var _ = watch;
        Assert.Equal(TrackedFileReading.Number(0), seen.Next());       // opened O_NONBLOCK: no writer, 0 bytes
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Init_file_creates_the_file_with_mode_0666_less_the_umask_and_overwrites_only_when_asked()
    {
        var path = _box.PathOf("init");
        var (created, w1) = Watch(path, new TrackedFileInit(-7, Overwrite: false));
        using (w1)
            Assert.Equal(TrackedFileReading.Number(-7), created.Next());
        Assert.Equal("-7\n", File.ReadAllText(path));
        var umask = Convert.ToInt32(Privilege.Run("/bin/sh", ["-c", "umask"], TimeSpan.FromSeconds(5)).Output.Trim(), 8);
        Assert.Equal((UnixFileMode)(0x1B6 & ~umask), File.GetUnixFileMode(path));

        File.WriteAllText(path, "12");
        var (kept, w2) = Watch(path, new TrackedFileInit(3, Overwrite: false));
        using (w2)
            Assert.Equal(TrackedFileReading.Number(12), kept.Next());
        var (overwritten, w3) = Watch(path, new TrackedFileInit(3, Overwrite: true));
        using (w3)
            Assert.Equal(TrackedFileReading.Number(3), overwritten.Next());
        Assert.Equal("3\n", File.ReadAllText(path));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_box.Directory).Select(Path.GetFileName)); // no temporary left

        var (failed, w4) = Watch(_box.PathOf("nodir/state"), new TrackedFileInit(3, Overwrite: true));
        using (w4)
        {
            Assert.Equal(TrackedFileReadingKind.InitFailed, failed.Next().Kind);
            Assert.Equal(TrackedFileReadingKind.Unwatchable, failed.Next().Kind);
        }
    }

    [Fact]
    public void Removing_the_directory_ends_the_watch()
    {
        var dir = _box.PathOf("sub");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "state");
        File.WriteAllText(path, "2");
        var (seen, watch) = Watch(path);
        using var _ = watch;
        Assert.Equal(TrackedFileReading.Number(2), seen.Next());
        Directory.Delete(dir, recursive: true);
        Assert.Equal(TrackedFileReadingKind.Absent, seen.Next().Kind);  // the file's delete
        Assert.Equal(TrackedFileReadingKind.Unwatchable, seen.Next().Kind);
    }
}

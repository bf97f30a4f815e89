using System.Security.Cryptography;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>A tracked file's resolved path, its directory (watched) and its name in it (matched in events).</summary>
internal sealed record TrackedFilePath(string Path, string Directory, string Name);

/// <summary>The file-system side of a track_file (keepalived trackers/track_file.c): resolve, read, initialise.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static unsafe class TrackedFileDisk
{
    private const uint S_IFMT = 0xF000;
    private const uint S_IFREG = 0x8000;

    /// <summary>init_track_files: realpath of the file, or of its directory when the file does not exist yet (the
    /// directory must exist); null with the reason otherwise.</summary>
    public static TrackedFilePath? Resolve(string path, out string? error)
    {
        error = null;
        var resolved = InotifyNative.RealPath(path, out int errno);
        if (resolved is null)
        {
            if (errno != InotifyNative.ENOENT)
            {
                error = $"track file {path} is not accessible: {Errno.Failure(errno, "realpath")}";
                return null;
            }
            int slash = path.LastIndexOf('/');
            var dirPart = slash < 0 ? "." : slash == 0 ? "/" : path[..slash];
            var dir = InotifyNative.RealPath(dirPart, out _);
            if (dir is null || !Directory.Exists(dir))
            {
                error = $"track file directory for {path} does not exist";
                return null;
            }
            resolved = (dir == "/" ? "/" : dir + "/") + path[(slash + 1)..];
        }
        int last = resolved.LastIndexOf('/');
        return new TrackedFilePath(resolved, resolved[..(last + 1)], resolved[(last + 1)..]);
    }

    /// <summary>process_track_file: open O_NONBLOCK, one read of 127 bytes, strtol. An unopenable or unreadable
    /// file is <see cref="TrackedFileReadingKind.Absent"/> (keepalived: 0).</summary>
    public static TrackedFileReading Read(string path)
    {
        int fd;
        fixed (byte* p = InotifyNative.Utf8Z(path))
        {
            do
                fd = LibC.open(p, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
            while (fd < 0 && LibC.errno == Errno.EINTR);
        }
        if (fd < 0)
            return TrackedFileReading.Absent(Errno.LastFailure($"open {path}").ToString());
        try
        {
            var buffer = stackalloc byte[TrackFileFormat.ReadLimit];
            long n;
            do
                n = LibC.read(fd, buffer, TrackFileFormat.ReadLimit);
            while (n < 0 && LibC.errno == Errno.EINTR);
            if (n < 0)
                return TrackedFileReading.Absent(Errno.LastFailure($"read {path}").ToString());
            return TrackFileFormat.Parse(new ReadOnlySpan<byte>(buffer, (int)n));
        }
        finally
        {
            LibC.close(fd);
        }
    }

    /// <summary>track_file_end_handler's init_file: null when done or nothing to do, else why it failed.</summary>
    public static string? Initialise(string path, TrackedFileInit init)
    {
        stat st;
        bool exists;
        fixed (byte* p = InotifyNative.Utf8Z(path))
            exists = LibC.stat(p, &st) == 0;
        switch (TrackFileFormat.DecideInit(init, exists, exists && ((uint)st.st_mode & S_IFMT) == S_IFREG))
        {
            case TrackFileInitAction.None:
                return null;
            case TrackFileInitAction.NotRegular:
                return $"cannot initialise track file {path}: it is not a regular file";
        }
        var temporary = path + Convert.ToHexString(RandomNumberGenerator.GetBytes(3));
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = (UnixFileMode)0x1B6, // 0666, less the umask
            };
            using (var stream = new FileStream(temporary, options))
                stream.Write(System.Text.Encoding.ASCII.GetBytes(TrackFileFormat.Render(init.Value)));
            File.Move(temporary, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            return $"unable to initialise track file {path}: {e.Message}";
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // nothing more to do: the temporary name is random
        }
    }
}

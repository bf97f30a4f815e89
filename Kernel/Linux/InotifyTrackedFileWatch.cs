using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="ITrackedFileWatch"/> on inotify, as keepalived's trackers/track_file.c (<c>init_track_files</c>,
/// <c>process_inotify</c>, <c>process_track_file</c>):
/// <list type="bullet">
/// <item>The path is resolved once with realpath(3) (a symlinked file is followed to its target); a missing file's
/// directory is resolved instead and must exist, else the file is <see cref="TrackedFileReadingKind.Unwatchable"/>
/// ("Track file directory does not exist - removing").</item>
/// <item>The directory is watched for <c>IN_CLOSE_WRITE | IN_DELETE | IN_MOVE</c>, so a file created, replaced by a
/// rename, deleted or rewritten is seen, and a partial write is never read: FileSystemWatcher was measured and
/// rejected — it reports IN_MODIFY during the write (readers saw "1" of "123", and empty files after truncation) and
/// nothing at close.</item>
/// <item>The file is opened O_NONBLOCK (a FIFO cannot hang the reader) and one read(2) of 127 bytes is parsed by
/// <see cref="TrackFileFormat.Parse"/>.</item>
/// <item>Beyond keepalived: IN_Q_OVERFLOW rereads the file (keepalived loses that change), and the end of the
/// directory's watch is reported.</item>
/// <item><c>init_file</c> writes <c>"%d\n"</c> to a temporary file (mode 0666 less the umask, as keepalived's
/// fopen_safe) renamed over the path; keepalived renames first and writes after, which shows an empty file for a
/// moment.</item>
/// </list>
/// Each watch has its own inotify descriptor and thread, blocked in poll(2) with an eventfd to stop it (keepalived
/// shares one descriptor; a few track files stay far below fs.inotify.max_user_instances, 128 by default).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InotifyTrackedFileWatch : ITrackedFileWatch
{
    /// <inheritdoc />
    public IDisposable Watch(TrackedFileWatchRequest request, Action<TrackedFileReading> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(request, handler);
        subscription.Start();
        return subscription;
    }

    private sealed class Subscription : IDisposable
    {
        private readonly TrackedFileWatchRequest _request;
        private readonly Action<TrackedFileReading> _handler;
        private readonly FileDescriptorHandle _stop;
        private readonly Thread _thread;
        private volatile bool _stopping;
        private int _disposed;

        public Subscription(TrackedFileWatchRequest request, Action<TrackedFileReading> handler)
        {
            _request = request;
            _handler = handler;
            _stop = new FileDescriptorHandle(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
            _thread = new Thread(Run) { IsBackground = true, Name = "ka-trackfile" };
        }

        public void Start() => _thread.Start();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _stopping = true;
            EventFdSignal.Signal(_stop);
            if (_thread.IsAlive && Thread.CurrentThread != _thread)
                _thread.Join();
        }

        private void Deliver(TrackedFileReading reading)
        {
            if (_stopping)
                return;
            try
            {
                _handler(reading);
            }
#pragma warning disable CA1031 // the handler's failure must not end the watch
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        private void Run()
        {
            try
            {
                if (_stop.IsInvalid)
                {
                    Deliver(Unwatchable(Errno.LastFailure("eventfd").ToString()));
                    return;
                }
                if (_request.Init is { } init && TrackedFileDisk.Initialise(_request.Path, init) is { } failed)
                    Deliver(new TrackedFileReading(TrackedFileReadingKind.InitFailed, 0, failed));
                if (TrackedFileDisk.Resolve(_request.Path, out var error) is not { } target)
                {
                    Deliver(Unwatchable(error));
                    return;
                }
                int fd = InotifyNative.inotify_init1(InotifyNative.IN_NONBLOCK | InotifyNative.IN_CLOEXEC);
                if (fd < 0)
                {
                    Deliver(Unwatchable($"unable to monitor track file {_request.Path}: {Errno.LastFailure("inotify_init1")}"));
                    return;
                }
                using var inotify = new FileDescriptorHandle(fd);
                if (!AddWatch(fd, target.Directory))
                    return;
                Deliver(TrackedFileDisk.Read(target.Path));
                Loop(fd, target);
            }
            finally
            {
                _stop.Dispose();
            }
        }

        private unsafe bool AddWatch(int fd, string directory)
        {
            fixed (byte* p = InotifyNative.Utf8Z(directory))
            {
                if (InotifyNative.inotify_add_watch(fd, p, InotifyEventCodec.TrackFileMask) >= 0)
                    return true;
            }
            Deliver(Unwatchable(Errno.LastFailure($"inotify_add_watch {directory}").ToString()));
            return false;
        }

        private unsafe void Loop(int fd, TrackedFilePath target)
        {
            var buffer = new byte[64 * 1024];
            bool added = false;
            if (!_stop.TryAcquire(ref added, out int stopFd))
                return;
            try
            {
                var fds = stackalloc pollfd[2];
                while (!_stopping)
                {
                    fds[0] = new pollfd { fd = fd, events = LibC.POLLIN };
                    fds[1] = new pollfd { fd = stopFd, events = LibC.POLLIN };
                    if (LibC.poll(fds, 2, -1) < 0)
                    {
                        if (LibC.errno == Errno.EINTR)
                            continue;
                        Deliver(Unwatchable(Errno.LastFailure("poll inotify").ToString()));
                        return;
                    }
                    if (_stopping || fds[1].revents != 0)
                        return;
                    long n;
                    fixed (byte* b = buffer)
                        n = LibC.read(fd, b, buffer.Length);
                    if (n < 0)
                    {
                        if (LibC.errno is Errno.EINTR or Errno.EAGAIN)
                            continue;
                        Deliver(Unwatchable(Errno.LastFailure("read inotify").ToString()));
                        return;
                    }
                    if (!Handle(InotifyEventCodec.Decode(buffer.AsSpan(0, (int)n)), target))
                        return;
                }
            }
            finally
            {
                if (added)
                    _stop.DangerousRelease();
            }
        }

        /// <summary>Acts on one read's events; false when the watch ended.</summary>
        private bool Handle(List<InotifyEvent> events, TrackedFilePath target)
        {
            foreach (var e in events)
            {
                switch (InotifyEventCodec.Classify(e, target.Name))
                {
                    case TrackedFileChange.Reread:
                    case TrackedFileChange.Overflow:
                        Deliver(TrackedFileDisk.Read(target.Path));
                        break;
                    case TrackedFileChange.Gone:
                        Deliver(TrackedFileReading.Absent($"{target.Path} was deleted or moved away"));
                        break;
                    case TrackedFileChange.WatchEnded:
                        Deliver(Unwatchable($"the watch of {target.Directory} ended (removed or unmounted)"));
                        return false;
                }
            }
            return true;
        }

        private static TrackedFileReading Unwatchable(string? why) => new(TrackedFileReadingKind.Unwatchable, 0, why);
    }
}

using Akka.Actor;
using Akka.Event;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tracking;

/// <summary>A <c>track_file</c> ready to watch: its name and what to watch (the path and <c>init_file</c>).</summary>
/// <param name="Name">The track_file name.</param>
/// <param name="Request">The path, and the init_file to perform at start.</param>
public sealed record FileTrackerSettings(string Name, TrackedFileWatchRequest Request)
{
    /// <summary>From a bound track_file; null when it has no <c>file</c> (keepalived drops it). On a
    /// <paramref name="reload"/> an existing file is never overwritten (track_file_end_handler).</summary>
    public static FileTrackerSettings? From(TrackFileConfig config, bool reload = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.File is not { } path)
            return null;
        var init = config.InitFile ? new TrackedFileInit((int)Math.Clamp(config.InitValue, int.MinValue, int.MaxValue), config.InitOverwrite && !reload) : null;
        return new FileTrackerSettings(config.Name, new TrackedFileWatchRequest(path, init));
    }
}

/// <summary>
/// A <c>track_file</c> (keepalived 2.2.7 trackers/track_file.c): watches the file through <see cref="ITrackedFileWatch"/>
/// (read at start and at every change, delivered on the watch's thread and told to this actor) and reports
/// <see cref="TrackedStatus"/>(Up: it could be read, Value: its number) to the subscribers at every change; each
/// instance multiplies the value by its own weight (<see cref="TrackerPolicy.File"/>). A deleted, missing or unreadable
/// file is 0; an out-of-range number is ignored (the previous value stays; before any value it is 0, keepalived's
/// initial last_status); a file that cannot be watched is logged and reports nothing (keepalived drops it).
/// <see cref="QueryTracked"/> is answered once a value is known. A restart watches again and re-reports; it performs
/// <c>init_file</c> without overwriting, as keepalived's reload does.
/// </summary>
public sealed class FileTrackerActor : ReceiveActor
{
    private readonly FileTrackerSettings _settings;
    private readonly ITrackedFileWatch _watch;
    private readonly TrackerSubscribers _subscribers;
    private readonly string _key;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly object _ticket = new();
    private IDisposable? _watching;
    private bool _restarted;
    private TrackedStatus? _status;

    public FileTrackerActor(FileTrackerSettings settings, ITrackedFileWatch watch, TrackerSubscribers subscribers)
    {
        _settings = settings;
        _watch = watch;
        _subscribers = subscribers;
        _key = TrackerNames.File(settings.Name);
        Receive<Observed>(o => ReferenceEquals(o.Ticket, _ticket), o => OnReading(o.Reading));
        Receive<Observed>(_ => { });
        Receive<UpdateSubscribers>(u => _subscribers.Replace(u.Paths));
        Receive<QueryTracked>(_ =>
        {
            if (_status is { } status)
                Sender.Tell(status);
        });
    }

    public static Props Props(FileTrackerSettings settings, ITrackedFileWatch watch, TrackerSubscribers subscribers) =>
        Akka.Actor.Props.Create(() => new FileTrackerActor(settings, watch, subscribers));

    /// <summary>A reading from this incarnation's watch (<paramref name="Ticket"/>).</summary>
    private sealed record Observed(object Ticket, TrackedFileReading Reading);

    protected override void PreStart()
    {
        var request = _settings.Request;
        if (_restarted && request.Init is { } init)
            request = request with { Init = init with { Overwrite = false } };
        var self = Self;
        var ticket = _ticket;
        _watching = _watch.Watch(request, reading => self.Tell(new Observed(ticket, reading)));
    }

    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        base.PostRestart(reason);
    }

    protected override void PostStop() => _watching?.Dispose();

    private void OnReading(TrackedFileReading reading)
    {
        switch (reading.Kind)
        {
            case TrackedFileReadingKind.Number:
                Set(true, reading.Value);
                break;
            case TrackedFileReadingKind.Absent:
                Set(false, 0);
                break;
            case TrackedFileReadingKind.Invalid:
                _log.Info("track_file {0}: {1} read from {2} - ignoring", _settings.Name, reading.Detail, _settings.Request.Path);
                if (_status is null)
                    Set(true, 0);
                break;
            case TrackedFileReadingKind.Unwatchable:
                _log.Error("track_file {0}: {1} - not tracked", _settings.Name, reading.Detail);
                break;
            case TrackedFileReadingKind.InitFailed:
                _log.Error("track_file {0}: {1}", _settings.Name, reading.Detail);
                break;
        }
    }

    private void Set(bool up, long value)
    {
        var status = new TrackedStatus(_key, up, value);
        if (status == _status)
            return;
        _status = status;
        _subscribers.Tell(Context.System, status, Self);
    }
}

using Akka.Actor;

namespace KeepAlive.Actors.Tracking;

/// <summary>
/// The state of one tracked object (an interface, a vrrp_script, a track_file, a vrrp_track_process), sent by its
/// tracker actor to every subscriber at each change, and to whoever asks with <see cref="QueryTracked"/> once the
/// state is known. The object's effect on an instance depends on that instance's own weight and reverse
/// (<see cref="TrackedBinding"/>), so trackers report what they see, never a priority.
/// </summary>
/// <param name="Tracker">The object's key (<see cref="TrackerNames"/>).</param>
/// <param name="Up">Interface up, script healthy, process quorum met. For a file: it could be read.</param>
/// <param name="Value">For a track_file: the number it holds (0 when unreadable).</param>
public sealed record TrackedStatus(string Tracker, bool Up, long Value = 0);

/// <summary>A reload changed who tracks this object (the tracker's own settings are the same): its reports go to
/// <paramref name="Paths"/> from now on. New subscribers ask with <see cref="QueryTracked"/>.</summary>
public sealed record UpdateSubscribers(IReadOnlyList<ActorPath> Paths);

/// <summary>Asks a tracker for its current <see cref="TrackedStatus"/>; answered to the sender only when known
/// (a script that has not run yet answers after its first result, to its subscribers).</summary>
public sealed record QueryTracked
{
    public static QueryTracked Instance { get; } = new();
}

/// <summary>Where a tracker sends its reports: the instance and sync-group actors that track it, by path (their
/// names are deterministic, so a tracker can be created before them and needs no reference that a restart would
/// invalidate). The tracker that owns it replaces the paths on <see cref="UpdateSubscribers"/> (a reload); the same
/// object is in the tracker's Props, so a restarted tracker keeps the new list. Touched only by its tracker.</summary>
public sealed class TrackerSubscribers(IReadOnlyList<ActorPath> paths)
{
    /// <summary>A new empty list (not shared: a list may be replaced).</summary>
    public static TrackerSubscribers None => new([]);

    public IReadOnlyList<ActorPath> Paths { get; private set; } = paths;

    /// <summary>The subscribers from now on.</summary>
    public void Replace(IReadOnlyList<ActorPath> paths) => Paths = paths;

    public void Tell(ActorSystem system, TrackedStatus status, IActorRef sender)
    {
        foreach (var path in Paths)
            system.ActorSelection(path).Tell(status, sender);
    }
}

/// <summary>The kind of rule that turns a <see cref="TrackedStatus"/> into an effect.</summary>
public enum TrackedKind
{
    /// <summary>Interfaces, scripts, processes: up or down.</summary>
    UpDown,

    /// <summary>track_file: the value times the weight.</summary>
    File,
}

/// <summary>How one instance (or sync group) uses one tracked object: its own weight and reverse flag
/// (track_script { chk weight -20 reverse } overrides the script's). </summary>
public sealed record TrackedBinding(string Tracker, TrackedKind Kind, int Weight, bool Reverse)
{
    public TrackerEffect Effect(TrackedStatus status) => Kind == TrackedKind.File
        ? TrackerPolicy.File(status.Value, Weight, Reverse)
        : TrackerPolicy.UpDown(status.Up, Weight, Reverse);
}

/// <summary>The keys of tracked objects, shared by trackers, instances and the status endpoint.</summary>
public static class TrackerNames
{
    public static string Interface(string name) => "interface " + name;

    public static string Script(string name) => "script " + name;

    public static string File(string name) => "file " + name;

    public static string Process(string name) => "process " + name;
}

using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// FILE_CHECK (keepalived 2.2.7 check/check_file.c, trackers/track_file.c): follows the named <c>track_file</c>'s
/// number through the shared <see cref="ITrackedFileWatch"/> (inotify: read at start and at every close-after-write,
/// rename in, delete) and answers each check from the last number with <see cref="FileCheckPolicy"/>. A missing or
/// deleted file is 0; an out-of-range number is ignored (the previous value stays, 0 before any); a file that cannot
/// be watched leaves the value as it was, and before any value makes the checker pass, since keepalived removes such
/// a track_file and its FILE_CHECK. keepalived reacts to a change at once; a probe is asked on its delay_loop, so
/// <see cref="Changed"/> tells the caller when to ask again early.
/// </summary>
public sealed class FileProbe : INotifyingProbe
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _firstReading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _weight;
    private readonly bool _reverse;
    private readonly long _configuredWeight;
    private readonly TimeSpan _firstReadingWait;
    private IDisposable? _watch;
    private long? _value;
    private string? _unwatchable;

    private FileProbe(int weight, bool reverse, long configuredWeight, TimeSpan firstReadingWait, string describe)
    {
        _weight = weight;
        _reverse = reverse;
        _configuredWeight = configuredWeight;
        _firstReadingWait = firstReadingWait;
        Describe = describe;
    }

    /// <inheritdoc />
    public string Describe { get; }

    /// <summary>Raised (on the watch's thread) when the file's value changed: a check now would see it.</summary>
    public event Action? Changed;

    /// <summary>The probe of <paramref name="checker"/>, watching at once; null with <paramref name="error"/> when
    /// keepalived drops it (no track_file named, the named one not given or without a file).</summary>
    /// <param name="checker">The FILE_CHECK block.</param>
    /// <param name="context">Gives the real server's configured weight.</param>
    /// <param name="trackFile">The <c>track_file</c> block the checker names (the factory looks it up by name).</param>
    /// <param name="files">The daemon's tracked-file watch (InotifyTrackedFileWatch).</param>
    /// <param name="performInitFile">Perform the track_file's <c>init_file</c>: true when no vrrp track_file tracker
    /// does it already and this is not a reload (keepalived never overwrites on a reload).</param>
    /// <param name="error">Why there is no probe.</param>
    public static FileProbe? TryCreate(FileCheckConfig checker, ProbeContext context, TrackFileConfig? trackFile, ITrackedFileWatch files,
        bool performInitFile, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(files);
        if (checker.TrackFile is not { } name)
        {
            error = "FILE_CHECK has no track_file specified - ignoring";
            return null;
        }
        if (trackFile is null || trackFile.Name != name)
        {
            error = $"FILE_CHECK: track_file {name} not found";
            return null;
        }
        if (FileTrackerSettings.From(trackFile) is not { } settings)
        {
            error = $"FILE_CHECK: track_file {name} has no file - ignoring";
            return null;
        }
        int weight = checker.Weight ?? trackFile.Weight;
        bool reverse = checker.Weight is null ? trackFile.WeightReverse : checker.Reverse;
        var wait = checker.Common.ConnectTimeout > TimeSpan.Zero ? checker.Common.ConnectTimeout : TimeSpan.FromSeconds(5);
        var probe = new FileProbe(weight, reverse, context.RealServer.Weight, wait,
            $"FILE_CHECK {name} ({settings.Request.Path}) weight {weight}{(reverse ? " reverse" : "")}");
        var request = performInitFile ? settings.Request : settings.Request with { Init = null };
        probe._watch = files.Watch(request, probe.OnReading);
        error = null;
        return probe;
    }

    /// <inheritdoc />
    public async Task<ProbeResult> CheckAsync(CancellationToken cancellation)
    {
        var first = _firstReading.Task;
        if (!first.IsCompleted)
        {
            try
            {
                await first.WaitAsync(_firstReadingWait, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return ProbeResult.Fail("cancelled");
            }
            catch (TimeoutException)
            {
                return ProbeResult.Fail($"the track file was not read within {_firstReadingWait.TotalMilliseconds:0} ms");
            }
        }
        lock (_gate)
        {
            if (_value is { } value)
                return FileCheckPolicy.Evaluate(value, _weight, _reverse, _configuredWeight);
            return ProbeResult.Pass($"the track file cannot be watched ({_unwatchable}); keepalived removes its FILE_CHECK, so it does not count");
        }
    }

    private void OnReading(TrackedFileReading reading)
    {
        bool changed;
        lock (_gate)
        {
            var before = _value;
            switch (reading.Kind)
            {
                case TrackedFileReadingKind.Number:
                    _value = reading.Value;
                    break;
                case TrackedFileReadingKind.Absent:
                    _value = 0;
                    break;
                case TrackedFileReadingKind.Invalid:
                    _value ??= 0;
                    break;
                case TrackedFileReadingKind.Unwatchable:
                    _unwatchable = reading.Detail ?? "unwatchable";
                    break;
                default:
                    // InitFailed: keepalived reports it and goes on; the reading that follows tells the value.
                    return;
            }
            changed = before != _value;
        }
        _firstReading.TrySetResult();
        if (changed)
            Changed?.Invoke();
    }

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _watch, null)?.Dispose();
}

using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Scripts;

/// <summary>A <c>vrrp_script</c> block's timing and weighting (keepalived 2.2.7 vrrp/vrrp_parser.c vrrp_vscript_*).</summary>
/// <param name="IntervalSeconds">Period; 0 becomes 1 (keepalived warns). Default 1.</param>
/// <param name="TimeoutSeconds">0 = use the interval (vrrp_script_thread passes <c>timeout ?: interval</c>).</param>
/// <param name="Rise">Consecutive successes to go up (≥1, default 1).</param>
/// <param name="Fall">Consecutive failures to go down (≥1, default 1).</param>
/// <param name="Weight">−253..253; 0 = the tracker puts the instance in FAULT while failing.</param>
/// <param name="WeightReverse"><c>weight N reverse</c>: the contribution's sign is inverted.</param>
/// <param name="InitFail"><c>init_fail</c>: start failed instead of unknown.</param>
public sealed record VrrpScriptSettings(
    int IntervalSeconds = 1,
    int TimeoutSeconds = 0,
    int Rise = 1,
    int Fall = 1,
    int Weight = 0,
    bool WeightReverse = false,
    bool InitFail = false)
{
    /// <summary>The kill timer of one run.</summary>
    public TimeSpan EffectiveTimeout => TimeSpan.FromSeconds(TimeoutSeconds > 0 ? TimeoutSeconds : Math.Max(1, IntervalSeconds));

    /// <summary>The period between starts.</summary>
    public TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(1, IntervalSeconds));
}

/// <summary>What one run counts as.</summary>
public enum ScriptVerdict
{
    /// <summary>Counts toward rise.</summary>
    Success,

    /// <summary>Counts toward fall (non-zero exit, or killed by a signal we did not send).</summary>
    Failure,

    /// <summary>Killed by our timeout signals: counts toward fall.</summary>
    TimedOut,

    /// <summary>No process was created: keepalived's fork failed, nothing is counted.</summary>
    NoResult,
}

/// <summary>Where the script's debounced state stands.</summary>
public enum ScriptStatus
{
    /// <summary>Never reported (keepalived SCRIPT_INIT_STATE_INIT).</summary>
    Unknown,
    Up,
    Down,
}

/// <summary>keepalived's counter (<c>vscript-&gt;result</c>, 0..rise+fall−1; up when ≥ rise) and init state.</summary>
public readonly record struct ScriptHealth(int Result, bool Initialising, bool InitFailed);

/// <summary>The edge reported when a run changes the script's state (keepalived logs "VRRP_Script(x) succeeded|failed|
/// timed_out" and calls update_script_priorities only then).</summary>
public readonly record struct ScriptTransition(bool Up, ScriptVerdict Cause);

/// <summary>
/// keepalived 2.2.7's <c>vrrp_script</c> semantics (vrrp/vrrp_scheduler.c vrrp_init_script, vrrp_script_child_thread;
/// vrrp/vrrp_track.c process_script_update_priority, initialise_track_script_state). Pure and edge-triggered:
/// <list type="bullet">
/// <item>Start: the counter is <c>rise − 1</c> ("one success is enough") with the state unknown; with <c>init_fail</c> it
/// is 0 and the state is down (so <c>rise</c> successes are needed).</item>
/// <item>Success: below <c>rise − 1</c> count up; otherwise jump to <c>rise + fall − 1</c>, reporting UP if the counter
/// was below <c>rise</c>.</item>
/// <item>Failure or timeout: above <c>rise</c> count down; otherwise reset to 0, reporting DOWN if the counter was exactly
/// <c>rise</c> (the fall-th failure) or this is the first result ever (unknown → down).</item>
/// <item>Exit status 0 is success — even after our SIGTERM, if the script traps it and exits 0; any other status fails;
/// death by our SIGTERM/SIGKILL after the timeout is "timed_out", by any other signal a failure.</item>
/// <item>exec or credential failure: keepalived's forked child logs and exits 0, so it counts as <b>success</b>
/// (lib/notify.c system_call_script); a failed fork counts as nothing.</item>
/// </list>
/// </summary>
public sealed class ScriptHealthPolicy
{
    /// <summary>keepalived sends SIGTERM to the group at the timeout, SIGKILL 2 s later, and SIGKILL again every 10 s.</summary>
    public static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);

    public ScriptHealthPolicy(VrrpScriptSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Rise < 1 || settings.Fall < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "rise and fall are at least 1");
        if (settings.Weight is < -253 or > 253)
            throw new ArgumentOutOfRangeException(nameof(settings), "weight is −253..253");
        if (settings.IntervalSeconds < 0 || settings.TimeoutSeconds < 0)
            throw new ArgumentOutOfRangeException(nameof(settings), "interval and timeout are not negative");
        Settings = settings;
    }

    public VrrpScriptSettings Settings { get; }

    private int Rise => Settings.Rise;

    private int Top => Settings.Rise + Settings.Fall - 1;

    /// <summary>The state before the first run.</summary>
    public ScriptHealth Initial => Settings.InitFail
        ? new ScriptHealth(0, Initialising: false, InitFailed: true)
        : new ScriptHealth(Rise - 1, Initialising: true, InitFailed: false);

    /// <summary>Debounced state.</summary>
    public ScriptStatus Status(ScriptHealth health) =>
        health.Initialising ? ScriptStatus.Unknown : health.Result >= Rise ? ScriptStatus.Up : ScriptStatus.Down;

    /// <summary>What a finished run counts as.</summary>
    public static ScriptVerdict Classify(ScriptRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Outcome switch
        {
            ScriptOutcome.Exited => run.ExitCode == 0 ? ScriptVerdict.Success : ScriptVerdict.Failure,
            ScriptOutcome.Signaled when run.TimedOut && run.Signal is Sigterm or Sigkill => ScriptVerdict.TimedOut,
            ScriptOutcome.Signaled => ScriptVerdict.Failure,
            ScriptOutcome.CouldNotStart => run.StartFailure is ScriptStartFailure.Exec or ScriptStartFailure.Credentials
                ? ScriptVerdict.Success
                : ScriptVerdict.NoResult,
            _ => ScriptVerdict.NoResult,
        };
    }

    private const int Sigterm = 15;
    private const int Sigkill = 9;

    /// <summary>Applies one run; returns the new state and the edge, if any.</summary>
    public (ScriptHealth Next, ScriptTransition? Edge) Apply(ScriptHealth health, ScriptVerdict verdict)
    {
        if (verdict == ScriptVerdict.NoResult)
            return (health, null);
        var result = health.Result;
        ScriptTransition? edge = null;
        if (verdict == ScriptVerdict.Success)
        {
            if (result < Rise - 1)
                result++;
            else if (result != Top)
            {
                if (result < Rise)
                    edge = new ScriptTransition(true, verdict);
                result = Top;
            }
        }
        else if (result > Rise)
            result--;
        else
        {
            if (result == Rise || health.Initialising)
                edge = new ScriptTransition(false, verdict);
            result = 0;
        }
        return (new ScriptHealth(result, Initialising: false, InitFailed: health.InitFailed), edge);
    }

    /// <summary>
    /// The priority contribution of a tracked script (process_script_update_priority): with weight w &gt; 0, +w while up;
    /// with w &lt; 0, w while down; 0 otherwise and while unknown. <c>reverse</c> negates the contribution (it does not swap
    /// the condition). Weight 0 never contributes (see <see cref="CausesFault"/>).
    /// </summary>
    public static int Contribution(ScriptStatus status, int weight, bool reverse) =>
        status == ScriptStatus.Unknown ? 0 : Tracking.TrackerPolicy.UpDown(status == ScriptStatus.Up, weight, reverse).Contribution;

    /// <summary>An unweighted tracked script faults the instance while down (while up with <c>reverse</c>). Unknown does
    /// not fault but holds the instance in its initial state until the first result (num_script_init).</summary>
    public static bool CausesFault(ScriptStatus status, int weight, bool reverse) =>
        status != ScriptStatus.Unknown && Tracking.TrackerPolicy.UpDown(status == ScriptStatus.Up, weight, reverse).Faulting;
}

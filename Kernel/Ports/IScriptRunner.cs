namespace KeepAlive.Kernel.Ports;

/// <summary>Run a script as this numeric user and group (keepalived's <c>script_user</c>/<c>user U [G]</c>, resolved);
/// the supplementary groups become just <see cref="Gid"/>, as keepalived's <c>set_script_env</c> does.</summary>
public readonly record struct ScriptIdentity(uint Uid, uint Gid);

/// <summary>One script run.</summary>
/// <param name="Argv">argv[0] is the program: an absolute path (no PATH search; keepalived resolves it at load).</param>
/// <param name="Timeout">SIGTERM to the script's process group at this point, SIGKILL after <paramref name="KillGrace"/>.</param>
/// <param name="Environment">Variables set or overridden on top of ours (null values remove one); null = ours unchanged.</param>
/// <param name="Identity">Run as this user/group; null = as we are.</param>
/// <param name="KillGrace">Between SIGTERM and SIGKILL; keepalived waits 2 s (vrrp_script_child_thread).</param>
/// <param name="OutputLimit">Bytes of combined stdout/stderr kept; the rest is read and discarded.</param>
public sealed record ScriptRunRequest(
    IReadOnlyList<string> Argv,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string?>? Environment = null,
    ScriptIdentity? Identity = null,
    TimeSpan? KillGrace = null,
    int OutputLimit = 16 * 1024)
{
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(2);
}

/// <summary>How a run ended.</summary>
public enum ScriptOutcome
{
    /// <summary>The script exited; <see cref="ScriptRunResult.ExitCode"/> holds its status.</summary>
    Exited,

    /// <summary>The script died from <see cref="ScriptRunResult.Signal"/>.</summary>
    Signaled,

    /// <summary>No script ran; see <see cref="ScriptRunResult.StartFailure"/>, errno and message.</summary>
    CouldNotStart,

    /// <summary>The script was started but its status could not be collected (someone else reaped it).</summary>
    Lost,
}

/// <summary>Why a script could not start. keepalived forks first, so an exec or credential failure happens in its
/// child (which then exits 0: lib/notify.c system_call_script "Script errors aren't server errors"), while a resource
/// failure means no child at all.</summary>
public enum ScriptStartFailure
{
    None,

    /// <summary>exec failed: missing, not executable, bad interpreter, …</summary>
    Exec,

    /// <summary>Switching to the requested user/group is impossible (not root, or the switch failed).</summary>
    Credentials,

    /// <summary>No process could be created (EAGAIN, ENOMEM, EMFILE, bad request …).</summary>
    Resources,
}

/// <summary>The result of one run. Never an exception.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="ExitCode">The exit status when <see cref="ScriptOutcome.Exited"/>.</param>
/// <param name="Signal">The terminating signal when <see cref="ScriptOutcome.Signaled"/>.</param>
/// <param name="TimedOut">The timeout (or cancellation) fired and we signalled the process group.</param>
/// <param name="StartFailure">Why it could not start, when <see cref="ScriptOutcome.CouldNotStart"/>.</param>
/// <param name="Errno">The errno behind a start failure (0 if none).</param>
/// <param name="Message">A human-readable reason for a start failure or a lost status.</param>
/// <param name="Duration">From start to reaping.</param>
/// <param name="Pid">The script's pid, which is also its process group and session id (0 if not started).</param>
/// <param name="Output">The first <see cref="ScriptRunRequest.OutputLimit"/> bytes of stdout+stderr (UTF-8, lossy).</param>
/// <param name="OutputBytes">All bytes read.</param>
/// <param name="OutputTruncated">More was read than kept.</param>
public sealed record ScriptRunResult(
    ScriptOutcome Outcome,
    int ExitCode,
    int Signal,
    bool TimedOut,
    ScriptStartFailure StartFailure,
    int Errno,
    string? Message,
    TimeSpan Duration,
    int Pid,
    string Output,
    long OutputBytes,
    bool OutputTruncated)
{
    public static ScriptRunResult NotStarted(ScriptStartFailure why, int errno, string message) =>
        new(ScriptOutcome.CouldNotStart, 0, 0, false, why, errno, message, TimeSpan.Zero, 0, "", 0, false);
}

/// <summary>
/// Starts scripts (vrrp_script checks, notify scripts) in their own session/process group so a timeout kills the
/// script and everything it spawned; reaps them; drains their output within a bound. Safe for concurrent use.
/// </summary>
public interface IScriptRunner
{
    /// <summary>Runs the script to completion or to its timeout (then kills its process group). Never throws;
    /// cancelling <paramref name="cancellationToken"/> kills the script like a timeout.</summary>
    Task<ScriptRunResult> RunAsync(ScriptRunRequest request, CancellationToken cancellationToken = default);
}

using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// What one MISC_CHECK run means (keepalived 2.2.7 check/check_misc.c misc_check_child_thread; lib/notify.c
/// system_call_script), pure:
/// <list type="bullet">
/// <item>exit 0 passes; with <c>misc_dynamic</c>, exit 2..255 passes and sets the real server's weight to
/// code − 2 (<see cref="ProbeResult.DynamicWeight"/>; keepalived's cur_weight = code − 2 − weight); exit 0 under
/// misc_dynamic passes with no weight (keepalived sets cur_weight 0: the configured weight again); any other exit
/// fails ("exited with status N");</item>
/// <item>a run killed at misc_timeout (SIGTERM to its process group, SIGKILL 2 s later) fails "timed out"; another
/// signal fails "due to signal N";</item>
/// <item>a script that cannot be executed or whose user cannot be taken on passes, because keepalived's forked child
/// exits 0 then ("Script errors aren't server errors"); through the shell (a file test), the shell's 126/127 (cannot
/// execute, not found) pass for the same reason;</item>
/// <item>no process at all (fork failure: keepalived stops scheduling the checker) or a lost status fails, saying
/// so.</item>
/// </list>
/// </summary>
public static class MiscExitPolicy
{
    private const int Sigterm = 15;
    private const int Sigkill = 9;

    /// <summary>The result of <paramref name="run"/>.</summary>
    /// <param name="run">The finished run.</param>
    /// <param name="dynamic">misc_dynamic.</param>
    /// <param name="throughShell">The script ran through <c>/bin/sh -c</c> (keepalived's system() path).</param>
    public static ProbeResult Classify(ScriptRunResult run, bool dynamic, bool throughShell)
    {
        ArgumentNullException.ThrowIfNull(run);
        switch (run.Outcome)
        {
            case ScriptOutcome.Exited:
                int code = run.ExitCode;
                if (code == 0)
                    return ProbeResult.Pass("exited with status 0");
                if (throughShell && code is 126 or 127)
                    return ProbeResult.Pass($"the shell could not run the command (status {code}); keepalived counts that as success");
                if (dynamic && code is >= 2 and <= 255)
                    return new ProbeResult(CheckResult.Pass($"exited with status {code}: weight {code - 2}"), code - 2);
                return ProbeResult.Fail($"exited with status {code}");
            case ScriptOutcome.Signaled when run.TimedOut && run.Signal is Sigterm or Sigkill:
                return ProbeResult.Fail($"timed out (killed by signal {run.Signal} after {run.Duration.TotalMilliseconds:0} ms)");
            case ScriptOutcome.Signaled:
                return ProbeResult.Fail($"failed due to signal {run.Signal}");
            case ScriptOutcome.CouldNotStart when run.StartFailure is ScriptStartFailure.Exec or ScriptStartFailure.Credentials:
                return ProbeResult.Pass($"could not run the script ({run.Message}); keepalived's child exits 0 then, which counts as success");
            case ScriptOutcome.CouldNotStart:
                return ProbeResult.Fail($"could not start the script: {run.Message}");
            default:
                return ProbeResult.Fail($"the script's status was lost: {run.Message}");
        }
    }
}

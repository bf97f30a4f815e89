using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// MISC_CHECK (keepalived 2.2.7 check/check_misc.c misc_check_thread): runs <c>misc_path</c> through the shared
/// <see cref="IScriptRunner"/> (its own process group, killed at the timeout: SIGTERM, then SIGKILL 2 s later, as
/// keepalived's misc_check_child_thread) as the script user, and maps the run with <see cref="MiscExitPolicy"/>.
/// The command line is split as keepalived does (<see cref="ScriptCommandLine"/>); a file test
/// (<c>"&lt;/dev/tcp/..."</c>) runs through <c>/bin/sh -c</c>. The timeout is <c>misc_timeout</c>, else (also when 0)
/// the virtual server's <c>delay_loop</c>. The user is the block's <c>user USER [GROUP]</c>, else the global
/// script_user rules (<see cref="NotifyScriptUser"/>), as vrrp_script.
/// </summary>
public sealed class MiscProbe : IHealthProbe
{
    private readonly IScriptRunner _runner;
    private readonly ScriptRunRequest _request;
    private readonly bool _dynamic;
    private readonly bool _throughShell;

    private MiscProbe(IScriptRunner runner, ScriptRunRequest request, bool dynamic, bool throughShell, string describe)
    {
        _runner = runner;
        _request = request;
        _dynamic = dynamic;
        _throughShell = throughShell;
        Describe = describe;
    }

    /// <inheritdoc />
    public string Describe { get; }

    /// <summary>The run one check makes (for the status page and tests).</summary>
    public ScriptRunRequest Request => _request;

    /// <summary>The probe of <paramref name="checker"/>; null with <paramref name="error"/> when keepalived drops it
    /// (no misc_path, a command line that cannot be split, a user or group that does not exist).</summary>
    /// <param name="checker">The MISC_CHECK block.</param>
    /// <param name="context">Gives the virtual server's delay_loop and the global script user settings.</param>
    /// <param name="scripts">Runs the script (the daemon's ProcessScriptRunner).</param>
    /// <param name="users">Resolves user names (the daemon's LinuxScriptUsers).</param>
    /// <param name="error">Why there is no probe.</param>
    public static IHealthProbe? TryCreate(MiscCheckConfig checker, ProbeContext context, IScriptRunner scripts, IScriptUsers users, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scripts);
        ArgumentNullException.ThrowIfNull(users);
        if (checker.Path is not { } path)
        {
            error = "MISC_CHECK has no misc_path - removing";
            return null;
        }
        var words = ScriptCommandLine.Split(path.Command);
        if (!words.Ok)
        {
            error = $"MISC_CHECK {path.Command}: {words.Error} - removing";
            return null;
        }
        var globals = context.Globals;
        var defaults = new ScriptUserDefaults(globals.ScriptUser, globals.ScriptGroup, globals.EnableScriptSecurity);
        if (NotifyScriptUser.Resolve(new ScriptSpec(words.Words, checker.User, checker.Group), defaults, users, out error) is not { } identity)
        {
            error = $"MISC_CHECK {path.Command}: unable to set uid/gid: {error} - removing";
            return null;
        }
        bool shell = ScriptCommandLine.IsShellRedirectionTest(words.Words);
        IReadOnlyList<string> argv = shell ? [ScriptTrackerSettings.Shell, "-c", ScriptCommandLine.Render(words.Words)] : words.Words;
        var timeout = checker.Timeout is { } t && t > TimeSpan.Zero ? t : context.VirtualServer.DelayLoop;
        if (timeout <= TimeSpan.Zero)
            timeout = TimeSpan.FromSeconds(1);
        var request = new ScriptRunRequest(argv, timeout, Identity: identity, KillGrace: ScriptRunRequest.DefaultKillGrace);
        error = null;
        return new MiscProbe(scripts, request, checker.Dynamic, shell,
            $"MISC_CHECK {ScriptCommandLine.Render(words.Words)} for [{context.RealServer.Address}]:{context.RealServer.Port}");
    }

    /// <inheritdoc />
    public async Task<ProbeResult> CheckAsync(CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested)
            return ProbeResult.Fail("cancelled");
        ScriptRunResult run;
        try
        {
            run = await _runner.RunAsync(_request, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ProbeResult.Fail("cancelled");
        }
#pragma warning disable CA1031 // the runner never throws by contract; if one did, the check fails naming it
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ProbeResult.Fail($"could not run the script: unexpected {e.GetType().Name}: {e.Message}");
        }
        if (cancellation.IsCancellationRequested)
            return ProbeResult.Fail("cancelled");
        return MiscExitPolicy.Classify(run, _dynamic, _throughShell);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

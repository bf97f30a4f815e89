using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tracking;

/// <summary>
/// One <c>vrrp_script</c> ready to run: its argument vector, timing and rise/fall, and the user it runs as. Built by
/// <see cref="From"/> as keepalived 2.2.7 does at load (vrrp/vrrp_parser.c vrrp_vscript_*_handler,
/// vrrp_vscript_end_handler; lib/notify.c check_script_secure):
/// <list type="bullet">
/// <item>The command string is split into words by <see cref="ScriptCommandLine.Split"/>; an unsplittable one drops
/// the script.</item>
/// <item>The user is the block's <c>user USER [GROUP]</c>, else the global <c>script_user</c>, else
/// <c>keepalived_script</c> if it exists, else who we are — unless <c>enable_script_security</c> (get_default_script_user,
/// the same rule as notify scripts: <see cref="NotifyScriptUser"/>); a user or group that does not exist drops the
/// script ("Unable to set uid/gid for script").</item>
/// <item>A file test (<c>script "&lt;/dev/tcp/127.0.0.1/80"</c>) is run through <c>/bin/sh -c</c> with keepalived's
/// rendering of the words, as its <c>system()</c> path does; there, a shell exit of 126 or 127 (cannot execute, not
/// found) counts as success ("Script errors aren't server errors").</item>
/// </list>
/// Pure apart from the user look-up behind <see cref="IScriptUsers"/>. Not reproduced: the PATH search of a bare
/// command name and <c>enable_script_security</c>'s file checks (the configuration test reports those).
/// </summary>
/// <param name="Name">The vrrp_script name.</param>
/// <param name="Argv">What to run: argv[0] is the program.</param>
/// <param name="Health">Interval, timeout, rise, fall, init_fail (weights live in each instance's binding).</param>
/// <param name="Identity">The user and group to run as; null = as we are.</param>
/// <param name="ThroughShell">Run by <c>/bin/sh -c</c> (keepalived's system() path).</param>
public sealed record ScriptTrackerSettings(
    string Name,
    IReadOnlyList<string> Argv,
    VrrpScriptSettings Health,
    ScriptIdentity? Identity = null,
    bool ThroughShell = false)
{
    /// <summary>The shell keepalived's system() runs.</summary>
    public const string Shell = "/bin/sh";

    /// <summary>One run: killed at the timeout (the interval when unset), SIGKILL 2 s after SIGTERM.</summary>
    public ScriptRunRequest Request => new(Argv, Health.EffectiveTimeout, Identity: Identity, KillGrace: ScriptHealthPolicy.KillGrace);

    /// <summary>What a finished run counts as (<see cref="ScriptHealthPolicy.Classify"/>, and system()'s 126/127 rule
    /// when run through the shell).</summary>
    public ScriptVerdict Verdict(ScriptRunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (ThroughShell && run is { Outcome: ScriptOutcome.Exited, ExitCode: 126 or 127 })
            return ScriptVerdict.Success;
        return ScriptHealthPolicy.Classify(run);
    }

    /// <summary>Builds the settings of a bound vrrp_script; null with <paramref name="error"/> when keepalived would
    /// drop the script.</summary>
    public static ScriptTrackerSettings? From(VrrpScriptConfig config, GlobalDefs globals, IScriptUsers users, out string? error)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(users);
        if (config.Script is null)
        {
            error = $"no script set for vrrp_script {config.Name} - removing";
            return null;
        }
        var words = ScriptCommandLine.Split(config.Script.Command);
        if (!words.Ok)
        {
            error = $"vrrp_script {config.Name}: {words.Error} - removing";
            return null;
        }
        var defaults = new ScriptUserDefaults(globals.ScriptUser, globals.ScriptGroup, globals.EnableScriptSecurity);
        if (NotifyScriptUser.Resolve(new ScriptSpec(words.Words, config.User, config.Group), defaults, users, out error) is not { } identity)
        {
            error = $"unable to set uid/gid for vrrp_script {config.Name}: {error} - removing";
            return null;
        }
        var health = new VrrpScriptSettings(
            IntervalSeconds: Seconds(config.Interval),
            TimeoutSeconds: config.Timeout is { } t ? Seconds(t) : 0,
            Rise: Math.Max(1, config.Rise),
            Fall: Math.Max(1, config.Fall),
            Weight: Math.Clamp(config.Weight, -253, 253),
            WeightReverse: config.WeightReverse,
            InitFail: config.InitFail);
        bool shell = ScriptCommandLine.IsShellRedirectionTest(words.Words);
        IReadOnlyList<string> argv = shell ? [Shell, "-c", ScriptCommandLine.Render(words.Words)] : words.Words;
        error = null;
        return new ScriptTrackerSettings(config.Name, argv, health, identity, shell);
    }

    private static int Seconds(TimeSpan t) => (int)Math.Clamp(Math.Ceiling(t.TotalSeconds), 1, int.MaxValue);
}

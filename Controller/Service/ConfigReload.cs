using KeepAlive.Actors.Node;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Controller.Daemon;
using KeepAlive.Controller.Logging;
using Serilog.Events;

namespace KeepAlive.Controller.Service;

/// <summary>The result of loading the configuration: the model, its diagnostics, the file.</summary>
public sealed record ConfigLoad(KeepAliveConfig Config, IReadOnlyList<Diagnostic> Diagnostics, string Path, int FileCount)
{
    public int ErrorCount => Diagnostics.Count(d => d.Severity == Severity.Error);

    /// <summary>The whole configuration pipeline for the daemon's file and options (its start and each reload).</summary>
    public static ConfigLoad For(DaemonOptions options, ICliEnvironment env)
    {
        var r = ConfigTestCommand.Load(options.ConfigFile, options.ConfigId, options.AllConfig, options.Strict, env);
        return new ConfigLoad(r.Config, r.Diagnostics, options.ConfigFile, r.Files.Length);
    }
}

/// <summary>How a reload ended.</summary>
public enum ReloadOutcome
{
    /// <summary>The node applied the new configuration.</summary>
    Applied,

    /// <summary>The new configuration has errors: nothing was handed to the node.</summary>
    Refused,

    /// <summary>The node did not answer in time (or failed): the running configuration is what it was.</summary>
    NotApplied,
}

/// <summary>
/// SIGHUP: read and validate the whole configuration again; on any error log every diagnostic with file:line and keep
/// the running configuration (keepalived 2.2.7 exits instead); otherwise hand it to the node and log what changed.
/// The node is reached through <paramref name="apply"/> (an Ask in the daemon).
/// </summary>
public sealed class ConfigReload(
    Func<ConfigLoad> load,
    Func<ApplyConfig, Task<ConfigApplied>> apply,
    Serilog.ILogger log,
    TimeSpan timeout)
{
    public async Task<ReloadOutcome> RunAsync()
    {
        log.Say(LogEventLevel.Information, "Reloading ...");
        var loaded = load();
        foreach (var d in loaded.Diagnostics.Where(d => d.Severity != Severity.Info))
            log.Say(d.Severity == Severity.Error ? LogEventLevel.Error : LogEventLevel.Warning, ConfigTestCommand.Format(d, "/"));
        if (loaded.ErrorCount > 0)
        {
            log.Say(LogEventLevel.Error, $"Reload refused: {loaded.Path}: {loaded.ErrorCount} error(s); still running the previous configuration unchanged");
            return ReloadOutcome.Refused;
        }
        log.Say(LogEventLevel.Information, $"Reload: {loaded.Path} is valid ({loaded.FileCount} file(s)); applying it (ApplyConfig to the node)");
        try
        {
            var applied = await apply(new ApplyConfig(loaded.Config)).WaitAsync(timeout).ConfigureAwait(false);
            log.Say(LogEventLevel.Information, Summary(applied));
            foreach (var problem in applied.Problems)
                log.Say(LogEventLevel.Warning, $"Reload: {problem}");
            return ReloadOutcome.Applied;
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Akka.Actor.AskTimeoutException)
        {
            log.Say(LogEventLevel.Error, $"Reload not applied: the node did not answer ApplyConfig within {timeout.TotalSeconds:0} s "
                + "(this node build may not apply a reload yet); the running configuration is unchanged");
            return ReloadOutcome.NotApplied;
        }
    }

    /// <summary>The log line of a reload that was applied.</summary>
    public static string Summary(ConfigApplied a) =>
        $"Reload applied: {a.Started.Count} started, {a.Reconfigured.Count} reconfigured, {a.Stopped.Count} stopped, {a.Unchanged.Count} unchanged"
        + (a.Started.Count + a.Reconfigured.Count + a.Stopped.Count > 0
            ? $" ({string.Join("; ", new[] { ("started", a.Started), ("reconfigured", a.Reconfigured), ("stopped", a.Stopped) }.Where(x => x.Item2.Count > 0).Select(x => $"{x.Item1}: {string.Join(", ", x.Item2)}"))})"
            : string.Empty);
}

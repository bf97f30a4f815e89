using Akka.Actor;
using KeepAlive.Config.Model;
using KeepAlive.Controller.Daemon;
using KeepAlive.Controller.Logging;
using Serilog.Events;

namespace KeepAlive.Controller.Status;

/// <summary>
/// The daemon's <see cref="ISignalDumps"/> that writes keepalived's files (in place of <see cref="LoggingSignalDumps"/>):
/// gathers the node's report, writes keepalived.data / .stats / .json with <see cref="SignalDumpWriter"/>, and for
/// STATS_CLEAR zeroes the counters afterwards. Asynchronous: the signal's continuation is never blocked; a failure (no
/// node yet, an unwritable directory) is logged and changes nothing.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeSignalDumps(IActorRefFactory system, Func<IActorRef?> node, Func<KeepAliveConfig> config, Serilog.ILogger log,
    TimeSpan? timeout = null, string? directory = null) : ISignalDumps
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(5);

    public void Write(SignalFunction function) => _ = WriteAsync(function);

    /// <summary>Writes the dump; returns its path, or null when it could not be written (logged).</summary>
    public async Task<string?> WriteAsync(SignalFunction function)
    {
        var kind = function switch
        {
            SignalFunction.Data => DumpKind.Data,
            SignalFunction.Stats => DumpKind.Stats,
            SignalFunction.StatsClear => DumpKind.StatsClear,
            _ => DumpKind.Json,
        };
        if (node() is not { } root)
        {
            log.Say(LogEventLevel.Warning, $"{function} dump requested ({SignalNames.SignalOf(function)}) before the node runs: nothing written");
            return null;
        }
        try
        {
            var path = await SignalDumpWriter.DumpAsync(kind, system, root, config(), _timeout, directory).ConfigureAwait(false);
            log.Say(LogEventLevel.Information, $"{function} dump ({SignalNames.SignalOf(function)}) written to {path}");
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AskTimeoutException or TaskCanceledException)
        {
            log.Say(LogEventLevel.Warning, $"{function} dump ({SignalNames.SignalOf(function)}) not written: {e.Message}");
            return null;
        }
    }
}

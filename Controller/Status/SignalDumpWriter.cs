using System.Text;
using Akka.Actor;
using KeepAlive.Actors.Status;
using KeepAlive.Config.Model;

namespace KeepAlive.Controller.Status;

/// <summary>Which dump a signal asks for (keepalived's --signum names).</summary>
public enum DumpKind
{
    /// <summary>SIGUSR1: keepalived.data.</summary>
    Data,

    /// <summary>SIGUSR2: keepalived.stats.</summary>
    Stats,

    /// <summary>STATS_CLEAR (SIGRTMAX-1): keepalived.stats, then the counters are zeroed.</summary>
    StatsClear,

    /// <summary>The JSON signal (SIGRTMIN+2): keepalived.json.</summary>
    Json,
}

/// <summary>
/// keepalived's signal dump files: the same names in the same directory — <c>$TMPDIR</c> when it is an absolute path,
/// else <c>/tmp</c> — with keepalived 2.2.7's <c>data_use_instance</c> naming for keepalived.data
/// (<c>keepalived.NAMESPACE_INSTANCE.data</c>, from net_namespace and instance); the files are created mode 0600 under
/// a temporary name and renamed into place, so a reader never sees half a file and a planted symlink is replaced, not
/// followed. The signal wiring is the composition root's: it calls <see cref="DumpAsync"/> (or <see cref="Write"/>).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SignalDumpWriter
{
    /// <summary>keepalived's tmp_dir: <paramref name="tmpdir"/> ($TMPDIR) if absolute, else /tmp.</summary>
    public static string Directory(string? tmpdir) => tmpdir is { Length: > 0 } && tmpdir.StartsWith('/') ? tmpdir : "/tmp";

    /// <summary>The file name for <paramref name="kind"/> under <paramref name="config"/>.</summary>
    public static string FileName(DumpKind kind, KeepAliveConfig config)
    {
        if (kind != DumpKind.Data)
            return kind == DumpKind.Json ? "keepalived.json" : "keepalived.stats";
        string? ns = config.TopLevel.NetNamespace;
        string? instance = config.TopLevel.Instance;
        if (!DataUseInstance(config) || (ns is null && instance is null))
            return "keepalived.data";
        return $"keepalived.{ns}{(ns is not null && instance is not null ? "_" : "")}{instance}.data";
    }

    /// <summary>The text of the dump.</summary>
    public static string Format(DumpKind kind, NodeStatusReport report, KeepAliveConfig config) => kind switch
    {
        DumpKind.Data => KeepalivedDataFormatter.Format(report, config),
        DumpKind.Json => KeepalivedJsonFormatter.Format(report, config),
        _ => KeepalivedStatsFormatter.Format(report),
    };

    /// <summary>Writes the dump for <paramref name="kind"/> into <paramref name="directory"/> (default: keepalived's
    /// directory from $TMPDIR) and returns its path. Throws <see cref="IOException"/> /
    /// <see cref="UnauthorizedAccessException"/> when the directory cannot be written; nothing else changes then.</summary>
    public static string Write(DumpKind kind, NodeStatusReport report, KeepAliveConfig config, string? directory = null)
    {
        var dir = directory ?? Directory(Environment.GetEnvironmentVariable("TMPDIR"));
        var path = Path.Combine(dir, FileName(kind, config));
        var temporary = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                var bytes = Encoding.UTF8.GetBytes(Format(kind, report, config));
                stream.Write(bytes);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
        return path;
    }

    /// <summary>What a dump signal does: gathers the node's report (children slower than <paramref name="timeout"/>
    /// are left out), writes the file, and for <see cref="DumpKind.StatsClear"/> then zeroes the counters, as keepalived
    /// does. Returns the path written.</summary>
    public static async Task<string> DumpAsync(DumpKind kind, IActorRefFactory system, IActorRef node, KeepAliveConfig config, TimeSpan timeout, string? directory = null)
    {
        var report = await NodeStatus.CollectAsync(system, node, timeout).ConfigureAwait(false);
        var path = Write(kind, report, config, directory);
        if (kind == DumpKind.StatsClear)
            await NodeStatus.ClearStatsAsync(system, node, timeout).ConfigureAwait(false);
        return path;
    }

    /// <summary>global_defs <c>data_use_instance [BOOL]</c> (no value: true).</summary>
    private static bool DataUseInstance(KeepAliveConfig config)
    {
        var setting = config.Globals.Other.LastOrDefault(o => o.Keyword == "data_use_instance");
        if (setting is null)
            return false;
        return setting.Arguments.Count == 0 || setting.Arguments[0].ToLowerInvariant() is "true" or "yes" or "on" or "1";
    }
}

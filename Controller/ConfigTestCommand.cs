using KeepAlive.Config;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;
using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller;

/// <summary>
/// <c>-t/--config-test[=LOGFILE]</c>: runs the config pipeline only, prints every diagnostic like a compiler
/// (<c>path:line:col: error KA1234: message</c>), then a summary, and exits as keepalived 2.2.7's <c>-t</c> does.
/// </summary>
public static class ConfigTestCommand
{
    public static int Run(ParsedOptions options, TextWriter stdout, TextWriter stderr, ICliEnvironment env)
    {
        var result = Load(options, env, out var path);
        var logPath = options.Value("config-test");
        TextWriter output = stderr;
        TextWriter? log = null;
        if (!string.IsNullOrEmpty(logPath))
        {
            try
            {
                log = env.OpenLog(logPath);
                output = log;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"keepalive: cannot open log file '{logPath}': {e.Message}; writing to stderr");
            }
        }
        try
        {
            bool detail = options.Has("log-detail");
            foreach (var d in result.Diagnostics)
                if (detail || d.Severity != Severity.Info)
                    output.WriteLine(Format(d, env.CurrentDirectory));
            output.WriteLine(Summary(result, path));
        }
        finally
        {
            log?.Dispose();
        }
        if (options.Has("dump-conf") || options.Has("dump-json"))
            stdout.WriteLine(ConfigJson.Serialize(result.Config));
        return result.KeepalivedTestExitCode;
    }

    /// <summary><c>--dump-json</c> without <c>-t</c>: print the model (diagnostics to stderr); exit non-zero on errors.</summary>
    public static int DumpJson(ParsedOptions options, TextWriter stdout, TextWriter stderr, ICliEnvironment env)
    {
        var result = Load(options, env, out _);
        foreach (var d in result.Diagnostics.Where(d => d.Severity != Severity.Info))
            stderr.WriteLine(Format(d, env.CurrentDirectory));
        stdout.WriteLine(ConfigJson.Serialize(result.Config));
        return result.HasErrors ? 4 : 0;
    }

    internal static ConfigLoadResult Load(ParsedOptions options, ICliEnvironment env, out string path)
    {
        path = options.Value("use-file") ?? KeepAliveCli.DefaultConfigFile;
        if (!path.StartsWith('/'))
            path = Path.GetFullPath(Path.Combine(env.CurrentDirectory, path));
        return Load(path, options.Value("config-id"), options.Has("all-config"), options.Has("strict"), env);
    }

    /// <summary>The whole pipeline for an absolute <paramref name="path"/> (the daemon's start and each reload).</summary>
    internal static ConfigLoadResult Load(string path, string? configId, bool allConfig, bool strict, ICliEnvironment env)
    {
        var host = env.HostFacts;
        var reader = new ReaderOptions(ConfigId: configId ?? host.ShortHostName, RequireAllFiles: allConfig);
        return ConfigLoader.Load(path, env.ConfigSource, new ConfigLoadOptions(reader, host, strict));
    }

    /// <summary>Compiler-style line, with paths under the current directory shown relative to it.</summary>
    public static string Format(Diagnostic d, string currentDirectory)
    {
        var file = d.Span.File ?? string.Empty;
        var prefix = currentDirectory.TrimEnd('/') + "/";
        if (file.StartsWith(prefix, StringComparison.Ordinal))
            file = file[prefix.Length..];
        var span = d.Span with { File = file };
        return (d with { Span = span }).ToString();
    }

    private static string Summary(ConfigLoadResult r, string path)
    {
        int code = r.KeepalivedTestExitCode;
        var verdict = r.HasErrors ? "cannot run as written" : r.WarningCount > 0 ? "runs, with the warnings above" : "ok";
        return $"keepalive: configuration {path}: {r.ErrorCount} error(s), {r.WarningCount} warning(s) in {r.Files.Length} file(s): {verdict} (exit {code}, as keepalived 2.2.7 -t)";
    }
}

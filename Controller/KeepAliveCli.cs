using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller;

/// <summary>
/// The <c>keepalive</c> command: keepalived 2.2.7's options (every one recognised; those of later issues refused with
/// a clear message), <c>-t</c> the configuration test with keepalived's exit codes, <c>--signum</c>, and our extras.
/// </summary>
public static class KeepAliveCli
{
    public const string DefaultConfigFile = "/etc/keepalived/keepalived.conf";

    /// <summary>Exit code for a usage error (unknown option, missing value).</summary>
    public const int UsageError = 1;

    /// <summary>keepalived's exit code for a program error (KEEPALIVED_EXIT_PROGRAM_ERROR, 70).</summary>
    public const int InternalError = 70;

    /// <summary>Runs the command line; <paramref name="args"/> are kept as given so the daemon can run itself again
    /// with them (detaching, entering a network namespace).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, ICliEnvironment env)
    {
        var parsed = OptionParser.Parse(args);
        if (parsed.Error is not null)
        {
            stderr.WriteLine($"keepalive: {parsed.Error}");
            Usage.Write(stderr);
            return UsageError;
        }
        if (parsed.Operands.Count > 0)
        {
            stderr.WriteLine($"keepalive: unexpected argument '{parsed.Operands[0]}'");
            Usage.Write(stderr);
            return UsageError;
        }
        if (parsed.Has("help"))
        {
            Usage.Write(stdout);
            return 0;
        }
        if (parsed.Has("version"))
        {
            stdout.WriteLine(VersionInfo.Text);
            return 0;
        }
        if (parsed.Value("signum") is { } sigName)
        {
            if (SignalNumbers.TryGet(sigName, out var number))
            {
                stdout.WriteLine(number);
                return 0;
            }
            stderr.WriteLine($"Unknown sigfunc {sigName}");
            return UsageError;
        }

        bool configTest = parsed.Has("config-test");
        if (!configTest)
        {
            // Options of later issues are refused by name, so a user knows exactly what is missing.
            var refused = parsed.Given.Select(g => g.Option).FirstOrDefault(o => o.NotYet is not null);
            if (refused is not null)
            {
                stderr.WriteLine($"keepalive: {refused}: {refused.NotYet}");
                return UsageError;
            }
            if (parsed.Has("dump-json"))
                return ConfigTestCommand.DumpJson(parsed, stdout, stderr, env);
            if (OperatingSystem.IsWindows())
            {
                stderr.WriteLine("keepalive: the daemon runs on Linux only; -t/--config-test works everywhere");
                return UsageError;
            }
            return Daemon.DaemonCommand.Run(parsed, args, stdout, stderr, env);
        }
        return ConfigTestCommand.Run(parsed, stdout, stderr, env);
    }
}

using KeepAlive.Config.Model;

namespace KeepAlive.Kernel.Ports;

/// <summary>One process as /proc shows it: the pid (a thread-group id), its name (/proc/PID/comm, at most 15 bytes
/// as the kernel truncates it) and its command line (/proc/PID/cmdline split at NULs; empty for kernel threads and
/// zombies). Bytes that are not UTF-8 arrive as U+FFFD.</summary>
public sealed record ProcessEntry(int Pid, string Comm, IReadOnlyList<string> Argv)
{
    /// <inheritdoc/>
    public bool Equals(ProcessEntry? other) =>
        other is not null && Pid == other.Pid && string.Equals(Comm, other.Comm, StringComparison.Ordinal) && Argv.SequenceEqual(other.Argv, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Pid, Comm, Argv.Count);

    /// <inheritdoc/>
    public override string ToString() => $"{Pid} ({Comm}) [{string.Join(' ', Argv)}]";
}

/// <summary>How the configured parameters are compared with the process's (keepalived <c>param_match</c>).</summary>
public enum ParamMatchMode
{
    /// <summary>Parameters are not looked at (no args, no <c>param_match</c>).</summary>
    None,

    /// <summary>The process's parameters equal the configured ones, element for element and no more (bare
    /// <c>param_match</c>, or the default when <c>process</c> has arguments).</summary>
    Exact,

    /// <summary><c>param_match initial</c>: the first n-1 configured parameters equal the process's, and the
    /// process's n-th parameter starts with the n-th configured one; further process parameters are allowed.</summary>
    Initial,

    /// <summary><c>param_match partial</c>: the n configured parameters equal the process's first n, further process
    /// parameters are allowed.</summary>
    Partial,
}

/// <summary>
/// Decides whether a process matches one <c>vrrp_track_process</c>, as keepalived 2.2.7 does (core/track_process.c
/// <c>read_procs</c>, <c>check_process</c>, <c>check_params</c>; vrrp/vrrp_parser.c
/// <c>vrrp_tprocess_process_handler</c>, <c>vrrp_tprocess_match_handler</c>):
/// <list type="bullet">
/// <item>Without arguments, <c>param_match</c> or <c>full_command</c>, the name is compared exactly (strcmp, case
/// sensitive, no pattern) with /proc/PID/comm. The kernel keeps 15 bytes of comm and keepalived does not truncate
/// the configured name, so a name longer than 15 bytes never matches in this mode.</item>
/// <item>Arguments, <c>param_match</c> or <c>full_command</c> switch to the command line: the name is compared exactly
/// with argv[0] as written (a path stays a path: <c>/usr/sbin/nginx</c> does not match argv[0] <c>nginx</c>).
/// Arguments without <c>param_match</c> mean exact matching; <c>full_command</c> without arguments or
/// <c>param_match</c> checks argv[0] only.</item>
/// <item>Bare <c>param_match</c> without arguments: the process must have no arguments. <c>initial</c> or
/// <c>partial</c> without arguments: any arguments.</item>
/// </list>
/// Differences: keepalived compares raw bytes; here non-UTF-8 bytes are U+FFFD, so a configured name containing
/// U+FFFD itself could match different invalid bytes (no real configuration does that).
/// </summary>
public sealed class ProcessMatcher
{
    /// <summary>The longest comm the kernel reports (TASK_COMM_LEN 16 less the NUL).</summary>
    public const int MaxCommBytes = 15;

    private readonly string[] _parameters;

    public ProcessMatcher(string process, IReadOnlyList<string> parameters, ParamMatchMode mode, bool fullCommand)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(parameters);
        Process = process;
        _parameters = [.. parameters];
        Mode = mode;
        // keepalived sets full_command whenever parameters or param_match are given.
        FullCommand = fullCommand || mode != ParamMatchMode.None || _parameters.Length > 0;
        if (_parameters.Length > 0 && mode == ParamMatchMode.None)
            Mode = ParamMatchMode.Exact;
    }

    /// <summary>The matcher for a bound <c>vrrp_track_process</c>.</summary>
    public static ProcessMatcher For(TrackProcessConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mode = config.ParamMatch switch
        {
            null => ParamMatchMode.None,
            "initial" => ParamMatchMode.Initial,
            "partial" => ParamMatchMode.Partial,
            _ => ParamMatchMode.Exact, // the binder normalises anything else to "exact"
        };
        return new ProcessMatcher(config.Process ?? string.Empty, config.Arguments, mode, config.FullCommand);
    }

    /// <summary>The configured name (argv[0] or comm).</summary>
    public string Process { get; }

    /// <summary>The configured parameters (argv[1..]).</summary>
    public IReadOnlyList<string> Parameters => _parameters;

    /// <summary>The effective parameter matching.</summary>
    public ParamMatchMode Mode { get; }

    /// <summary>True when the command line is compared (argv), false when comm is.</summary>
    public bool FullCommand { get; }

    /// <summary>True when no process can ever match: comm mode with a name longer than the kernel keeps. Worth a
    /// configuration warning.</summary>
    public bool CanNeverMatch => !FullCommand && System.Text.Encoding.UTF8.GetByteCount(Process) > MaxCommBytes;

    /// <summary>Whether <paramref name="entry"/> matches.</summary>
    public bool Matches(ProcessEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!FullCommand)
            return MatchesComm(entry.Comm);
        var argv = entry.Argv;
        // a kernel thread has no command line. keepalived would compare "" with the name (and then read parameters
        // from before its buffer); here an empty command line matches nothing.
        if (argv.Count == 0 || !string.Equals(argv[0], Process, StringComparison.Ordinal))
            return false;
        return ParametersMatch(argv);
    }

    /// <summary>Whether a process named <paramref name="comm"/> matches, in comm mode (a PROC_EVENT_COMM). Always
    /// false in full-command mode, where comm is not looked at.</summary>
    public bool MatchesComm(string comm) =>
        !FullCommand && string.Equals(comm, Process, StringComparison.Ordinal);

    private bool ParametersMatch(IReadOnlyList<string> argv)
    {
        var have = argv.Count - 1;
        var want = _parameters.Length;
        switch (Mode)
        {
            case ParamMatchMode.None:
                return true;
            case ParamMatchMode.Exact:
                return have == want && PrefixEqual(argv, want);
            case ParamMatchMode.Partial:
                return have >= want && PrefixEqual(argv, want);
            case ParamMatchMode.Initial:
                if (want == 0)
                    return true;
                return have >= want && PrefixEqual(argv, want - 1)
                    && argv[want].StartsWith(_parameters[want - 1], StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private bool PrefixEqual(IReadOnlyList<string> argv, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!string.Equals(argv[i + 1], _parameters[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}

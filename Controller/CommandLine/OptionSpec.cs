namespace KeepAlive.Controller.CommandLine;

/// <summary>Whether an option takes a value (getopt_long: no_argument, required_argument, optional_argument).</summary>
public enum OptionArgument
{
    None,
    Required,
    Optional,
}

/// <summary>One command-line option: keepalived 2.2.7's (main.c long_options and its getopt string) or ours.</summary>
/// <param name="Short">The one-letter form, or '\0' for long-only options.</param>
/// <param name="Long">The long form without dashes.</param>
/// <param name="Argument">Whether it takes a value.</param>
/// <param name="Help">Usage text.</param>
/// <param name="NotYet">Null when this build implements the option; otherwise why it is refused.</param>
public sealed record OptionSpec(char Short, string Long, OptionArgument Argument, string Help, string? NotYet = null)
{
    /// <summary>Every option this program recognises: all of keepalived 2.2.7's plus KeepAlive's own.</summary>
    public static IReadOnlyList<OptionSpec> All { get; } =
    [
        new('f', "use-file", OptionArgument.Required, "Use the specified configuration file (default /etc/keepalived/keepalived.conf)"),
        new('P', "vrrp", OptionArgument.None, "Only run with VRRP subsystem"),
        new('C', "check", OptionArgument.None, "Only run with Health-checker subsystem"),
        new('B', "no_bfd", OptionArgument.None, "Don't run BFD subsystem"),
        new('\0', "all", OptionArgument.None, "Force all child processes to run, even if have no configuration"),
        new('l', "log-console", OptionArgument.None, "Log messages to local console"),
        new('D', "log-detail", OptionArgument.None, "Detailed log messages"),
        new('S', "log-facility", OptionArgument.Required, "Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)"),
        new('g', "log-file", OptionArgument.Optional, "Also log to FILE"),
        new('\0', "flush-log-file", OptionArgument.None, "Flush log file on write"),
        new('G', "no-syslog", OptionArgument.None, "Don't log via syslog"),
        new('u', "umask", OptionArgument.Required, "umask for file creation (in numeric form)"),
        new('X', "release-vips", OptionArgument.None, "Drop VIP on transition from signal"),
        new('V', "dont-release-vrrp", OptionArgument.None, "Don't remove VRRP VIPs and VROUTEs on daemon stop"),
        new('I', "dont-release-ipvs", OptionArgument.None, "Don't remove IPVS topology on daemon stop"),
        new('R', "dont-respawn", OptionArgument.None, "Don't respawn child processes"),
        new('n', "dont-fork", OptionArgument.None, "Don't fork the daemon process"),
        new('d', "dump-conf", OptionArgument.None, "Dump the configuration data"),
        new('p', "pid", OptionArgument.Required, "Use specified pidfile for parent process"),
        new('r', "vrrp_pid", OptionArgument.Required, "Use specified pidfile for VRRP child process"),
        new('T', "genhash", OptionArgument.None, "Enter into genhash utility mode (this should be the first option used)"),
        new('c', "checkers_pid", OptionArgument.Required, "Use specified pidfile for checkers child process"),
        new('a', "address-monitoring", OptionArgument.None, "Report all address additions/deletions notified via netlink"),
        new('b', "bfd_pid", OptionArgument.Required, "Use specified pidfile for BFD child process"),
        new('x', "snmp", OptionArgument.None, "Enable SNMP subsystem", "SNMP is recognised, not supported yet"),
        new('A', "snmp-agent-socket", OptionArgument.Required, "Use the specified socket for master agent", "SNMP is recognised, not supported yet"),
        new('s', "namespace", OptionArgument.Required, "Run in network namespace NAME (overrides config)"),
        new('m', "core-dump", OptionArgument.None, "Produce core dump if terminate abnormally"),
        new('M', "core-dump-pattern", OptionArgument.Optional, "Also set /proc/sys/kernel/core_pattern to PATN (default 'core')"),
        new('e', "all-config", OptionArgument.None, "Error if any configuration file missing"),
        new('i', "config-id", OptionArgument.Required, "Skip any configuration lines beginning '@' that don't match id, or any lines beginning @^ that do match. The config-id defaults to the node name"),
        new('\0', "signum", OptionArgument.Required, "Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON"),
        new('t', "config-test", OptionArgument.Optional, "Check the configuration for obvious errors, output to stderr by default (or LOG_FILE)"),
        new('\0', "config-fd", OptionArgument.Required, "(internal) File descriptor to write consolidated config to", "internal to keepalived's reload check; this daemon validates a reload in-process"),
        new('\0', "daemon-child", OptionArgument.None, "(internal) The background copy a detaching start runs"),
        new('v', "version", OptionArgument.None, "Display the version number"),
        new('h', "help", OptionArgument.None, "Display this help message"),
        new('\0', "dump-json", OptionArgument.None, "KeepAlive: print the bound configuration model as JSON (with -t: after the test)"),
        new('\0', "strict", OptionArgument.None, "KeepAlive: treat every warning as an error (refuse values keepalived would silently replace)"),
        new('\0', "dry-run", OptionArgument.None, "KeepAlive: print kernel operations instead of applying them"),
        new('\0', "http", OptionArgument.Required, "KeepAlive: serve GET /status (JSON) and /metrics (Prometheus) on ADDR:PORT, e.g. 127.0.0.1:9650 (a non-loopback address is allowed, with a warning)"),
    ];

    public override string ToString() => Short != '\0' ? $"-{Short}, --{Long}" : $"--{Long}";
}

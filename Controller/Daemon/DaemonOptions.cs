namespace KeepAlive.Controller.Daemon;

/// <summary>Which halves of keepalived this run starts (<c>-P</c>, <c>-C</c>, neither or both).</summary>
public enum Subsystems
{
    /// <summary>VRRP and the checkers (keepalived's default, and <c>-P -C</c>).</summary>
    All,

    /// <summary><c>-P</c>: VRRP only.</summary>
    VrrpOnly,

    /// <summary><c>-C</c>: the checkers only.</summary>
    CheckersOnly,
}

/// <summary>
/// What the daemon does, from its command line: the typed result of <see cref="DaemonOptionsParser"/>, handed to the
/// composition root. Every value has been checked; nothing here touches the machine.
/// </summary>
public sealed record DaemonOptions
{
    /// <summary>keepalived's default pid file without a namespace (RUNSTATEDIR/keepalived.pid).</summary>
    public const string DefaultPidFile = "/run/keepalived.pid";

    /// <summary>The file <c>-g</c> without a value writes (keepalived writes keepalived.log in its working directory,
    /// which is / once detached; a fixed absolute path says where to look whatever the directory).</summary>
    public const string DefaultLogFile = "/tmp/keepalive.log";

    /// <summary>syslog's LOG_DAEMON facility number, keepalived's default.</summary>
    public const int DaemonFacility = 3;

    /// <summary>The configuration file, absolute.</summary>
    public required string ConfigFile { get; init; }

    public Subsystems Subsystems { get; init; } = Subsystems.All;

    /// <summary><c>-n</c>: stay in the foreground.</summary>
    public bool Foreground { get; init; }

    /// <summary>Internal: this process is the re-executed background child of a detaching start.</summary>
    public bool DetachedChild { get; init; }

    /// <summary>Not <c>-G</c>.</summary>
    public bool Syslog { get; init; } = true;

    /// <summary>syslog facility number (0-23; <c>-S</c>), LOG_DAEMON by default.</summary>
    public int Facility { get; init; } = DaemonFacility;

    /// <summary><c>-l</c>: the console too.</summary>
    public bool LogConsole { get; init; }

    /// <summary><c>-D</c>: detailed (debug-level) messages.</summary>
    public bool LogDetail { get; init; }

    /// <summary><c>-g[FILE]</c>: also log to this file.</summary>
    public string? LogFile { get; init; }

    /// <summary><c>--flush-log-file</c>: flush the log file on every write.</summary>
    public bool FlushLogFile { get; init; }

    /// <summary><c>-u</c>: the umask, 0-0777.</summary>
    public int? Umask { get; init; }

    /// <summary><c>-X</c>: remove VIPs on stop even if this run did not add them.</summary>
    public bool ReleaseVips { get; init; }

    /// <summary><c>-V</c>: leave VIPs, routes and rules in place on stop.</summary>
    public bool DontReleaseVrrp { get; init; }

    /// <summary><c>-I</c>: leave the IPVS topology in place on stop.</summary>
    public bool DontReleaseIpvs { get; init; }

    /// <summary><c>-R</c>: accepted; one process here, nothing to respawn.</summary>
    public bool DontRespawn { get; init; }

    /// <summary>The pid file (<c>-p</c>, keepalived's default otherwise).</summary>
    public required string PidFile { get; init; }

    /// <summary><c>-r</c>, <c>-c</c>, <c>-b</c>: the child pid files keepalived would write; one process here writes
    /// its own pid into each, so scripts that signal a child reach it.</summary>
    public IReadOnlyList<string> ChildPidFiles { get; init; } = [];

    /// <summary><c>-a</c>: log every address added or removed in the kernel.</summary>
    public bool AddressMonitoring { get; init; }

    /// <summary><c>-s</c>: the network namespace to run in (overrides <c>net_namespace</c>).</summary>
    public string? Namespace { get; init; }

    /// <summary><c>-m</c>: raise RLIMIT_CORE so an abnormal end leaves a core.</summary>
    public bool CoreDump { get; init; }

    /// <summary><c>-e</c>.</summary>
    public bool AllConfig { get; init; }

    /// <summary><c>-i</c>.</summary>
    public string? ConfigId { get; init; }

    /// <summary><c>--strict</c>.</summary>
    public bool Strict { get; init; }

    /// <summary><c>-d</c>: once the node runs, log the configuration data in keepalived.data's layout (as keepalived's dump_data_vrrp).</summary>
    public bool DumpConf { get; init; }

    /// <summary><c>--dry-run</c>: print kernel changes instead of applying them.</summary>
    public bool DryRun { get; init; }

    /// <summary><c>--http ADDR:PORT</c>: where GET /status and /metrics are served; null: not served.</summary>
    public System.Net.IPEndPoint? Http { get; init; }

    /// <summary>What was accepted only to be compatible, to be logged at start (e.g. <c>-R</c>, <c>-B</c>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

using System.Globalization;
using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// keepalived 2.2.7's daemon options (main.c <c>parse_cmdline</c>) given meaning: the parsed command line becomes a
/// <see cref="DaemonOptions"/> or one clear error. Invalid values and contradictions are errors here where keepalived
/// would print a warning and go on with something else. Pure: the working directory comes in as a value.
/// </summary>
public static class DaemonOptionsParser
{
    /// <summary>The internal option a detaching start adds to the command line of the background copy it runs.</summary>
    public const string DetachedChildOption = "daemon-child";

    public static (DaemonOptions? Options, string? Error) Parse(ParsedOptions p, string currentDirectory)
    {
        var notes = new List<string>();
        if (p.Has("core-dump-pattern"))
            return Fail("-M, --core-dump-pattern: refused: it rewrites the host-wide /proc/sys/kernel/core_pattern, which outlives this "
                + "daemon if it is killed; set kernel.core_pattern with sysctl, and use -m for the core size limit");
        if (p.Has("genhash"))
            return Fail("-T, --genhash: genhash runs from the command line before any daemon option is read (everything after -T is genhash's)");
        if (p.Has("config-fd"))
            return Fail("--config-fd: is internal to keepalived's reload check; this daemon validates a reload in-process");
        if (p.Has("release-vips") && p.Has("dont-release-vrrp"))
            return Fail("-X, --release-vips and -V, --dont-release-vrrp contradict each other (release the VIPs at stop, or leave them)");
        if (p.Has("flush-log-file") && !p.Has("log-file"))
            return Fail("--flush-log-file needs -g, --log-file (there is no log file to flush)");

        int facility = DaemonOptions.DaemonFacility;
        if (p.Value("log-facility") is { } facilityText && !TryFacility(facilityText, out facility))
            return Fail($"-S, --log-facility: invalid log facility '{facilityText}' (0-7, local0-local7, user or daemon)");

        int? umask = null;
        if (p.Value("umask") is { } umaskText)
        {
            if (!TryUmask(umaskText, out var mask))
                return Fail($"-u, --umask: invalid umask '{umaskText}' (a number in C notation, 0 to 0777, e.g. 022)");
            umask = mask;
        }

        string? ns = p.Value("namespace");
        if (ns is not null && (ns.Contains('/') || ns is "." or ".."))
            return Fail($"-s, --namespace: '{ns}' is not a network namespace name (a name under /run/netns, without '/')");

        System.Net.IPEndPoint? http = null;
        if (p.Value("http") is { } httpText)
        {
            if (!Status.StatusEndpoint.TryParse(httpText, out var endpoint, out var httpError))
                return Fail($"--http: {httpError}");
            http = endpoint;
        }

        bool vrrp = p.Has("vrrp"), check = p.Has("check");
        var subsystems = vrrp == check ? Subsystems.All : vrrp ? Subsystems.VrrpOnly : Subsystems.CheckersOnly;
        if (subsystems == Subsystems.CheckersOnly)
            notes.Add("-C: the checkers only: this run starts no VRRP instance; the virtual servers, their real servers and "
                + "their checkers run, and IPVS is configured");
        if (p.Has("no_bfd"))
            notes.Add("-B: BFD is not run by this build in any case");
        if (p.Has("all"))
            notes.Add("--all: one process runs every subsystem this build has");
        if (p.Has("dont-respawn"))
            notes.Add("-R: one process here, no child to respawn: the service manager restarts it");

        if (p.Has("release-vips"))
            notes.Add("-X: already how this build works: every configured VIP is removed whenever its instance is not MASTER, "
                + "also those this run did not add (a killed predecessor's are removed at start)");

        var childPids = new[] { "vrrp_pid", "checkers_pid", "bfd_pid" }
            .Select(p.Value).OfType<string>().Select(f => Absolute(f, currentDirectory)).Distinct(StringComparer.Ordinal).ToList();
        if (childPids.Count > 0)
            notes.Add($"-r/-c/-b: one process runs every subsystem; its pid is written to {string.Join(", ", childPids)} as well");

        string? logFile = null;
        if (p.Has("log-file"))
            logFile = string.IsNullOrEmpty(p.Value("log-file")) ? DaemonOptions.DefaultLogFile : Absolute(p.Value("log-file")!, currentDirectory);

        var options = new DaemonOptions
        {
            ConfigFile = Absolute(p.Value("use-file") ?? KeepAliveCli.DefaultConfigFile, currentDirectory),
            Subsystems = subsystems,
            Foreground = p.Has("dont-fork"),
            DetachedChild = p.Has(DetachedChildOption),
            Syslog = !p.Has("no-syslog"),
            Facility = facility,
            LogConsole = p.Has("log-console"),
            LogDetail = p.Has("log-detail"),
            LogFile = logFile,
            FlushLogFile = p.Has("flush-log-file"),
            Umask = umask,
            ReleaseVips = p.Has("release-vips"),
            DontReleaseVrrp = p.Has("dont-release-vrrp"),
            DontReleaseIpvs = p.Has("dont-release-ipvs"),
            DontRespawn = p.Has("dont-respawn"),
            PidFile = p.Value("pid") is { } pid ? Absolute(pid, currentDirectory) : DefaultPidFile(ns),
            ChildPidFiles = childPids,
            AddressMonitoring = p.Has("address-monitoring"),
            Namespace = ns,
            CoreDump = p.Has("core-dump"),
            AllConfig = p.Has("all-config"),
            ConfigId = p.Value("config-id"),
            Strict = p.Has("strict"),
            DumpConf = p.Has("dump-conf"),
            DryRun = p.Has("dry-run"),
            Http = http,
            Notes = notes,
        };
        return (options, null);
    }

    /// <summary>keepalived's default pid file: RUNSTATEDIR/keepalived.pid, or in the per-namespace directory
    /// RUNSTATEDIR/keepalived/NAMESPACE/ when one is given.</summary>
    public static string DefaultPidFile(string? ns) => ns is null ? DaemonOptions.DefaultPidFile : $"/run/keepalived/{ns}/keepalived.pid";

    /// <summary><c>-S</c>: 0-7 (LOG_LOCAL0-7), local0-local7, user or daemon, as keepalived 2.2.7.</summary>
    public static bool TryFacility(string text, out int facility)
    {
        facility = DaemonOptions.DaemonFacility;
        var digits = text.StartsWith("local", StringComparison.Ordinal) ? text[5..] : text;
        if (digits.Length == 1 && digits[0] is >= '0' and <= '7')
        {
            facility = 16 + (digits[0] - '0');
            return true;
        }
        switch (text)
        {
            case "daemon":
                facility = 3;
                return true;
            case "user":
                facility = 1;
                return true;
            default:
                return false;
        }
    }

    /// <summary><c>-u</c>: strtoll base 0 (leading 0 octal, 0x hexadecimal, else decimal), only permission bits.</summary>
    public static bool TryUmask(string text, out int mask)
    {
        mask = 0;
        long value;
        bool ok;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length > 2;
        else if (text.Length > 1 && text[0] == '0')
            ok = TryOctal(text[1..], out value);
        else
            ok = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok || value < 0 || value > 0x1FF)
            return false;
        mask = (int)value;
        return true;
    }

    private static bool TryOctal(string digits, out long value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '7' || value > 0x1FF)
                return false;
            value = value * 8 + (c - '0');
        }
        return true;
    }

    private static string Absolute(string path, string currentDirectory) =>
        path.StartsWith('/') ? path : Path.GetFullPath(Path.Combine(currentDirectory, path));

    private static (DaemonOptions?, string?) Fail(string error) => (null, error);
}

namespace KeepAlive.Config.Host;

/// <summary>What the configuration test needs to know about a network interface.</summary>
public sealed record InterfaceFacts(string Name, bool IsLoopback, bool SupportsMulticast, int Mtu);

/// <summary>What script security needs to know about a file: whether it can be run, and whether someone other
/// than root could change it (the file or any directory above it writable by a non-root user).</summary>
public sealed record FileFacts(string Path, bool Exists, bool IsExecutable, bool WritableByNonRoot);

/// <summary>
/// Facts about this host that <c>-t</c> checks (interfaces, script files and their permissions, users), behind a seam
/// so the config pipeline stays pure and testable: the real implementation reads the running system.
/// </summary>
public interface IHostFacts
{
    /// <summary>The host name up to the first dot: keepalived's default config id for <c>@ID</c> lines.</summary>
    string ShortHostName { get; }

    /// <summary>True when this process runs as root (scripts then run as root unless a user is given).</summary>
    bool RunningAsRoot { get; }

    InterfaceFacts? FindInterface(string name);

    /// <summary>Looks up an executable: absolute paths as given, bare names through PATH.</summary>
    FileFacts FindExecutable(string command);

    bool UserExists(string name);

    bool GroupExists(string name);
}

/// <summary>Host facts given by value: used by tests and by tools that check a config for another host.</summary>
public sealed class StaticHostFacts : IHostFacts
{
    private readonly Dictionary<string, InterfaceFacts> _interfaces;
    private readonly Dictionary<string, FileFacts> _files;

    public StaticHostFacts(IEnumerable<InterfaceFacts>? interfaces = null, IEnumerable<FileFacts>? files = null,
        IEnumerable<string>? users = null, IEnumerable<string>? groups = null, string shortHostName = "localhost", bool runningAsRoot = true)
    {
        _interfaces = (interfaces ?? []).ToDictionary(i => i.Name, StringComparer.Ordinal);
        _files = (files ?? []).ToDictionary(f => f.Path, StringComparer.Ordinal);
        Users = new HashSet<string>(users ?? [], StringComparer.Ordinal);
        Groups = new HashSet<string>(groups ?? [], StringComparer.Ordinal);
        ShortHostName = shortHostName;
        RunningAsRoot = runningAsRoot;
    }

    /// <summary>Ethernet-like interfaces with multicast and MTU 1500.</summary>
    public static StaticHostFacts WithInterfaces(params string[] names) =>
        new(names.Select(n => new InterfaceFacts(n, n == "lo", n != "lo", n == "lo" ? 65536 : 1500)));

    public HashSet<string> Users { get; }

    public HashSet<string> Groups { get; }

    public string ShortHostName { get; }

    public bool RunningAsRoot { get; }

    public InterfaceFacts? FindInterface(string name) => _interfaces.GetValueOrDefault(name);

    public FileFacts FindExecutable(string command) =>
        _files.GetValueOrDefault(command) ?? new FileFacts(command, false, false, false);

    public bool UserExists(string name) => Users.Contains(name);

    public bool GroupExists(string name) => Groups.Contains(name);
}

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// A real keepalived 2.2.7 (VRRP process only, foreground, logging to the console) running a given configuration in
/// one of our namespaces, through <see cref="NamespacedProcess"/>.
/// </summary>
public sealed class KeepalivedProcess : IDisposable
{
    private readonly NamespacedProcess _process;

    public KeepalivedProcess(string namespaceName, string config) =>
        _process = new NamespacedProcess(namespaceName, "ka-peer-",
            ["keepalived", "-n", "-l", "-D", "-P", "-f", "{dir}/keepalived.conf", "-p", "{dir}/k.pid", "-r", "{dir}/v.pid", "-c", "{dir}/c.pid"],
            ("keepalived.conf", config));

    public IReadOnlyList<string> Log => _process.Log;

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until a log line contains <paramref name="text"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(string text, TimeSpan timeout) => _process.WaitFor(text, timeout);

    /// <summary>How many log lines contain <paramref name="text"/>.</summary>
    public int Count(string text) => _process.Count(text);

    /// <summary>SIGTERM, without waiting (its VRRP child then sends priority 0).</summary>
    public void SignalTerm() => _process.Signal("TERM");

    /// <summary>A hard failure as the lab makes it: the parent frozen (SIGSTOP), the VRRP child SIGKILLed (its pid from
    /// the -r pid file: killing only the parent would make the child stop gracefully through PDEATHSIG), then the
    /// parent SIGKILLed.</summary>
    public void KillHard()
    {
        _process.Signal("STOP");
        var childPidFile = _process.PathOf("v.pid");
        if (File.Exists(childPidFile) && int.TryParse(File.ReadAllText(childPidFile).Trim(), out int child) && child > 1)
            _process.Signal("KILL", child);
        _process.Signal("KILL");
        _process.WaitForExit(TimeSpan.FromSeconds(5));
    }

    public override string ToString() => _process.ToString();

    public void Dispose() => _process.Dispose();
}

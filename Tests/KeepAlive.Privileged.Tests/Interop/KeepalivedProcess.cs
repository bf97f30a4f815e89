using System.Diagnostics;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// A real keepalived 2.2.7 (VRRP process only, foreground, logging to the console) running a given configuration in
/// one of our namespaces. Its log lines are collected as they come. Dispose stops it (SIGTERM through its own pid,
/// then a kill after a grace period) and removes its files: never a process we did not start.
/// </summary>
public sealed class KeepalivedProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = new();
    private readonly string _dir;

    public KeepalivedProcess(string namespaceName, string config)
    {
        _dir = Directory.CreateTempSubdirectory("ka-peer-").FullName;
        var conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, config);
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "netns", "exec", namespaceName, "keepalived", "-n", "-l", "-D", "-P", "-f", conf,
                     "-p", Path.Combine(_dir, "k.pid"), "-r", Path.Combine(_dir, "v.pid"), "-c", Path.Combine(_dir, "c.pid") })
            psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
                return _log.ToList();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until a log line contains <paramref name="text"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            if (Log.Any(l => l.Contains(text, StringComparison.Ordinal)))
                return true;
            if (_process.HasExited)
                return Log.Any(l => l.Contains(text, StringComparison.Ordinal));
            Thread.Sleep(20);
        }
        return false;
    }

    public override string ToString() => string.Join('\n', Log.TakeLast(40));

    /// <summary>SIGTERM to keepalived's own pid, without waiting (its VRRP child then sends priority 0).</summary>
    public void SignalTerm() =>
        Privilege.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    /// <summary>A hard failure as the lab makes it: the parent frozen (SIGSTOP), the VRRP child SIGKILLed (its pid from
    /// the -r pid file: killing only the parent would make the child stop gracefully through PDEATHSIG), then the
    /// parent SIGKILLed.</summary>
    public void KillHard()
    {
        string pid = _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Privilege.Run("kill", ["-STOP", pid], TimeSpan.FromSeconds(5));
        var childPidFile = Path.Combine(_dir, "v.pid");
        if (File.Exists(childPidFile) && int.TryParse(File.ReadAllText(childPidFile).Trim(), out int child) && child > 1)
            Privilege.Run("kill", ["-KILL", child.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        Privilege.Run("kill", ["-KILL", pid], TimeSpan.FromSeconds(5));
        _process.WaitForExit(5000);
    }

    /// <summary>How many log lines contain <paramref name="text"/>.</summary>
    public int Count(string text) => Log.Count(l => l.Contains(text, StringComparison.Ordinal));

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.Add(line);
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                // ip netns exec execs keepalived, so this pid is keepalived's own.
                Privilege.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
                if (!_process.WaitForExit(5000))
                    _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
                // A pid file keepalived is still removing: the temp directory is cleaned by the system.
            }
        }
    }
}

using System.Diagnostics;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// Our own service (<c>keepalive -n -f CONF</c>, the build of this checkout) running a configuration in one of our
/// namespaces, its output collected as it comes. <see cref="Terminate"/> sends SIGTERM to its own pid; Dispose kills
/// it if it is still running and removes its files: never a process we did not start.
/// </summary>
public sealed class KeepAliveProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly string _dir;

    public KeepAliveProcess(string namespaceName, string config)
    {
        _dir = Directory.CreateTempSubdirectory("ka-self-").FullName;
        var conf = Path.Combine(_dir, "keepalived.conf");
        File.WriteAllText(conf, config);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", namespaceName, "dotnet", Executable, "-n", "-f", conf })
            psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>keepalive.dll of the same configuration (Debug/Release) as this test assembly, found from the
    /// repository root (the directory holding KeepAlive.sln).</summary>
    public static string Executable
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            string configuration = AppContext.BaseDirectory.Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KeepAlive.sln")))
                dir = dir.Parent;
            if (dir is null)
                throw new InvalidOperationException("KeepAlive.sln not found above " + AppContext.BaseDirectory);
            var dll = Path.Combine(dir.FullName, "Controller", "bin", configuration, "net10.0", "linux-x64", "keepalive.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is not built (build the solution first)");
        }
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

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGTERM to our process, without waiting.</summary>
    public void SignalTerm() =>
        Privilege.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    /// <summary>Waits for the process to exit.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>SIGTERM to our process (ip netns exec execs dotnet, so the pid is ours); true when it exited within
    /// <paramref name="timeout"/>.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process.HasExited)
            return true;
        Privilege.Run("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        return _process.WaitForExit(timeout);
    }

    public override string ToString() => string.Join('\n', Log.TakeLast(60));

    private void Add(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.Add(line);
    }

    public void Dispose()
    {
        try
        {
            if (!Terminate(TimeSpan.FromSeconds(10)))
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}

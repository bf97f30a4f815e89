using System.Diagnostics;
using System.Globalization;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// A program we start with <c>ip netns exec NS</c> in one of our namespaces (ip execs it, so the pid is the
/// program's own), its stdout and stderr collected line by line, and a temporary directory for its files. Signals
/// go to that pid only; Dispose sends SIGTERM, kills it if it has not exited after a grace period, and removes the
/// directory: never a process we did not start.
/// </summary>
public sealed class NamespacedProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private bool _disposed;

    /// <param name="namespaceName">Where it runs.</param>
    /// <param name="directoryPrefix">Prefix of its temporary directory.</param>
    /// <param name="arguments">The program and its arguments; <c>{dir}</c> stands for the directory.</param>
    /// <param name="files">Files written into the directory first (name, content).</param>
    public NamespacedProcess(string namespaceName, string directoryPrefix, IEnumerable<string> arguments, params (string Name, string Content)[] files)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        foreach (var (name, content) in files)
            File.WriteAllText(PathOf(name), content);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", namespaceName }.Concat(arguments.Select(a => a.Replace("{dir}", Directory, StringComparison.Ordinal))))
            psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Its temporary directory.</summary>
    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public int Pid => _process.Id;

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

    /// <summary>How many output lines contain <paramref name="text"/>.</summary>
    public int Count(string text) => Log.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits until an output line contains <paramref name="text"/>; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < timeout)
        {
            if (Count(text) > 0)
                return true;
            if (_process.HasExited)
                return Count(text) > 0;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Sends <paramref name="signal"/> (kill(1) name: TERM, STOP, KILL...) to <paramref name="pid"/>, or to
    /// this process.</summary>
    public void Signal(string signal, int? pid = null)
    {
        if (pid is null && _process.HasExited)
            return;
        Privilege.Run("kill", [$"-{signal}", (pid ?? _process.Id).ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
    }

    /// <summary>Waits for the exit, then for the end of its output: a timed wait returns before the asynchronous
    /// readers (thread-pool work, late on a busy pool) have delivered the last lines; only the untimed wait waits for
    /// the streams' end. That wait is bounded too (30 s), in case a process the child started still holds the pipes.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        var process = _process;
        Task.Run(() => process.WaitForExit()).Wait(TimeSpan.FromSeconds(30));
        return true;
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
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            Signal("TERM");
            if (!_process.WaitForExit(10_000))
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
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A pid file still being removed: the temporary directory is cleaned by the system.
            }
        }
    }
}

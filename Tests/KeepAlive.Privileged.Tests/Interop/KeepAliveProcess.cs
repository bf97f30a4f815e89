namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>Our own service (<c>keepalive -n -f CONF</c>, the build of this checkout) running a configuration in one
/// of our namespaces, through <see cref="NamespacedProcess"/>.</summary>
public sealed class KeepAliveProcess : IDisposable
{
    private readonly NamespacedProcess _process;

    /// <summary><c>keepalive -n -l -G -p PID -f CONF</c> (log to the console, not the host's syslog; its own pid file, so daemons of several tests and runs never meet), returned once the daemon reports that its node runs (its stdout line
    /// "keepalive: running ...", at most <see cref="StartBound"/>): a test that then stops a peer measures a takeover,
    /// not our start-up on a loaded machine.</summary>
    public KeepAliveProcess(string namespaceName, string config)
    {
        _process = new NamespacedProcess(namespaceName, "ka-self-", [.. Command, "-n", "-l", "-G", "-p", "{dir}/keepalive.pid", "-f", "{dir}/keepalived.conf"], ("keepalived.conf", config));
        _process.WaitFor("keepalive: running ", StartBound);
    }

    /// <summary>How long the first constructor waits for the daemon to run (two JIT starts under CI load took 8 s).</summary>
    public static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    /// <summary><c>keepalive OPTIONS -f {dir}/keepalived.conf</c> with <paramref name="environment"/> ("NAME=value")
    /// added; <c>{dir}</c> in an option stands for its temporary directory.</summary>
    public KeepAliveProcess(string namespaceName, string config, IEnumerable<string> options, params string[] environment) =>
        _process = new NamespacedProcess(namespaceName, "ka-self-",
            ["env", .. environment, .. Command, .. options, "-f", "{dir}/keepalived.conf"], ("keepalived.conf", config));

    /// <summary>Its temporary directory (configuration, pid file...).</summary>
    public string Directory => _process.Directory;

    public int Pid => _process.Pid;

    /// <summary>How many output lines contain <paramref name="text"/>.</summary>
    public int Count(string text) => _process.Count(text);

    /// <summary>Waits until an output line contains <paramref name="text"/>.</summary>
    public bool WaitFor(string text, TimeSpan timeout) => _process.WaitFor(text, timeout);

    /// <summary>Sends a signal (kill(1) name) to the process.</summary>
    public void Signal(string signal) => _process.Signal(signal);

    /// <summary>How the tests run keepalive: the executable named by the environment variable <c>KEEPALIVE_EXE</c> — test.sh,
    /// as root, sets it to the native (ahead-of-time compiled) executable it publishes first, the program hosts run —, or
    /// else <c>dotnet keepalive.dll</c> (<see cref="Executable"/>), the test build.</summary>
    public static IReadOnlyList<string> Command =>
        Environment.GetEnvironmentVariable("KEEPALIVE_EXE") is { Length: > 0 } exe
            ? File.Exists(exe) ? [Path.GetFullPath(exe)] : throw new InvalidOperationException($"KEEPALIVE_EXE={exe} does not exist")
            : ["dotnet", Executable];

    /// <summary>keepalive.dll of the same configuration (Debug/Release) as this test assembly, found from the
    /// repository root (the directory holding KeepAlive.sln); the test project builds it first.</summary>
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

    public IReadOnlyList<string> Log => _process.Log;

    public bool HasExited => _process.HasExited;


    public int ExitCode => _process.ExitCode;

    /// <summary>SIGKILL (a crash: nothing is released), without waiting.</summary>
    public void KillHard() => _process.Signal("KILL");

    /// <summary>SIGTERM, without waiting.</summary>
    public void SignalTerm() => _process.Signal("TERM");

    /// <summary>Waits for the exit and for every line the process printed (see <see cref="NamespacedProcess.WaitForExit"/>).</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public override string ToString() => _process.ToString();

    public void Dispose() => _process.Dispose();
}

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>Our own service (<c>keepalive -n -f CONF</c>, the build of this checkout) running a configuration in one
/// of our namespaces, through <see cref="NamespacedProcess"/>.</summary>
public sealed class KeepAliveProcess : IDisposable
{
    private readonly NamespacedProcess _process;

    public KeepAliveProcess(string namespaceName, string config) =>
        _process = new NamespacedProcess(namespaceName, "ka-self-", ["dotnet", Executable, "-n", "-f", "{dir}/keepalived.conf"], ("keepalived.conf", config));

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

    /// <summary>The daemon's pid (<c>ip netns exec</c> execs it).</summary>
    public int Pid => _process.Pid;

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGKILL (a crash: nothing is released), without waiting.</summary>
    public void KillHard() => _process.Signal("KILL");

    /// <summary>SIGTERM, without waiting.</summary>
    public void SignalTerm() => _process.Signal("TERM");

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public override string ToString() => _process.ToString();

    public void Dispose() => _process.Dispose();
}

using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using KeepAlive.Privileged.Tests.Interop;

namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// One boot of the IPVS test VM for <see cref="IpvsVmDaemonTests"/>: our daemon (the framework-dependent build of
/// this checkout, shared at /mnt/app, with the host's .NET shared at /mnt/dotnet) runs
/// <see cref="IpvsVmDaemonScenario.Config"/> once while daemon-run.sh changes its backends; meanwhile the host runs the
/// same configuration with <c>--dry-run</c> (<see cref="HostDryRun"/>) and the VM replays its lines with ipvsadm at
/// the end. The listings come back through the share (dumps.txt).
/// </summary>
public sealed partial class IpvsVmDaemonRun : IAsyncLifetime
{
    /// <summary>How long the daemon may take to build the table under TCG (measured 45–74 s on a loaded 2-core host).</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(180);

    /// <summary>The VM's bound, reached only when something hangs: boot (under 30 s), <see cref="StartLimit"/>, two
    /// transitions and SIGTERM of at most 45 s each (measured 1–10 s), the wait for the host's dry run (30 s), the
    /// listings. A normal run takes 70–110 s.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(420);

    private readonly string _share = Directory.CreateTempSubdirectory("ka-ipvs-vmd-").FullName;
    private ExceptionDispatchInfo? _failure;
    private ExceptionDispatchInfo? _dryRunFailure;
    private TimeSpan? _dryRunTime;

    public IpvsDumps Dumps { get; private set; } = IpvsDumps.Parse(string.Empty);

    /// <summary>daemon-run.sh's "daemon exit N" (N = the daemon's exit code after SIGTERM).</summary>
    public string DaemonExit { get; private set; } = string.Empty;

    /// <summary>The IPVS changes the host's dry run printed at start (ipvsadm arguments).</summary>
    public IReadOnlyList<string> DryRunLines { get; private set; } = [];

    /// <summary>The markers of the harness and of daemon-run.sh (guest uptime), and the whole run's time.</summary>
    public string Timings { get; private set; } = string.Empty;

    /// <summary>The guest uptime of each daemon-run.sh step ("daemon-start", "up", "backend-down"...).</summary>
    public IReadOnlyDictionary<string, double> Steps { get; private set; } = new Dictionary<string, double>();

    /// <summary>The daemon's own log (daemon.log), for failure messages.</summary>
    public string DaemonLog { get; private set; } = string.Empty;

    /// <summary>This run, or the skip or failure of preparing or booting the VM, rethrown in each test.</summary>
    public IpvsVmDaemonRun Require()
    {
        _failure?.Throw();
        return this;
    }

    /// <summary>As <see cref="Require"/>, and the failure of the host's dry run, if any.</summary>
    public IpvsVmDaemonRun RequireDryRun()
    {
        Require();
        _dryRunFailure?.Throw();
        return this;
    }

    /// <summary>What to read when a table differs: the step markers and the end of the daemon's log.</summary>
    public string Context => $"{Timings}\ndaemon.log (end):\n{string.Join('\n', DaemonLog.Split('\n').TakeLast(60))}";

    public async Task InitializeAsync()
    {
        try
        {
            await IpvsVm.RequireAsync();
            // The executable the other daemon tests run: the native one (KEEPALIVE_EXE) needs no .NET in the VM.
            var native = KeepAliveProcess.Command is [var exe] ? exe : null;
            var app = Path.GetDirectoryName(native ?? KeepAliveProcess.Executable)!;
            await PrepareShareAsync(native is null ? "/mnt/dotnet/dotnet /mnt/app/keepalive.dll" : "/mnt/app/" + Path.GetFileName(native));
            var boot = IpvsVm.BootAsync(_share, app, Limit, native is null ? DotnetRoot() : null);
            var dryRun = DryRunAsync();
            VmRun run;
            try
            {
                run = await boot;
            }
            finally
            {
                await dryRun;   // never throws: its failure is kept for the tests
            }
            Timings = string.Join('\n', MarkerLine().Matches(run.Output).Select(m => m.Value.TrimEnd('\r'))) + $"\nwhole VM run {run.Elapsed.TotalSeconds:F1} s; host dry run beside it {_dryRunTime?.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) ?? "(failed)"} s";
            Steps = StepLine().Matches(run.Output).ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            DaemonLog = File.Exists(SharePath("daemon.log")) ? await File.ReadAllTextAsync(SharePath("daemon.log")) : "(no daemon.log)";
            Assert.True(run.ExitCode == 0, $"the VM run exited {run.ExitCode}:\n{run.Output}\ndaemon.log:\n{DaemonLog}");
            Dumps = IpvsDumps.Parse(await File.ReadAllTextAsync(SharePath("dumps.txt")));
            DaemonExit = (await File.ReadAllTextAsync(SharePath("daemon-exit.txt"))).Trim();
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_share, recursive: true);
        return Task.CompletedTask;
    }

    private string SharePath(string name) => Path.Combine(_share, name);

    /// <summary>The share's files; <paramref name="command"/> is how run.sh starts the daemon inside the VM.</summary>
    private async Task PrepareShareAsync(string command)
    {
        await File.WriteAllTextAsync(SharePath("keepalived.conf"), IpvsVmDaemonScenario.Config + "\n");
        await File.WriteAllTextAsync(SharePath("expected-up.txt"), IpvsVmDaemonScenario.Up + "\n");
        await File.WriteAllTextAsync(SharePath("expected-down.txt"), IpvsVmDaemonScenario.Down + "\n");
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Lvs", "Vm", "daemon-run.sh"));
        await File.WriteAllTextAsync(SharePath("run.sh"), $"KA_START_LIMIT={(int)StartLimit.TotalSeconds}\nKA_CMD=\"{command}\"\n{script}");
    }

    /// <summary>The host's dry run, while the VM boots and its daemon starts (the VM waits for dry-run.done before it
    /// replays the lines); a failure is kept for the tests, and dry-run.done is written in any case.</summary>
    private async Task DryRunAsync()
    {
        try
        {
            int realServers = IpvsVmDaemonScenario.Lines(IpvsVmDaemonScenario.Up).Count(l => l.StartsWith("  -> ", StringComparison.Ordinal) && !l.Contains("RemoteAddress", StringComparison.Ordinal));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            DryRunLines = await Task.Run(() => HostDryRun.StartupLinesAsync(IpvsVmDaemonScenario.Config, realServers));
            _dryRunTime = clock.Elapsed;
            await File.WriteAllLinesAsync(SharePath("dry-run.txt"), DryRunLines);
        }
        catch (Exception e)
        {
            _dryRunFailure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            await File.WriteAllTextAsync(SharePath("dry-run.done"), string.Empty);
        }
    }

    /// <summary>The .NET install this test runs on (…/shared/Microsoft.NETCore.App/VERSION/ → its root): the daemon's
    /// framework-dependent build runs on it in the VM.</summary>
    private static string DotnetRoot()
    {
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return File.Exists(Path.Combine(root, "dotnet")) ? root : throw new InvalidOperationException($"no dotnet host in {root} (from {RuntimeEnvironment.GetRuntimeDirectory()})");
    }

    [GeneratedRegex(@"^(ka-vm: .*|ipvs-vm: .*)$", RegexOptions.Multiline)]
    private static partial Regex MarkerLine();

    [GeneratedRegex(@"^ka-vm: ([a-z-]+) ([0-9.]+)\r?$", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}

using System.Globalization;
using KeepAlive.Privileged.Tests.Lvs.Vm;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs;

/// <summary>
/// Our daemon (<c>keepalive -n -l -D</c>) in the qemu VM with Debian's kernel (Lvs/Vm): from the virtual_server
/// configuration of <see cref="IpvsVmDaemonScenario"/> it builds the IPVS table the configuration implies, follows a
/// backend going down and coming back, and removes everything at SIGTERM, exiting 0; and the ipvsadm lines its
/// <c>--dry-run</c> prints for the same configuration build the same table when ipvsadm replays them. The daemon runs
/// once; one VM boot serves every test of the class.
/// </summary>
[Collection("privileged")]
public sealed class IpvsVmDaemonTests(IpvsVmDaemonRun vm, ITestOutputHelper output) : IClassFixture<IpvsVmDaemonRun>
{
    [SkippableFact]
    public void With_every_backend_up_the_daemon_builds_the_table_the_configuration_implies()
    {
        var run = Require();
        AssertTable(run, IpvsVmDaemonScenario.Up, run.Dumps.Of("up", "-Ln"), "every backend up, ipvsadm -Ln");
        AssertTable(run, IpvsVmDaemonScenario.UpTunInfo, run.Dumps.Of("up", "-Ln --tun-info"), "every backend up, ipvsadm -Ln --tun-info");
        AssertTable(run, IpvsVmDaemonScenario.UpPersistentConn, run.Dumps.Of("up", "-Ln --persistent-conn"), "every backend up, ipvsadm -Ln --persistent-conn");
        Assert.Equal([IpvsVmDaemonScenario.Timeouts], run.Dumps.Of("up", "-L --timeout"));
    }

    [SkippableFact]
    public void A_backend_going_down_takes_its_real_servers_out_quiesces_the_inhibited_ones_and_brings_in_the_sorry_server()
    {
        var run = Require();
        AssertTable(run, IpvsVmDaemonScenario.Down, run.Dumps.Of("down", "-Ln"), "backend a down, ipvsadm -Ln");
        AssertTable(run, IpvsVmDaemonScenario.DownTunInfo, run.Dumps.Of("down", "-Ln --tun-info"), "backend a down, ipvsadm -Ln --tun-info");
    }

    [SkippableFact]
    public void The_backend_coming_back_restores_the_whole_table()
    {
        var run = Require();
        AssertTable(run, IpvsVmDaemonScenario.Up, run.Dumps.Of("up-again", "-Ln"), "backend a back, ipvsadm -Ln");
        AssertTable(run, IpvsVmDaemonScenario.UpTunInfo, run.Dumps.Of("up-again", "-Ln --tun-info"), "backend a back, ipvsadm -Ln --tun-info");
    }

    [SkippableFact]
    public void Sigterm_removes_every_service_the_daemon_created_puts_back_the_kernels_timeouts_and_the_daemon_exits_0()
    {
        var run = Require();
        Assert.True(run.DaemonExit == "daemon exit 0", $"{run.DaemonExit}\n{run.Context}");
        AssertTable(run, IpvsVmDaemonScenario.Empty, run.Dumps.Of("stopped", "-Ln"), "after SIGTERM, ipvsadm -Ln");
        Assert.Equal([IpvsVmDaemonScenario.KernelTimeouts], run.Dumps.Of("stopped", "-L --timeout"));
    }

    [SkippableFact]
    public void The_ipvsadm_lines_of_dry_run_replayed_by_ipvsadm_build_the_table_the_daemon_built()
    {
        var run = Require(dryRun: true);
        output.WriteLine(string.Join('\n', run.DryRunLines));
        // The dry run prints each change once: services before their real servers, every real server of the table.
        Assert.Equal(run.DryRunLines.Distinct().Count(), run.DryRunLines.Count);
        Assert.Contains("--set 7200 60 90", run.DryRunLines);
        foreach (var args in new[] { "-Ln", "-Ln --tun-info", "-Ln --persistent-conn" })
            AssertTable(run, string.Join('\n', run.Dumps.Of("up", args)), run.Dumps.Of("replayed", args), $"the dry run's lines replayed, ipvsadm {args} (expected: the daemon's table)");
        Assert.Equal([IpvsVmDaemonScenario.Timeouts], run.Dumps.Of("replayed", "-L --timeout"));
    }

    private IpvsVmDaemonRun Require(bool dryRun = false)
    {
        var run = dryRun ? vm.RequireDryRun() : vm.Require();
        output.WriteLine(run.Timings);
        output.WriteLine(Figures(run.Steps));
        return run;
    }

    /// <summary>daemon start → table built, backend down → table, backend up → table, SIGTERM → exit (guest seconds).</summary>
    private static string Figures(IReadOnlyDictionary<string, double> steps)
    {
        string Between(string from, string to) =>
            steps.TryGetValue(from, out var a) && steps.TryGetValue(to, out var b) ? (b - a).ToString("F1", CultureInfo.InvariantCulture) + " s" : "n/a";
        return $"daemon start → table {Between("daemon-start", "up")}; backend down → table {Between("backend-down", "down")}; " +
            $"backend up → table {Between("backend-up", "up-again")}; SIGTERM → exit {Between("sigterm", "exited")}";
    }

    /// <summary>Equal tables, or the first line that differs, whole and with its number.</summary>
    private static void AssertTable(IpvsVmDaemonRun run, string expected, IReadOnlyList<string> actual, string what)
    {
        var want = IpvsVmDaemonScenario.Lines(expected);
        for (int i = 0; i < Math.Max(want.Length, actual.Count); i++)
        {
            string? w = i < want.Length ? want[i] : null;
            string? got = i < actual.Count ? actual[i] : null;
            Assert.True(w == got, $"{what}: line {i + 1} differs\nexpected: [{w}]\nactual:   [{got}]\nwhole expected:\n{expected}\nwhole actual:\n{string.Join('\n', actual)}\n{run.Context}");
        }
    }
}

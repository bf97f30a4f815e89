using System.Diagnostics;
using System.Globalization;
using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Linux;
using KeepAlive.Privileged.Tests.Scripts;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// MISC_CHECK with the daemon's own script runner and user look-up on real scripts: exit 0 passes, exit 1 fails, a
/// misc_dynamic exit sets the weight, a hung script (and the child it spawned) is killed at misc_timeout and fails
/// "timed out", one that ignores SIGTERM is SIGKILLed 2 s later, and the script runs as the configured user.
/// </summary>
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MiscProbeTests : IDisposable
{
    private readonly ScriptSandbox _box = new();
    private readonly ProcessScriptRunner _runner = new();
    private readonly ITestOutputHelper _output;

    public MiscProbeTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _box.Dispose();

    private IHealthProbe Probe(string command, TimeSpan? timeout = null, bool dynamic = false, string? user = null, string? group = null)
    {
        var config = new MiscCheckConfig(new CheckerCommon(), new NotifyScript(command, null, null, default), timeout, dynamic, user, group, default);
        var probe = MiscProbe.TryCreate(config, ProbeLab.Context(IPAddress.Parse("10.7.0.2"), 80, delayLoop: TimeSpan.FromSeconds(5)), _runner,
            new LinuxScriptUsers(), out var error);
        Assert.Null(error);
        return probe!;
    }

    private async Task<(ProbeResult Result, TimeSpan Took)> Check(IHealthProbe probe)
    {
        var clock = Stopwatch.StartNew();
        var result = await probe.CheckAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        _output.WriteLine($"{probe.Describe}: {(result.Result.Success ? "UP" : "DOWN")} \"{result.Result.Reason}\" weight={result.DynamicWeight?.ToString(CultureInfo.InvariantCulture) ?? "-"} in {clock.Elapsed.TotalMilliseconds:0.0} ms");
        return (result, clock.Elapsed);
    }

    /// <summary>One check of <paramref name="probe"/> fails "timed out" after <paramref name="fromMs"/> to <paramref name="toMs"/>.</summary>
    private async Task ExpectTimedOut(IHealthProbe probe, int fromMs, int toMs)
    {
        using (probe)
        {
            var (result, took) = await Check(probe);
            Assert.False(result.Result.Success);
            Assert.StartsWith("timed out", result.Result.Reason);
            Assert.InRange(took, TimeSpan.FromMilliseconds(fromMs), TimeSpan.FromMilliseconds(toMs));
        }
    }

    [SkippableFact]
    public async Task Exit_codes_decide_and_misc_dynamic_sets_the_weight()
    {
        Privilege.Require();
        var script = _box.Script("check.sh", "exit \"$1\"");
        using (var pass = Probe($"{script} 0"))
            Assert.True((await Check(pass)).Result.Result.Success);
        using (var fail = Probe($"{script} 1"))
        {
            var (result, _) = await Check(fail);
            Assert.False(result.Result.Success);
            Assert.Equal("exited with status 1", result.Result.Reason);
        }
        using (var weightWithoutDynamic = Probe($"{script} 12"))
            Assert.False((await Check(weightWithoutDynamic)).Result.Result.Success);
        using var weighted = Probe($"{script} 12", dynamic: true);
        var (dyn, _) = await Check(weighted);
        Assert.True(dyn.Result.Success);
        Assert.Equal(10, dyn.DynamicWeight);
    }

    [SkippableFact]
    public async Task A_hung_script_and_its_child_are_killed_at_misc_timeout_and_fail_timed_out()
    {
        Privilege.Require();
        var childPid = _box.PathOf("child.pid");
        var script = _box.Script("hang.sh", $"sleep 300 &\necho $! > {childPid}\nsleep 300");
        await ExpectTimedOut(Probe(script, timeout: TimeSpan.FromSeconds(1)), 950, 2800);
        int child = int.Parse(File.ReadAllText(childPid).Trim(), CultureInfo.InvariantCulture);
        Assert.True(Poll.Until(() => !ScriptSandbox.Alive(child), TimeSpan.FromSeconds(3)), $"child {child} survived");
    }

    [SkippableFact]
    public async Task A_script_that_ignores_sigterm_is_killed_2_s_later_and_fails_timed_out()
    {
        Privilege.Require();
        var script = _box.Script("stubborn.sh", "trap '' TERM\nwhile :; do sleep 0.1; done");
        await ExpectTimedOut(Probe(script, timeout: TimeSpan.FromSeconds(1)), 2900, 5000);
    }

    [SkippableFact]
    public async Task Without_misc_timeout_the_delay_loop_bounds_the_run()
    {
        Privilege.Require();
        var script = _box.Script("slow.sh", "sleep 300");
        await ExpectTimedOut(Probe(script), 4950, 6800); // the virtual server's delay_loop is 5 s
    }

    [SkippableFact]
    public async Task The_script_runs_as_the_configured_user()
    {
        Privilege.Require();
        var script = _box.Script("whoami.sh", "[ \"$(id -u)\" = \"$1\" ]");
        using var asNobody = Probe($"{script} 65534", user: "nobody");
        Assert.True((await Check(asNobody)).Result.Result.Success);
        using var asRoot = Probe($"{script} 65534");
        Assert.False((await Check(asRoot)).Result.Result.Success);
    }

    [SkippableFact]
    public async Task A_missing_script_passes_as_keepalived_forked_child_exits_0()
    {
        Privilege.Require();
        using var probe = Probe(_box.PathOf("does-not-exist.sh"));
        var (result, _) = await Check(probe);
        Assert.True(result.Result.Success);
        Assert.Contains("could not run", result.Result.Reason);
    }
}

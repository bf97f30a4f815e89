using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Tests.Notify;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class MiscProbeTests
{
    private static readonly ScriptIdentity Us = new(0, 0);

    private static FakeScriptUsers Users(bool keepalivedScript = false)
    {
        var users = new Dictionary<string, (uint Uid, uint Gid)> { ["web"] = (1000, 1000) };
        if (keepalivedScript)
            users["keepalived_script"] = (900, 900);
        return new FakeScriptUsers(users, new Dictionary<string, uint> { ["ops"] = 50 }, Us);
    }

    private static MiscProbe Create(string block, IScriptRunner runner, string root = "", FakeScriptUsers? users = null)
    {
        var (checker, context, _) = ProbeConfigs.Load<MiscCheckConfig>(block, root: root);
        var probe = MiscProbe.TryCreate(checker, context, runner, users ?? Users(), out var error);
        Assert.Null(error);
        return Assert.IsType<MiscProbe>(probe);
    }

    [Fact]
    public void The_command_is_split_as_keepalived_and_the_timeout_defaults_to_the_virtual_server_delay_loop()
    {
        var probe = Create("MISC_CHECK { misc_path \"/bin/check 'a b' c\" }", new ScriptedScriptRunner());
        Assert.Equal(["/bin/check", "a b", "c"], probe.Request.Argv);
        Assert.Equal(TimeSpan.FromSeconds(7), probe.Request.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), probe.Request.KillGrace);
        Assert.Equal(Us, probe.Request.Identity);
    }

    [Fact]
    public void Misc_timeout_and_user_group_are_applied()
    {
        var probe = Create("MISC_CHECK { misc_path /bin/check\n misc_timeout 3\n user web ops }", new ScriptedScriptRunner());
        Assert.Equal(TimeSpan.FromSeconds(3), probe.Request.Timeout);
        Assert.Equal(new ScriptIdentity(1000, 50), probe.Request.Identity);
    }

    [Fact]
    public void The_global_script_user_applies_when_the_block_has_none()
    {
        var probe = Create("MISC_CHECK { misc_path /bin/check }", new ScriptedScriptRunner(), root: "global_defs {\n script_user web\n}");
        Assert.Equal(new ScriptIdentity(1000, 1000), probe.Request.Identity);
    }

    [Fact]
    public void A_file_test_runs_through_the_shell()
    {
        var probe = Create("MISC_CHECK { misc_path \"</dev/tcp/127.0.0.1/80\" }", new ScriptedScriptRunner());
        Assert.Equal("/bin/sh", probe.Request.Argv[0]);
        Assert.Equal("-c", probe.Request.Argv[1]);
    }

    [Fact]
    public void An_unknown_user_or_no_path_gives_no_probe_and_says_why()
    {
        var (checker, context, _) = ProbeConfigs.Load<MiscCheckConfig>("MISC_CHECK { misc_path /bin/check\n user nobody-here }");
        Assert.Null(MiscProbe.TryCreate(checker, context, new ScriptedScriptRunner(), Users(), out var error));
        Assert.Contains("nobody-here", error);
        Assert.Null(MiscProbe.TryCreate(checker with { Path = null }, context, new ScriptedScriptRunner(), Users(), out error));
        Assert.Contains("no misc_path", error);
        var broken = checker with { Path = new NotifyScript("/bin/check 'unterminated", null, null, checker.Origin) };
        Assert.Null(MiscProbe.TryCreate(broken, context, new ScriptedScriptRunner(), Users(), out error));
        Assert.NotNull(error);
    }

    [Fact]
    public async Task Each_check_runs_the_script_once_and_maps_its_exit()
    {
        var runner = new ScriptedScriptRunner();
        runner.EnqueueExits(0, 1, 7);
        using var probe = Create("MISC_CHECK { misc_path /bin/check\n misc_dynamic }", runner);
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        Assert.False((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        var weighted = await probe.CheckAsync(CancellationToken.None);
        Assert.Equal(5, weighted.DynamicWeight);
        Assert.Equal(3, runner.Runs.Count);
    }

    [Fact]
    public async Task Cancelling_kills_the_run_and_fails_cancelled()
    {
        var runner = new ScriptedScriptRunner();
        using var probe = Create("MISC_CHECK { misc_path /bin/check }", runner);
        using var cts = new CancellationTokenSource();
        var check = probe.CheckAsync(cts.Token);
        var run = runner.NextRun(TimeSpan.FromSeconds(5));
        await cts.CancelAsync();
        var result = await check.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(run.Killed);
        Assert.Equal("cancelled", result.Result.Reason);
    }

    /// <summary>A runner that breaks its own contract.</summary>
    private sealed class ThrowingRunner : IScriptRunner
    {
        public Task<ScriptRunResult> RunAsync(ScriptRunRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("broken runner");
    }

    [Fact]
    public async Task A_runner_that_throws_fails_the_check_instead_of_throwing()
    {
        using var probe = Create("MISC_CHECK { misc_path /bin/check }", new ThrowingRunner());
        var result = await probe.CheckAsync(CancellationToken.None);
        Assert.False(result.Result.Success);
        Assert.Contains("broken runner", result.Result.Reason);
    }
}

using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class MiscExitPolicyTests
{
    [Theory]
    // code, dynamic, passes, weight
    [InlineData(0, false, true, null)]
    [InlineData(1, false, false, null)]
    [InlineData(2, false, false, null)]
    [InlineData(255, false, false, null)]
    [InlineData(0, true, true, null)]
    [InlineData(1, true, false, null)]
    [InlineData(2, true, true, 0L)]
    [InlineData(3, true, true, 1L)]
    [InlineData(102, true, true, 100L)]
    [InlineData(255, true, true, 253L)]
    public void Exit_codes_map_as_misc_check_child_thread(int code, bool dynamic, bool passes, long? weight)
    {
        var result = MiscExitPolicy.Classify(ScriptedScriptRunner.Exited(code), dynamic, throughShell: false);
        Assert.Equal(passes, result.Result.Success);
        Assert.Equal(weight, result.DynamicWeight);
        if (!passes)
            Assert.Equal($"exited with status {code}", result.Result.Reason);
    }

    [Fact]
    public void A_run_killed_at_the_timeout_fails_timed_out_and_another_signal_names_it()
    {
        var timedOut = MiscExitPolicy.Classify(ScriptedScriptRunner.TimedOut(), dynamic: true, throughShell: false);
        Assert.False(timedOut.Result.Success);
        Assert.StartsWith("timed out", timedOut.Result.Reason);
        var killed = MiscExitPolicy.Classify(ScriptedScriptRunner.Signaled(11), dynamic: false, throughShell: false);
        Assert.Equal("failed due to signal 11", killed.Result.Reason);
    }

    [Fact]
    public void A_script_that_traps_our_sigterm_and_exits_is_judged_by_its_exit_code_as_keepalived()
    {
        var trapped = ScriptedScriptRunner.Exited(0) with { TimedOut = true };
        Assert.True(MiscExitPolicy.Classify(trapped, dynamic: false, throughShell: false).Result.Success);
    }

    [Theory]
    [InlineData(ScriptStartFailure.Exec, true)]
    [InlineData(ScriptStartFailure.Credentials, true)]
    [InlineData(ScriptStartFailure.Resources, false)]
    public void A_script_that_cannot_run_passes_as_keepalived_child_exits_0_but_no_process_fails(ScriptStartFailure why, bool passes)
    {
        var result = MiscExitPolicy.Classify(ScriptRunResult.NotStarted(why, 2, "No such file or directory"), dynamic: false, throughShell: false);
        Assert.Equal(passes, result.Result.Success);
        Assert.Contains("No such file", result.Result.Reason);
    }

    [Theory]
    [InlineData(126, true, true)]
    [InlineData(127, true, true)]
    [InlineData(126, false, false)]
    public void Through_the_shell_126_and_127_pass_as_system_does(int code, bool shell, bool passes) =>
        Assert.Equal(passes, MiscExitPolicy.Classify(ScriptedScriptRunner.Exited(code), dynamic: false, throughShell: shell).Result.Success);

    [Fact]
    public void A_lost_status_fails()
    {
        var lost = ScriptedScriptRunner.Exited(0) with { Outcome = ScriptOutcome.Lost, Message = "reaped elsewhere" };
        Assert.False(MiscExitPolicy.Classify(lost, dynamic: false, throughShell: false).Result.Success);
    }
}

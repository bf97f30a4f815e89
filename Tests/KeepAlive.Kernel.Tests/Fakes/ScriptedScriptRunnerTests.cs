using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Fakes;

/// <summary>The fake runner ends runs as the test says, kills them at their timeout on the clock it is given, and on
/// cancellation, as the Linux runner does.</summary>
public class ScriptedScriptRunnerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static ScriptRunRequest Request(int timeoutSeconds = 5) => new(["/bin/check"], TimeSpan.FromSeconds(timeoutSeconds));

    [Fact]
    public async Task Queued_outcomes_answer_at_once_in_order_then_runs_wait_for_the_test()
    {
        var runner = new ScriptedScriptRunner();
        runner.EnqueueExits(0, 3);
        Assert.Equal(0, (await runner.RunAsync(Request())).ExitCode);
        Assert.Equal(3, (await runner.RunAsync(Request())).ExitCode);
        var pending = runner.RunAsync(Request());
        Assert.False(pending.IsCompleted);
        Assert.Equal(1, runner.Running);
        runner.Runs[^1].Exit(1);
        var result = await pending;
        Assert.Equal((ScriptOutcome.Exited, 1, runner.Runs[^1].Pid), (result.Outcome, result.ExitCode, result.Pid));
        Assert.Equal(runner.Runs, [runner.NextRun(Wait), runner.NextRun(Wait), runner.NextRun(Wait)]);
        Assert.False(runner.TryNextRun(TimeSpan.Zero, out _));
    }

    [Fact]
    public async Task A_run_is_killed_at_its_timeout_on_the_given_clock()
    {
        var timers = new List<(TimeSpan After, Action Action)>();
        var runner = new ScriptedScriptRunner((after, action) => timers.Add((after, action)));
        var pending = runner.RunAsync(Request(timeoutSeconds: 7));
        var (after, fire) = Assert.Single(timers);
        Assert.Equal(TimeSpan.FromSeconds(7), after);
        Assert.False(pending.IsCompleted);
        fire();
        var result = await pending;
        Assert.Equal((ScriptOutcome.Signaled, 15, true), (result.Outcome, result.Signal, result.TimedOut));
        Assert.True(runner.Runs[0].Killed);
        Assert.False(runner.Runs[0].Exit(0));                  // too late: already killed
    }

    [Fact]
    public async Task Cancelling_kills_the_run()
    {
        var runner = new ScriptedScriptRunner();
        using var cts = new CancellationTokenSource();
        var pending = runner.RunAsync(Request(), cts.Token);
        await cts.CancelAsync();
        Assert.True((await pending).TimedOut);
        Assert.True(runner.NextRun(Wait).Killed);
        Assert.Equal(0, runner.Running);
    }
}

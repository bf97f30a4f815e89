using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Scripts;

public class ScriptHealthPolicyTests
{
    private static ScriptVerdict V(char c) => c switch
    {
        'S' => ScriptVerdict.Success,
        'F' => ScriptVerdict.Failure,
        'T' => ScriptVerdict.TimedOut,
        'N' => ScriptVerdict.NoResult,
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>Runs a sequence of verdicts; returns the edges as "+"/"-"/"." per run and the final status.</summary>
    private static (string Edges, ScriptStatus Final) Run(int rise, int fall, bool initFail, string verdicts)
    {
        var policy = new ScriptHealthPolicy(new VrrpScriptSettings(Rise: rise, Fall: fall, InitFail: initFail));
        var health = policy.Initial;
        var edges = "";
        foreach (var c in verdicts)
        {
            (health, var edge) = policy.Apply(health, V(c));
            edges += edge is null ? "." : edge.Value.Up ? "+" : "-";
        }
        return (edges, policy.Status(health));
    }

    [Theory]
    // rise, fall, init_fail, verdicts, edges, final
    [InlineData(1, 1, false, "", "", ScriptStatus.Unknown)]
    [InlineData(1, 1, false, "S", "+", ScriptStatus.Up)]
    [InlineData(1, 1, false, "F", "-", ScriptStatus.Down)]
    [InlineData(1, 1, false, "T", "-", ScriptStatus.Down)]
    [InlineData(1, 1, false, "SSFFS", "+.-.+", ScriptStatus.Up)]
    [InlineData(3, 1, false, "S", "+", ScriptStatus.Up)]               // one success is enough at start
    [InlineData(3, 1, false, "F", "-", ScriptStatus.Down)]             // first result reported even below rise
    [InlineData(3, 1, false, "FSSS", "-..+", ScriptStatus.Up)]         // then rise applies
    [InlineData(3, 1, false, "FSSFSSS", "-.....+", ScriptStatus.Up)]   // a failure restarts the rise count
    [InlineData(1, 3, false, "SFFF", "+..-", ScriptStatus.Down)]       // fall-th failure goes down
    [InlineData(1, 3, false, "SFFSFFF", "+.....-", ScriptStatus.Down)] // a success restarts the fall count
    [InlineData(2, 2, false, "SFTFSS", "+.-..+", ScriptStatus.Up)]     // timeouts count as failures
    [InlineData(1, 1, true, "", "", ScriptStatus.Down)]                // init_fail starts down
    [InlineData(1, 1, true, "F", ".", ScriptStatus.Down)]              // already down: no edge
    [InlineData(1, 1, true, "S", "+", ScriptStatus.Up)]
    [InlineData(3, 1, true, "SSS", "..+", ScriptStatus.Up)]            // init_fail needs rise successes
    [InlineData(2, 2, false, "SNNF", "+...", ScriptStatus.Up)]         // no process: nothing counted
    public void Rise_fall_edges(int rise, int fall, bool initFail, string verdicts, string edges, ScriptStatus final)
    {
        var (e, f) = Run(rise, fall, initFail, verdicts);
        Assert.Equal(edges, e);
        Assert.Equal(final, f);
    }

    private static ScriptRunResult Result(ScriptOutcome outcome, int exit = 0, int signal = 0, bool timedOut = false, ScriptStartFailure start = ScriptStartFailure.None) =>
        new(outcome, exit, signal, timedOut, start, 0, null, TimeSpan.Zero, 1, "", 0, false);

    [Fact]
    public void Classifies_runs_as_keepalived()
    {
        Assert.Equal(ScriptVerdict.Success, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Exited, 0)));
        Assert.Equal(ScriptVerdict.Failure, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Exited, 1)));
        Assert.Equal(ScriptVerdict.Failure, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Exited, 255)));
        // a script that traps our SIGTERM and exits 0 counts as success; exiting 1 after it is a plain failure
        Assert.Equal(ScriptVerdict.Success, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Exited, 0, timedOut: true)));
        Assert.Equal(ScriptVerdict.Failure, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Exited, 1, timedOut: true)));
        Assert.Equal(ScriptVerdict.TimedOut, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Signaled, signal: 15, timedOut: true)));
        Assert.Equal(ScriptVerdict.TimedOut, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Signaled, signal: 9, timedOut: true)));
        Assert.Equal(ScriptVerdict.Failure, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Signaled, signal: 6, timedOut: true)));
        Assert.Equal(ScriptVerdict.Failure, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Signaled, signal: 9)));
        Assert.Equal(ScriptVerdict.Success, ScriptHealthPolicy.Classify(Result(ScriptOutcome.CouldNotStart, start: ScriptStartFailure.Exec)));
        Assert.Equal(ScriptVerdict.Success, ScriptHealthPolicy.Classify(Result(ScriptOutcome.CouldNotStart, start: ScriptStartFailure.Credentials)));
        Assert.Equal(ScriptVerdict.NoResult, ScriptHealthPolicy.Classify(Result(ScriptOutcome.CouldNotStart, start: ScriptStartFailure.Resources)));
        Assert.Equal(ScriptVerdict.NoResult, ScriptHealthPolicy.Classify(Result(ScriptOutcome.Lost)));
    }

    [Theory]
    // status, weight, reverse, contribution, fault
    [InlineData(ScriptStatus.Up, 10, false, 10, false)]
    [InlineData(ScriptStatus.Down, 10, false, 0, false)]
    [InlineData(ScriptStatus.Up, -10, false, 0, false)]
    [InlineData(ScriptStatus.Down, -10, false, -10, false)]
    [InlineData(ScriptStatus.Up, 10, true, -10, false)]
    [InlineData(ScriptStatus.Down, 10, true, 0, false)]
    [InlineData(ScriptStatus.Down, -10, true, 10, false)]
    [InlineData(ScriptStatus.Unknown, 10, false, 0, false)]
    [InlineData(ScriptStatus.Unknown, -10, false, 0, false)]
    [InlineData(ScriptStatus.Down, 0, false, 0, true)]
    [InlineData(ScriptStatus.Up, 0, false, 0, false)]
    [InlineData(ScriptStatus.Up, 0, true, 0, true)]
    [InlineData(ScriptStatus.Down, 0, true, 0, false)]
    [InlineData(ScriptStatus.Unknown, 0, false, 0, false)]
    public void Weights(ScriptStatus status, int weight, bool reverse, int contribution, bool fault)
    {
        Assert.Equal(contribution, ScriptHealthPolicy.Contribution(status, weight, reverse));
        Assert.Equal(fault, ScriptHealthPolicy.CausesFault(status, weight, reverse));
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(2, 0, 2)]
    [InlineData(5, 3, 3)]
    [InlineData(0, 0, 1)]
    public void Timeout_defaults_to_the_interval(int interval, int timeout, int expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), new VrrpScriptSettings(IntervalSeconds: interval, TimeoutSeconds: timeout).EffectiveTimeout);

    [Fact]
    public void Rejects_out_of_range_settings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptHealthPolicy(new VrrpScriptSettings(Rise: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptHealthPolicy(new VrrpScriptSettings(Fall: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptHealthPolicy(new VrrpScriptSettings(Weight: 254)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptHealthPolicy(new VrrpScriptSettings(Weight: -254)));
    }
}

using System.Collections.Concurrent;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>
/// A script runner the test drives: every started run is handed to the test (<see cref="Next"/>), which ends it with
/// <see cref="Run.Exit"/>. With <see cref="HonourTimeout"/> a run that is not ended in time ends as the real runner
/// ends it (TimedOut, killed by SIGKILL) after its request's timeout; a cancelled run ends the same way at once
/// unless <see cref="IgnoreCancel"/> (a runner that never answers).
/// </summary>
public sealed class FakeScriptRunner : IScriptRunner
{
    private readonly BlockingCollection<Run> _started = new();
    private int _order;

    public bool HonourTimeout { get; init; }

    public bool IgnoreCancel { get; init; }

    /// <summary>Runs whose first word is in here exit 0 at once.</summary>
    public HashSet<string> AutoExit { get; init; } = [];

    public sealed class Run(ScriptRunRequest request, CancellationToken token, int order)
    {
        public ScriptRunRequest Request { get; } = request;

        public CancellationToken Token { get; } = token;

        public int Order { get; } = order;

        public TaskCompletionSource<ScriptRunResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Line => string.Join('|', Request.Argv);

        public void Exit(int code = 0) =>
            Done.TrySetResult(new ScriptRunResult(ScriptOutcome.Exited, code, 0, false, ScriptStartFailure.None, 0, null, TimeSpan.FromMilliseconds(1), 4242, "", 0, false));

        public void Kill() =>
            Done.TrySetResult(new ScriptRunResult(ScriptOutcome.Signaled, 0, 9, true, ScriptStartFailure.None, 0, null, Request.Timeout, 4242, "", 0, false));
    }

    public Task<ScriptRunResult> RunAsync(ScriptRunRequest request, CancellationToken cancellationToken = default)
    {
        var run = new Run(request, cancellationToken, Interlocked.Increment(ref _order));
        if (AutoExit.Contains(request.Argv[0]))
            run.Exit();
        if (HonourTimeout)
            _ = Task.Delay(request.Timeout, CancellationToken.None).ContinueWith(_ => run.Kill(), TaskScheduler.Default);
        if (!IgnoreCancel)
            cancellationToken.Register(run.Kill);
        _started.Add(run);
        return run.Done.Task;
    }

    /// <summary>The next run started, in start order.</summary>
    public Run Next(TimeSpan? timeout = null)
    {
        if (_started.TryTake(out var run, timeout ?? TimeSpan.FromSeconds(5)))
            return run;
        throw new Xunit.Sdk.XunitException("no script was started");
    }

    /// <summary>Fails if a run starts within <paramref name="window"/>.</summary>
    public void ExpectNoStart(TimeSpan window)
    {
        if (_started.TryTake(out var run, window))
            throw new Xunit.Sdk.XunitException($"unexpected script started: {run.Line}");
    }
}

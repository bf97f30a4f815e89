using System.Collections.Concurrent;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// An <see cref="IScriptRunner"/> whose scripts are played by the test: each run waits until the test ends it
/// (<see cref="ScriptRun.Exit"/>, <see cref="ScriptRun.Complete"/>) unless an outcome was queued with
/// <see cref="Enqueue"/>. Like the Linux runner, a run that outlives its timeout is killed with SIGTERM (a
/// <see cref="ScriptRunResult.TimedOut"/> result) — on the clock given as <c>after</c>, so virtual time works — and
/// cancelling its token kills it the same way. Never throws from <see cref="RunAsync"/>. A run's result reaches its
/// awaiter inside the call that ends it (no thread hop), so specs are deterministic. Thread-safe.
/// </summary>
public sealed class ScriptedScriptRunner : IScriptRunner
{
    private const int Sigterm = 15;
    private readonly Action<TimeSpan, Action>? _after;
    private readonly ConcurrentQueue<ScriptRunResult> _queued = new();
    private readonly BlockingCollection<ScriptRun> _started = new();
    private readonly List<ScriptRun> _all = [];
    private int _nextPid = 1000;

    /// <param name="after">Runs an action after a delay (e.g. an Akka scheduler's ScheduleOnce): used to kill runs at
    /// their timeout. Null: runs never time out on their own.</param>
    public ScriptedScriptRunner(Action<TimeSpan, Action>? after = null) => _after = after;

    /// <summary>Every run so far, in order.</summary>
    public IReadOnlyList<ScriptRun> Runs
    {
        get
        {
            lock (_all)
                return _all.ToList();
        }
    }

    /// <summary>Runs not finished yet.</summary>
    public int Running
    {
        get
        {
            lock (_all)
                return _all.Count(r => !r.Finished);
        }
    }

    /// <summary>The next run finishes at once with <paramref name="result"/> (queued outcomes are used in order).</summary>
    public void Enqueue(ScriptRunResult result) => _queued.Enqueue(result);

    /// <summary>Queues exit statuses, each for one run.</summary>
    public void EnqueueExits(params int[] codes)
    {
        foreach (var code in codes)
            Enqueue(Exited(code));
    }

    /// <summary>Waits for the next run to start (in start order); fails after <paramref name="timeout"/>.</summary>
    public ScriptRun NextRun(TimeSpan timeout) =>
        _started.TryTake(out var run, timeout) ? run : throw new TimeoutException($"no script run started within {timeout}");

    /// <summary>Whether another run started within <paramref name="timeout"/> (taking it if so).</summary>
    public bool TryNextRun(TimeSpan timeout, out ScriptRun? run) => _started.TryTake(out run, timeout);

    /// <inheritdoc />
    public Task<ScriptRunResult> RunAsync(ScriptRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = new ScriptRun(request, Interlocked.Increment(ref _nextPid));
        lock (_all)
            _all.Add(run);
        if (_queued.TryDequeue(out var queued))
        {
            run.Complete(queued);
        }
        else
        {
            // Armed before the test can see the run, so the test's clock cannot move in between.
            cancellationToken.Register(() => run.Kill());
            _after?.Invoke(request.Timeout, run.Kill);
        }
        _started.Add(run);
        return run.Task;
    }

    /// <summary>A result for a script that exited with <paramref name="code"/>.</summary>
    public static ScriptRunResult Exited(int code) =>
        new(ScriptOutcome.Exited, code, 0, false, ScriptStartFailure.None, 0, null, TimeSpan.Zero, 0, "", 0, false);

    /// <summary>A result for a script killed by a signal we did not send.</summary>
    public static ScriptRunResult Signaled(int signal) =>
        new(ScriptOutcome.Signaled, 0, signal, false, ScriptStartFailure.None, 0, null, TimeSpan.Zero, 0, "", 0, false);

    /// <summary>A result for a script killed by our SIGTERM at its timeout.</summary>
    public static ScriptRunResult TimedOut() =>
        new(ScriptOutcome.Signaled, 0, Sigterm, true, ScriptStartFailure.None, 0, null, TimeSpan.Zero, 0, "", 0, false);

    /// <summary>One run: its request, and the test's controls.</summary>
    public sealed class ScriptRun
    {
        // Continuations run inline, in the call that ends the run: whoever awaits the result (an actor's PipeTo) has
        // been told before Exit/Complete/Kill returns, so a spec that ends a run and then advances time is ordered.
        private readonly TaskCompletionSource<ScriptRunResult> _completion = new();

        internal ScriptRun(ScriptRunRequest request, int pid)
        {
            Request = request;
            Pid = pid;
        }

        public ScriptRunRequest Request { get; }

        /// <summary>A made-up pid (the runner's results carry the real one).</summary>
        public int Pid { get; }

        /// <summary>It was killed (timeout or cancellation) before it ended by itself.</summary>
        public bool Killed { get; private set; }

        public bool Finished => _completion.Task.IsCompleted;

        internal Task<ScriptRunResult> Task => _completion.Task;

        /// <summary>Ends the run with <paramref name="result"/>; false when it had already ended.</summary>
        public bool Complete(ScriptRunResult result) => _completion.TrySetResult(result with { Pid = Pid });

        /// <summary>The script exits with <paramref name="code"/>.</summary>
        public bool Exit(int code) => Complete(Exited(code));

        /// <summary>Our SIGTERM, as at the timeout or on cancellation.</summary>
        public void Kill()
        {
            if (Finished)
                return;
            Killed = true;
            if (!Complete(TimedOut()))
                Killed = false;
        }
    }
}

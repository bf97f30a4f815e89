using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tracking;

/// <summary>
/// A <c>vrrp_script</c> (keepalived 2.2.7 vrrp/vrrp_scheduler.c vrrp_script_thread, vrrp_script_child_thread): runs
/// the script at start and then every interval through <see cref="IScriptRunner"/> (the task is piped back, so a
/// script never blocks the actor), as the configured user; the runner kills the script's process group at the
/// timeout (SIGTERM, SIGKILL 2 s later). Each result goes through <see cref="ScriptHealthPolicy"/> (rise/fall,
/// init_fail, a timeout counts as a failure) and every up/down edge is reported as <see cref="TrackedStatus"/> to the
/// subscribers (with <c>init_fail</c> the initial "down" too). <see cref="QueryTracked"/> is answered once the state is
/// known. One run at a time: an interval that finds the previous run still going skips, as keepalived's log intends
/// ("already running - skipping run"; 2.2.7 itself starts an overlapping run). Stopping cancels a running script,
/// which the runner kills, so nothing is left behind. A restart starts again from the initial state and re-reports
/// from its first result.
/// </summary>
public sealed class ScriptTrackerActor : ReceiveActor, IWithTimers
{
    private const string RunTimer = "run";
    private readonly ScriptTrackerSettings _settings;
    private readonly IScriptRunner _runner;
    private readonly TrackerSubscribers _subscribers;
    private readonly ScriptHealthPolicy _policy;
    private readonly string _key;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ScriptHealth _health;
    private CancellationTokenSource? _running;

    public ScriptTrackerActor(ScriptTrackerSettings settings, IScriptRunner runner, TrackerSubscribers subscribers)
    {
        _settings = settings;
        _runner = runner;
        _subscribers = subscribers;
        _policy = new ScriptHealthPolicy(settings.Health);
        _health = _policy.Initial;
        _key = TrackerNames.Script(settings.Name);
        Receive<RunDue>(_ => StartRun());
        Receive<RunFinished>(OnFinished);
        Receive<UpdateSubscribers>(u => _subscribers.Replace(u.Paths));
        Receive<QueryTracked>(_ =>
        {
            if (Status is { } up)
                Sender.Tell(new TrackedStatus(_key, up));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ScriptTrackerSettings settings, IScriptRunner runner, TrackerSubscribers subscribers) =>
        Akka.Actor.Props.Create(() => new ScriptTrackerActor(settings, runner, subscribers));

    private sealed record RunDue
    {
        public static RunDue Instance { get; } = new();
    }

    /// <summary>A run ended; <paramref name="Ticket"/> is the run's token source, so a result from before a restart
    /// (or any other run) is recognised.</summary>
    private sealed record RunFinished(object Ticket, ScriptRunResult Result);

    private bool? Status => _policy.Status(_health) switch
    {
        ScriptStatus.Up => true,
        ScriptStatus.Down => false,
        _ => null,
    };

    protected override void PreStart()
    {
        if (Status is { } up)
            Report(up);
        // The interval's clock first: a run can end (and whoever waits for it go on) before StartRun returns.
        Timers.StartPeriodicTimer(RunTimer, RunDue.Instance, _settings.Health.Interval, _settings.Health.Interval);
        StartRun();
    }

    protected override void PostStop()
    {
        // The runner kills the script's process group when its token is cancelled.
        _running?.Cancel();
        _running = null;
    }

    private void StartRun()
    {
        if (_running is not null)
        {
            _log.Info("Track script {0} is already running, expect idle - skipping run", _settings.Name);
            return;
        }
        var ticket = new CancellationTokenSource();
        _running = ticket;
        // Told from the thread that ends the run, before anything else can happen there (a PipeTo continuation
        // may hop through the thread pool, which let a test's next tick overtake the result).
        var self = Self;
        _runner.RunAsync(_settings.Request, ticket.Token).ContinueWith(
            run => self.Tell(new RunFinished(ticket, run.IsCompletedSuccessfully
                ? run.Result
                : ScriptRunResult.NotStarted(ScriptStartFailure.Resources, 0, run.Exception?.GetBaseException().Message ?? "cancelled"))),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnFinished(RunFinished finished)
    {
        if (!ReferenceEquals(finished.Ticket, _running))
            return;
        _running.Dispose();
        _running = null;
        var result = finished.Result;
        if (result.Outcome is ScriptOutcome.CouldNotStart or ScriptOutcome.Lost)
            _log.Warning("VRRP_Script({0}): {1} ({2})", _settings.Name, result.Message, result.Outcome);
        var verdict = _settings.Verdict(result);
        (_health, var edge) = _policy.Apply(_health, verdict);
        if (edge is not { } e)
            return;
        _log.Info("VRRP_Script({0}) {1}", _settings.Name, Describe(e, result));
        Report(e.Up);
    }

    private static string Describe(ScriptTransition edge, ScriptRunResult result) => edge.Cause switch
    {
        ScriptVerdict.TimedOut => "timed_out",
        ScriptVerdict.Success => "succeeded",
        _ when result.Outcome == ScriptOutcome.Signaled => $"failed (due to signal {result.Signal})",
        _ => $"failed (exited with status {result.ExitCode})",
    };

    private void Report(bool up) => _subscribers.Tell(Context.System, new TrackedStatus(_key, up), Self);
}

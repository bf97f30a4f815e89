using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Status;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>
/// One real_server (keepalived 2.2.7 check/check_api.c register_checkers_thread and each checker's thread): one timer
/// per checker; the first check after one second plus a random part of warmup, then every delay_loop, or
/// delay_before_retry while retrying (<see cref="HealthPolicy"/> decides). A check is one
/// <see cref="IHealthProbe.CheckAsync"/> piped back to the actor; a checker never has two checks at once (a tick that
/// finds one running is skipped), and a probe task that faults counts as a failure. The parent (its virtual server)
/// hears only edges: <see cref="RealServerHealthChanged"/> when "all checkers up" changes, <see cref="RealServerConfirmedDown"/>
/// for an alpha server's first failure, <see cref="RealServerWeightChanged"/> from misc_dynamic. A checker the factory
/// cannot build is logged once at start and left out (keepalived does not create it). While ha_suspend holds the
/// checkers (<see cref="SetChecksEnabled"/>) their timers tick and nothing is probed, as keepalived's disabled checkers.
/// </summary>
public sealed class RealServerActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RealServerSetup _setup;
    private readonly List<Checker> _checkers = [];
    private readonly List<string> _unusable = [];
    private VirtualServerConfig _vs;
    private RealServerConfig _rs;
    private bool _enabled;
    private bool _up;
    private long? _dynamicWeight;
    private long _generation;

    public RealServerActor(RealServerSetup setup)
    {
        _setup = setup;
        _vs = setup.VirtualServer;
        _rs = setup.RealServer;
        _enabled = setup.ChecksEnabled;
        Receive<CheckDue>(OnDue);
        Receive<Checked>(OnChecked);
        Receive<SetChecksEnabled>(OnEnabled);
        Receive<ReconfigureRealServer>(OnReconfigure);
        Receive<GetRealServerStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RealServerSetup setup) => Akka.Actor.Props.Create(() => new RealServerActor(setup));

    private sealed record CheckKey(int Index);

    private sealed record CheckDue(int Index, long Generation);

    private sealed record Checked(int Index, long Generation, ProbeResult Result, long StartTimestamp);

    /// <summary>One checker's probe, policy and counters.</summary>
    private sealed class Checker(CheckerConfig config, IHealthProbe probe, HealthPolicy policy, CheckerHealth health)
    {
        public CheckerConfig Config { get; } = config;

        public IHealthProbe Probe { get; } = probe;

        public HealthPolicy Policy { get; } = policy;

        public CheckerHealth Health { get; set; } = health;

        public CancellationTokenSource? Running { get; set; }

        public long Passed { get; set; }

        public long Failed { get; set; }

        public LatencyHistogram Durations { get; } = new();
    }

    protected override void PreStart()
    {
        Build(_setup.Health.IsDefault ? [] : _setup.Health, previous: []);
        _up = HealthPolicy.RealServerUp(_checkers.Select(c => c.Health));
    }

    protected override void PostStop() => Dispose(_checkers);

    /// <summary>Creates the probes; a checker equal to one of <paramref name="previous"/> at the same index takes over
    /// its health, else the one in <paramref name="health"/>, else its initial state.</summary>
    private void Build(ImmutableArray<CheckerHealth> health, IReadOnlyList<Checker> previous)
    {
        _generation++;
        _unusable.Clear();
        var context = new ProbeContext(_vs, _rs, _setup.Ssl, _setup.Globals);
        var index = 0;
        foreach (var config in _rs.Checkers)
        {
            IHealthProbe? probe;
            string? error;
            try
            {
                probe = _setup.Probes.Create(config, context, out error);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                (probe, error) = (null, ex.Message);
            }
            if (probe is null)
            {
                var what = $"{config.Kind} of {LvsText.RealServer(_vs, _rs.Key)} for VS {LvsText.VirtualServer(_vs)}";
                _unusable.Add($"{what}: {error ?? "cannot be created"}");
                _log.Error("{0} cannot run here and is left out: {1}", what, error ?? "cannot be created");
                continue;
            }
            var policy = new HealthPolicy(CheckerSettings.From(config.Common));
            var at = _checkers.Count;
            var kept = at < previous.Count && previous[at].Config == config ? previous[at] : null;
            var start = kept?.Health ?? (index < health.Length ? health[index] : policy.Initial);
            var checker = new Checker(config, probe, policy, start);
            _checkers.Add(checker);
            var first = kept is not null
                ? policy.Settings.EffectiveDelayLoop
                : _setup.BootstrapDelay + (config.Common.Warmup is { } warmup && warmup > TimeSpan.Zero ? warmup * Math.Clamp(_setup.Random(), 0, 1) : TimeSpan.Zero);
            Timers.StartSingleTimer(new CheckKey(_checkers.Count - 1), new CheckDue(_checkers.Count - 1, _generation), first);
            if (probe is INotifyingProbe notifying)
            {
                var (self, due) = (Self, new CheckDue(_checkers.Count - 1, _generation));
                notifying.Changed += () => self.Tell(due);
            }
            _log.Info("{0}ctivating healthchecker for service {1} for VS {2}", _enabled ? "A" : "Dea", LvsText.RealServer(_vs, _rs.Key), LvsText.VirtualServer(_vs));
            index++;
        }
    }

    private void OnDue(CheckDue due)
    {
        if (due.Generation != _generation || due.Index >= _checkers.Count)
            return;
        var checker = _checkers[due.Index];
        if (!_enabled || checker.Running is not null)
        {
            if (checker.Running is not null)
                _log.Debug("{0}: the previous check is still running; this one is skipped", checker.Probe.Describe);
            Timers.StartSingleTimer(new CheckKey(due.Index), due, checker.Policy.Settings.EffectiveDelayLoop);
            return;
        }
        var cancel = new CancellationTokenSource();
        checker.Running = cancel;
        var start = Stopwatch.GetTimestamp();
        Task<ProbeResult> check;
        try
        {
            check = checker.Probe.CheckAsync(cancel.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            check = Task.FromResult(ProbeResult.Fail(ex.Message));
        }
        var (index, generation) = (due.Index, due.Generation);
        check.PipeTo(Self,
            success: r => new Checked(index, generation, r, start),
            failure: ex => new Checked(index, generation, ProbeResult.Fail($"the check failed: {ex.GetBaseException().Message}"), start));
    }

    private void OnChecked(Checked done)
    {
        if (done.Generation != _generation || done.Index >= _checkers.Count)
            return;
        var checker = _checkers[done.Index];
        checker.Running?.Dispose();
        checker.Running = null;
        checker.Durations.ObserveSince(done.StartTimestamp);
        if (done.Result.Result.Success)
            checker.Passed++;
        else
            checker.Failed++;
        if (!_enabled)
        {
            // Suspended while it ran: keepalived ignores what a disabled checker finds.
            Timers.StartSingleTimer(new CheckKey(done.Index), new CheckDue(done.Index, _generation), checker.Policy.Settings.EffectiveDelayLoop);
            return;
        }
        var step = checker.Policy.Apply(checker.Health, done.Result.Result);
        checker.Health = step.Next;
        if (!done.Result.Result.Success && (step.Edge is not null || checker.Config.Common.LogAllFailures || _setup.Globals.CheckerLogAllFailures))
            _log.Info("{0} failed: {1}", checker.Probe.Describe, done.Result.Result.Reason);
        Timers.StartSingleTimer(new CheckKey(done.Index), new CheckDue(done.Index, _generation), step.NextCheckIn);
        if (step.Edge is { Kind: CheckerEdgeKind.ConfirmedDown } confirmed)
            Context.Parent.Tell(new RealServerConfirmedDown(_rs.Key, confirmed.Reason));
        else if (step.Edge is { } edge)
            Report(edge.Reason);
        if (done.Result.DynamicWeight is { } weight && weight != _dynamicWeight)
        {
            _dynamicWeight = weight;
            Context.Parent.Tell(new RealServerWeightChanged(_rs.Key, weight));
        }
    }

    /// <summary>Tells the parent when "every checker up" changed.</summary>
    private void Report(string reason)
    {
        var up = HealthPolicy.RealServerUp(_checkers.Select(c => c.Health));
        if (up == _up)
            return;
        _up = up;
        _log.Info("{0} for VS {1} is {2}: {3}", LvsText.RealServer(_vs, _rs.Key), LvsText.VirtualServer(_vs), up ? "up" : "down", reason);
        Context.Parent.Tell(new RealServerHealthChanged(_rs.Key, up, reason));
    }

    private void OnEnabled(SetChecksEnabled set)
    {
        if (set.Enabled == _enabled)
            return;
        _enabled = set.Enabled;
        _log.Info("{0}ing healthcheckers of {1} for VS {2}", _enabled ? "Activat" : "Suspend", LvsText.RealServer(_vs, _rs.Key), LvsText.VirtualServer(_vs));
    }

    private void OnReconfigure(ReconfigureRealServer change)
    {
        var previous = _checkers.ToList();
        for (var i = 0; i < previous.Count; i++)
            Timers.Cancel(new CheckKey(i));
        _checkers.Clear();
        _vs = change.VirtualServer;
        _rs = change.RealServer;
        Build([], previous);
        Dispose(previous);
        Report("the checkers changed");
    }

    private static void Dispose(IEnumerable<Checker> checkers)
    {
        foreach (var c in checkers)
        {
            c.Running?.Cancel();
            c.Probe.Dispose();
        }
    }

    private RealServerStatus Status() => new(
        _rs.Key,
        _up,
        [.. _checkers.Select(c => new CheckerStatus(c.Probe.Describe, c.Health, c.Passed, c.Failed, c.Durations.Snapshot()))],
        [.. _unusable]);
}

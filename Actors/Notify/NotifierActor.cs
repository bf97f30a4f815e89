using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>
/// The node's one notifier: what keepalived's vrrp_notify.c does at every transition, decided by
/// <see cref="NotifyPolicy"/> and carried out here without ever blocking.
/// <list type="bullet">
/// <item>FIFO lines are written at once to every FIFO (non-blocking writes; a full FIFO drops the line, as keepalived).</item>
/// <item>Scripts join their owner's queue: an instance's (or group's) scripts run strictly one after another — the
/// state script, then the generic one, then those of the next transition — each starting when the previous ended or
/// was killed at its timeout; different owners run in parallel. keepalived forks them all at once and waits for
/// none, so their order is not even guaranteed there; here it is. Results come back as messages.</item>
/// <item>Every script has a timeout (<see cref="NotifierSettings"/>): STOP notifications one second, then SIGKILL, as
/// keepalived; others a bounded default keepalived does not have. The runner kills the process group and reaps.</item>
/// <item>Mail is sent on its own (never in a script queue); failures are logged.</item>
/// <item><see cref="StopNotifier"/> makes the groups enter STOP and is answered when everything queued is done, or
/// its wait ran out (then the rest is killed).</item>
/// </list>
/// A restart keeps everything (<see cref="NotifierMemory"/>): the running scripts' results still arrive, queues go on.
/// </summary>
public sealed class NotifierActor : ReceiveActor, IWithTimers
{
    private readonly NotifyPlan _initialPlan;
    private readonly NotifierPorts _ports;
    private readonly NotifierSettings _settings;
    private readonly NotifierMemory _memory;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public NotifierActor(NotifyPlan plan, NotifierPorts ports, NotifierSettings settings, NotifierMemory memory)
    {
        _initialPlan = plan;
        _ports = ports;
        _settings = settings;
        _memory = memory;
        Receive<InstanceStateChanged>(c =>
        {
            if (ToNotifyState(c.To) is { } state)
                Apply(new NotifyEvent.InstanceEntered(c.Instance, state, Priority(c.Priority), c.Reason == VrrpReason.SyncGroup));
        });
        Receive<SyncGroupStateChanged>(c =>
        {
            if (ToNotifyState(c.To) is { } state)
                Apply(new NotifyEvent.GroupEntered(c.Group, state));
        });
        Receive<MasterReceivedLowerPriority>(m => Apply(new NotifyEvent.MasterRxLowerPriority(m.Instance, Priority(m.Priority))));
        Receive<InstancePriorityChanged>(p => Apply(new NotifyEvent.PriorityChanged(p.Instance, p.Master, Priority(p.Priority))));
        Receive<LvsNotification>(n =>
        {
            if (n.Script is { } script)
                Enqueue(new ScriptJob(new NotifyOwner(NotifyTarget.VirtualServer, n.VirtualServer), script, script.Argv, n.Stopping));
            WriteFifo(n.FifoLine, _ports.LvsFifos);
        });
        Receive<StopNotifier>(OnStop);
        Receive<UpdateNotifyPlan>(OnPlan);
        Receive<InstanceDeleted>(d =>
        {
            if (!d.WasFault || Plan.Instance(d.Instance).NotifyDeleted)
                Apply(new NotifyEvent.InstanceEntered(d.Instance, NotifyState.Deleted, Priority(d.Priority), false));
        });
        Receive<ScriptFinished>(OnScriptFinished);
        Receive<ScriptOverdue>(OnScriptOverdue);
        Receive<MailFinished>(OnMailFinished);
        Receive<StopDeadline>(OnStopDeadline);
        Receive<GetNotifierStatus>(_ => Sender.Tell(new NotifierStatus(_memory.Running.Count, _memory.Queues.Values.Sum(q => q.Count),
            _memory.Mails.Count, _memory.ScriptsFinished, _memory.ScriptsTimedOut, _memory.ScriptsNotStarted, _memory.MailsSent,
            _memory.MailsFailed, _memory.FifoLinesDropped)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The notifier's props; pass the same <paramref name="memory"/> to keep it across a re-creation.</summary>
    public static Props Props(NotifyPlan plan, NotifierPorts ports, NotifierSettings? settings = null, NotifierMemory? memory = null)
    {
        var s = settings ?? new NotifierSettings();
        var m = memory ?? new NotifierMemory();
        return Akka.Actor.Props.Create(() => new NotifierActor(plan, ports, s, m));
    }

    private sealed record ScriptFinished(NotifyOwner Owner, long RunId, ScriptRunResult Result);

    private sealed record ScriptOverdue(NotifyOwner Owner, long RunId);

    private sealed record MailFinished(long Id, string Subject, MailSendResult Result);

    private sealed record StopDeadline(long Id);

    private sealed record WatchdogKey(NotifyOwner Owner);

    private sealed record StopKey(long Id);

    protected override void PreStart()
    {
        if (!_memory.Started)
        {
            _memory.Started = true;
            foreach (var script in Plan.AllScripts())
                Identity(script);
            return;
        }
        // Restarted: timers died with the old instance; everything else is in the memory.
        foreach (var (owner, running) in _memory.Running)
            Timers.StartSingleTimer(new WatchdogKey(owner), new ScriptOverdue(owner, running.RunId), running.Watchdog);
        foreach (var id in _memory.Stops.Keys)
            Timers.StartSingleTimer(new StopKey(id), new StopDeadline(id), _settings.StopWait);
        foreach (var owner in _memory.Queues.Keys.Where(o => !_memory.Running.ContainsKey(o)).ToList())
            StartNext(owner);
        AnswerStopsIfIdle();
    }

    /// <summary>Akka logs the failure itself; the running scripts are not stopped (unlike the default PreRestart).</summary>
    protected override void PreRestart(Exception reason, object message) =>
        _log.Warning("notifier restarting after '{0}' on {1}; its queues and running scripts are kept", reason.Message, message?.GetType().Name ?? "?");

    protected override void PostStop()
    {
        // Stopped for good: nothing may outlive us.
        foreach (var running in _memory.Running.Values)
            running.Cancel.Cancel();
        foreach (var mail in _memory.Mails.Values)
            mail.Cancel();
    }

    /// <summary>The plan in force: the last reload's, else the one it was created with.</summary>
    private NotifyPlan Plan => _memory.Plan ?? _initialPlan;

    /// <summary>A reload: the new plan applies to the next events; queued and running scripts go on; the new plan's
    /// scripts' users are resolved now, as at start.</summary>
    private void OnPlan(UpdateNotifyPlan update)
    {
        _memory.Plan = update.Plan;
        foreach (var script in update.Plan.AllScripts())
            Identity(script);
        _log.Info("notify plan reloaded: {0} instances, {1} groups", update.Plan.Instances.Count, update.Plan.Groups.Count);
    }

    private void Apply(NotifyEvent e)
    {
        (_memory.Policy, var decision) = NotifyPolicy.Step(Plan, _memory.Policy, e);
        // keepalived's order: scripts, FIFO, mail.
        foreach (var job in decision.Scripts)
            Enqueue(job);
        foreach (var line in decision.FifoLines)
            WriteFifo(line, _ports.Fifos);
        foreach (var mail in decision.Mails)
            SendMail(mail);
    }

    private void Enqueue(ScriptJob job)
    {
        if (!_memory.Queues.TryGetValue(job.Owner, out var queue))
            _memory.Queues[job.Owner] = queue = new Queue<ScriptJob>();
        queue.Enqueue(job);
        if (!_memory.Running.ContainsKey(job.Owner))
            StartNext(job.Owner);
    }

    private void StartNext(NotifyOwner owner)
    {
        if (!_memory.Queues.TryGetValue(owner, out var queue))
        {
            AnswerStopsIfIdle();
            return;
        }
        while (queue.TryDequeue(out var job))
        {
            var (identity, error) = Identity(job.Script);
            if (identity is not { } id)
            {
                _memory.ScriptsNotStarted++;
                _log.Warning("{0}: not running notify script {1}: {2}", owner, job.Script.Display, error);
                continue;
            }
            var timeout = job.IsStop ? _settings.StopScriptTimeout : _settings.ScriptTimeout;
            var grace = job.IsStop ? TimeSpan.Zero : _settings.KillGrace;
            var request = new ScriptRunRequest(job.Argv, timeout, Identity: id, KillGrace: grace, OutputLimit: 1024);
            var runId = ++_memory.NextId;
            var cancel = new CancellationTokenSource();
            var watchdog = timeout + grace + _settings.RunnerGrace;
            _memory.Running[owner] = new RunningScript(runId, job, cancel, watchdog);
            _log.Debug("{0}: running notify script {1}", owner, ScriptCommandLine.Render(job.Argv));
            Task<ScriptRunResult> run;
            try
            {
                run = _ports.Runner.RunAsync(request, cancel.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                run = Task.FromResult(ScriptRunResult.NotStarted(ScriptStartFailure.Resources, 0, ex.Message));
            }
            run.PipeTo(Self, success: r => new ScriptFinished(owner, runId, r),
                failure: ex => new ScriptFinished(owner, runId, ScriptRunResult.NotStarted(ScriptStartFailure.Resources, 0, ex.Message)));
            Timers.StartSingleTimer(new WatchdogKey(owner), new ScriptOverdue(owner, runId), watchdog);
            return;
        }
        _memory.Queues.Remove(owner);
        AnswerStopsIfIdle();
    }

    private void OnScriptFinished(ScriptFinished f)
    {
        if (!_memory.Running.TryGetValue(f.Owner, out var running) || running.RunId != f.RunId)
        {
            _log.Debug("{0}: a notify script given up on has ended: {1}", f.Owner, f.Result.Outcome);
            return;
        }
        _memory.Running.Remove(f.Owner);
        Timers.Cancel(new WatchdogKey(f.Owner));
        running.Cancel.Dispose();
        LogResult(f.Owner, running.Job, f.Result);
        StartNext(f.Owner);
    }

    private void LogResult(NotifyOwner owner, ScriptJob job, ScriptRunResult r)
    {
        var script = job.Script.Display;
        if (r.Outcome == ScriptOutcome.CouldNotStart)
        {
            _memory.ScriptsNotStarted++;
            _log.Warning("{0}: notify script {1} could not start: {2}", owner, script, r.Message);
            return;
        }
        _memory.ScriptsFinished++;
        if (r.TimedOut)
        {
            _memory.ScriptsTimedOut++;
            _log.Warning("{0}: notify script {1} still running after {2}; its process group was killed", owner, script,
                job.IsStop ? _settings.StopScriptTimeout : _settings.ScriptTimeout);
        }
        else if (r.Outcome == ScriptOutcome.Exited && r.ExitCode == 0)
            _log.Debug("{0}: notify script {1} exited 0 after {2}", owner, script, r.Duration);
        else if (r.Outcome == ScriptOutcome.Exited)
            _log.Info("{0}: notify script {1} exited with status {2}: {3}", owner, script, r.ExitCode, r.Output);
        else if (r.Outcome == ScriptOutcome.Signaled)
            _log.Info("{0}: notify script {1} killed by signal {2}", owner, script, r.Signal);
        else
            _log.Warning("{0}: notify script {1}: {2}", owner, script, r.Message);
    }

    private void OnScriptOverdue(ScriptOverdue o)
    {
        if (!_memory.Running.TryGetValue(o.Owner, out var running) || running.RunId != o.RunId)
            return;
        _log.Error("{0}: the script runner has not answered for notify script {1} within {2}; cancelling it and moving on",
            o.Owner, running.Job.Script.Display, running.Watchdog);
        running.Cancel.Cancel();
        _memory.Running.Remove(o.Owner);
        _memory.ScriptsFinished++;
        _memory.ScriptsTimedOut++;
        StartNext(o.Owner);
    }

    private void WriteFifo(string line, IReadOnlyList<INotifyFifo> fifos)
    {
        foreach (var fifo in fifos)
        {
            var r = fifo.Write(line);
            if (r.Outcome == FifoWriteOutcome.Written)
                continue;
            _memory.FifoLinesDropped++;
            if (r.Outcome == FifoWriteOutcome.DroppedFull)
                _log.Debug("notify FIFO {0}: {1}", fifo.Path, r.Message);
            else
                _log.Warning("notify FIFO {0}: {1}", fifo.Path, r.Message);
        }
    }

    private void SendMail(AlertMail mail)
    {
        if (Plan.Mail is not { } plan)
            return;
        var id = ++_memory.NextId;
        var cancel = new CancellationTokenSource();
        _memory.Mails[id] = cancel;
        Task<MailSendResult> send;
        try
        {
            send = _ports.Mail.SendAsync(plan.Server, mail, cancel.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            send = Task.FromResult(new MailSendResult(MailOutcome.Failed, ex.Message));
        }
        var subject = mail.Subject;
        send.PipeTo(Self, success: r => new MailFinished(id, subject, r),
            failure: ex => new MailFinished(id, subject, new MailSendResult(MailOutcome.Failed, ex.Message)));
    }

    private void OnMailFinished(MailFinished m)
    {
        if (_memory.Mails.Remove(m.Id, out var cancel))
            cancel.Dispose();
        if (m.Result.Outcome == MailOutcome.Sent)
        {
            _memory.MailsSent++;
            _log.Debug("SMTP alert sent: {0}", m.Subject);
        }
        else
        {
            _memory.MailsFailed++;
            _log.Warning("SMTP alert '{0}' not sent ({1}): {2}", m.Subject, m.Result.Outcome, m.Result.Message);
        }
        AnswerStopsIfIdle();
    }

    private void OnStop(StopNotifier stop)
    {
        Apply(NotifyEvent.Shutdown.Instance);
        var id = ++_memory.NextId;
        _memory.Stops[id] = Sender;
        if (!_memory.Idle)
            Timers.StartSingleTimer(new StopKey(id), new StopDeadline(id), stop.Wait ?? _settings.StopWait);
        AnswerStopsIfIdle();
    }

    private void AnswerStopsIfIdle()
    {
        if (_memory.Stops.Count == 0 || !_memory.Idle)
            return;
        Answer(new NotifierStopped(0, 0));
    }

    private void OnStopDeadline(StopDeadline d)
    {
        if (!_memory.Stops.ContainsKey(d.Id))
            return;
        var scripts = _memory.Running.Count + _memory.Queues.Values.Sum(q => q.Count);
        foreach (var (owner, running) in _memory.Running)
        {
            running.Cancel.Cancel();
            Timers.Cancel(new WatchdogKey(owner));
        }
        _memory.Running.Clear();
        _memory.Queues.Clear();
        var mails = _memory.Mails.Count;
        foreach (var mail in _memory.Mails.Values)
            mail.Cancel();
        _memory.Mails.Clear();
        _log.Warning("notifier stop: gave up waiting; {0} notify script(s) killed or not run, {1} mail(s) cancelled", scripts, mails);
        Answer(new NotifierStopped(scripts, mails));
    }

    private void Answer(NotifierStopped stopped)
    {
        foreach (var (id, replyTo) in _memory.Stops)
        {
            Timers.Cancel(new StopKey(id));
            replyTo.Tell(stopped);
        }
        _memory.Stops.Clear();
    }

    private (ScriptIdentity? Identity, string? Error) Identity(ScriptSpec script)
    {
        if (_memory.Identities.TryGetValue(script, out var known))
            return known;
        var identity = NotifyScriptUser.Resolve(script, Plan.ScriptUsers, _ports.Users, out var error);
        if (identity is null)
            _log.Error("notify script {0} will not run: {1}", script.Display, error);
        return _memory.Identities[script] = (identity, error);
    }

    /// <summary>The notify state of a VRRP state; INIT is never notified.</summary>
    public static NotifyState? ToNotifyState(VrrpState state) => state switch
    {
        VrrpState.Master => NotifyState.Master,
        VrrpState.Backup => NotifyState.Backup,
        VrrpState.Fault => NotifyState.Fault,
        VrrpState.Stopped => NotifyState.Stop,
        _ => null,
    };

    private static int Priority(int priority) => Math.Clamp(priority, 0, 255);
}

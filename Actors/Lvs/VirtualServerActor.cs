using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Status;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>
/// One virtual_server (keepalived 2.2.7 check/ipwrapper.c init_service_vs, perform_svr_state, update_quorum_state,
/// clear_service_vs; check/check_api.c update_checker_activity for ha_suspend). Its real servers are its children
/// (<see cref="RealServerActor"/>); it keeps the <see cref="VirtualServerState"/>, lets <see cref="QuorumPolicy"/>
/// decide (quorum with hysteresis, sorry server, inhibit_on_failure, alpha/omega), maps the pool to IPVS with
/// <see cref="IpvsMapping"/> and sends the effector exactly the ops <see cref="IpvsReconciler"/> finds between what
/// it last made the kernel hold and what it wants now. An op the kernel refuses is logged; the actor then reads the
/// kernel table again after <see cref="VirtualServerSetup.ResyncDelay"/> and reconciles to it, until the kernel
/// matches. Notifications (notify_up/down, quorum_up/down, FIFO lines) go to the notifier.
/// <para>ha_suspend follows the VRRP state of the instance holding the virtual address (published on the event
/// stream): checkers run only while it is MASTER. As keepalived, the IPVS service stays in place while suspended.</para>
/// <para>Supervision: a real server's probe failure never throws into the actor; an unexpected exception restarts
/// the real server (the default), its health starting afresh.</para>
/// </summary>
public sealed class VirtualServerActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly VirtualServerSetup _setup;
    private VirtualServerConfig _config;
    private ImmutableArray<VirtualServerGroupConfig> _groups;
    private string? _vipInstance;
    private VirtualServerSpec _spec = null!;
    private VirtualServerState _state = null!;
    private ImmutableArray<KeepAlive.Kernel.Wire.Ipvs.IpvsService> _services;
    private ImmutableArray<IpvsServiceState> _kernel;
    private ImmutableArray<IpvsServiceState> _desired = [];
    private long _nextOp;
    private long _failedOps;
    private int _resyncFailures;
    private long _resyncOp;
    private (long OpId, IActorRef ReplyTo)? _stopping;

    public VirtualServerActor(VirtualServerSetup setup)
    {
        _setup = setup;
        _config = setup.Config;
        _groups = setup.Groups;
        _vipInstance = setup.VipInstance;
        _kernel = setup.Observed.IsDefault ? [] : setup.Observed;
        Receive<RealServerHealthChanged>(c => Raise(QuorumPolicy.RealServerChanged(_spec, _state, c.Server, c.Up)));
        Receive<RealServerConfirmedDown>(c => Notify(QuorumPolicy.ConfirmDown(_state, c.Server), stopping: false));
        Receive<RealServerWeightChanged>(c => Raise(QuorumPolicy.WeightChanged(_spec, _state, c.Server, c.Weight)));
        Receive<InstanceStateChanged>(c => FollowVip(c.Instance, c.To));
        Receive<InstanceReport>(r => FollowVip(r.Name, r.State));
        Receive<IpvsOpsApplied>(OnApplied);
        Receive<Resync>(_ => _setup.Effector.Tell(GetIpvsTable.Instance));
        Receive<IpvsTableSnapshot>(OnTable);
        Receive<ReconfigureVirtualServer>(OnReconfigure);
        Receive<StopVirtualServer>(OnStop);
        Receive<GetVirtualServerStatus>(_ => ReportStatus());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(VirtualServerSetup setup) => Akka.Actor.Props.Create(() => new VirtualServerActor(setup));

    private sealed record Resync
    {
        public static Resync Instance { get; } = new();
    }

    private string Display => LvsText.VirtualServer(_config);

    protected override void PreStart()
    {
        Map();
        (_state, var events) = QuorumPolicy.Start(_spec, _setup.Globals.RsInitNotifies);
        if (_spec.HaSuspend)
        {
            if (_vipInstance is null)
            {
                _log.Warning("VS {0}: ha_suspend, but no vrrp_instance holds its address; its checkers run", Display);
                _state = QuorumPolicy.VipPresent(_spec, _state, present: true);
            }
            else
            {
                Context.System.EventStream.Subscribe(Self, typeof(InstanceStateChanged));
            }
        }
        foreach (var rs in _config.RealServers.DistinctBy(r => r.Key))
            StartRealServer(rs);
        Notify(events, stopping: false);
        Push();
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    /// <summary>The spec and the services of the current configuration; mapping corrections are logged.</summary>
    private void Map()
    {
        _spec = VirtualServerSpec.From(_config);
        var mapped = IpvsMapping.Services(_config, _groups);
        _services = mapped.Services;
        foreach (var warning in _spec.Warnings.Concat(mapped.Warnings))
            _log.Warning("VS {0}: {1}", Display, warning);
    }

    private void StartRealServer(RealServerConfig rs) =>
        Context.ActorOf(RealServerActor.Props(new RealServerSetup(_config, rs, _setup.Probes, _setup.Ssl, _setup.Globals, _state.ChecksEnabled)
        {
            BootstrapDelay = _setup.BootstrapDelay,
            Random = _setup.Random,
        }), ActorNames.RealServer(rs.Key));

    private void Raise((VirtualServerState State, ImmutableArray<LvsEvent> Events) step)
    {
        _state = step.State;
        Notify(step.Events, stopping: false);
        Push();
    }

    /// <summary>Sends the ops between what the kernel holds (as far as we know) and what the state wants now.</summary>
    /// <returns>The op id sent, or 0 when the kernel already holds what is wanted.</returns>
    private long Push()
    {
        if (_stopping is not null)
            return 0;
        _desired = IpvsMapping.Table(_config, _services, QuorumPolicy.Desired(_spec, _state));
        var sent = Send(IpvsReconciler.Reconcile(_desired, _kernel, OwnKeys(_desired)));
        _kernel = _desired;
        return sent;
    }

    /// <summary>Reads the table again later, each failure in a row waiting twice as long (<see cref="ResyncBackoff"/>).</summary>
    private TimeSpan ScheduleResync()
    {
        var delay = ResyncBackoff.Delay(_setup.ResyncDelay, _resyncFailures++);
        Timers.StartSingleTimer(nameof(Resync), Resync.Instance, delay);
        return delay;
    }

    private static HashSet<IpvsServiceKey> OwnKeys(IEnumerable<IpvsServiceState> services) => services.Select(s => s.Key).ToHashSet();

    private long Send(IpvsPlan plan)
    {
        foreach (var rejected in plan.Rejected)
            _log.Warning("VS {0}: {1} cannot be in IPVS: {2}", Display, rejected.What, rejected.Reason);
        if (plan.Ops.Count == 0)
            return 0;
        _setup.Effector.Tell(new ApplyIpvsOps(++_nextOp, Self.Path.Name, [.. plan.Ops]));
        return _nextOp;
    }

    private void OnApplied(IpvsOpsApplied applied)
    {
        var failed = applied.Outcomes.Count(o => !o.Result.IsOk);
        if (failed > 0)
        {
            _failedOps += failed;
            foreach (var o in applied.Outcomes.Where(o => !o.Result.IsOk))
                _log.Error("VS {0}: {1} failed: {2}", Display, NetlinkEffectorActor.Text(o.Op), o.Result);
            if (_stopping is null)
                _log.Warning("VS {0}: reading the IPVS table again in {1} to converge", Display, ScheduleResync());
        }
        else if (applied.OpId == _resyncOp)
        {
            _resyncFailures = 0;                                     // what the resync sent was applied: converged
        }
        if (_stopping is { } stop && stop.OpId == applied.OpId)
            Stopped(stop.ReplyTo);
    }

    /// <summary>After a failure: what the kernel really holds for our services becomes the base of the next ops.</summary>
    private void OnTable(IpvsTableSnapshot table)
    {
        if (_stopping is not null)
            return;
        if (!table.Result.IsOk)
        {
            _log.Error("VS {0}: cannot read the IPVS table: {1}; trying again in {2}", Display, table.Result, ScheduleResync());
            return;
        }
        var mine = _services.Select(IpvsServiceKey.Of).ToHashSet();
        _kernel = [.. table.Services.Where(s => mine.Contains(s.Key))];
        _resyncOp = Push();
        if (_resyncOp == 0)
            _resyncFailures = 0;                                     // converged: the kernel holds what we want
    }

    /// <summary>ha_suspend: the checkers run while the instance holding the VIP is MASTER.</summary>
    private void FollowVip(string instance, VrrpState state)
    {
        if (!_spec.HaSuspend || !string.Equals(instance, _vipInstance, StringComparison.Ordinal))
            return;
        SetPresent(state == VrrpState.Master);
    }

    private void SetPresent(bool present)
    {
        if (present == !_state.Suspended)
            return;
        _state = QuorumPolicy.VipPresent(_spec, _state, present) with { Suspended = !present };
        foreach (var child in Context.GetChildren())
            child.Tell(new SetChecksEnabled(present));
    }

    private void OnReconfigure(ReconfigureVirtualServer change)
    {
        var previousConfig = _config;
        var previousSpec = _spec;
        var previousServices = _services;
        _config = change.Config;
        _groups = change.Groups;
        if (!string.Equals(_vipInstance, change.VipInstance, StringComparison.Ordinal))
        {
            _vipInstance = change.VipInstance;
            Context.System.EventStream.Unsubscribe(Self);
            if (_vipInstance is not null)
                Context.System.EventStream.Subscribe(Self, typeof(InstanceStateChanged));
        }
        Map();
        var wasSuspended = _state.Suspended;
        (_state, var events) = QuorumPolicy.Reconfigure(previousSpec, _spec, _state);
        if (_spec.HaSuspend && _vipInstance is not null)
        {
            _state = _state with { Suspended = wasSuspended };
        }
        else if (wasSuspended)
        {
            _state = _state with { Suspended = true };
            SetPresent(true);
        }
        ReconcileChildren(previousConfig);
        // Services the new configuration no longer has are ours: removed (clear_diff_vs).
        var gone = previousServices.Select(IpvsServiceKey.Of).Except(_services.Select(IpvsServiceKey.Of)).ToHashSet();
        if (gone.Count > 0)
            Send(IpvsReconciler.Reconcile([], _kernel.Where(s => gone.Contains(s.Key)), gone));
        _kernel = [.. _kernel.Where(s => !gone.Contains(s.Key))];
        Notify(events, stopping: false);
        Push();
    }

    /// <summary>The keyed diff of the real servers: unchanged ones receive nothing.</summary>
    private void ReconcileChildren(VirtualServerConfig previous)
    {
        var before = previous.RealServers.DistinctBy(r => r.Key).ToDictionary(r => r.Key);
        var probeContextChanged = previous.Virtualhost != _config.Virtualhost || previous.Protocol != _config.Protocol;
        foreach (var rs in _config.RealServers.DistinctBy(r => r.Key))
        {
            var child = Context.Child(ActorNames.RealServer(rs.Key));
            if (!before.Remove(rs.Key, out var old) || child.IsNobody())
                StartRealServer(rs);
            else if (probeContextChanged || Probing(old) != Probing(rs))
                child.Tell(new ReconfigureRealServer(_config, rs));
        }
        foreach (var removed in before.Keys)
            Context.Stop(Context.Child(ActorNames.RealServer(removed)));
    }

    /// <summary>What a real server's probes depend on: its block without what only the pool uses.</summary>
    private static RealServerConfig Probing(RealServerConfig rs) => rs with
    {
        Weight = 0, InhibitOnFailure = false, NotifyUp = null, NotifyDown = null, UpperThreshold = 0, LowerThreshold = 0,
        Forwarding = ForwardingConfig.Nat, SmtpAlert = null,
    };

    private void OnStop(StopVirtualServer stop)
    {
        if (_stopping is not null)
            return;
        Notify(QuorumPolicy.Stop(_spec, _state), stopping: true);
        foreach (var child in Context.GetChildren())
            Context.Stop(child);
        Timers.CancelAll();
        var opId = stop.Release ? Send(IpvsReconciler.Reconcile([], _kernel, OwnKeys(_kernel))) : 0;
        if (!stop.Release)
            _log.Info("VS {0}: leaving its IPVS services in place (--dont-release-ipvs)", Display);
        if (opId == 0)
        {
            Stopped(Sender);
            return;
        }
        _stopping = (opId, Sender);
    }

    private void Stopped(IActorRef replyTo)
    {
        _kernel = [];
        replyTo.Tell(new VirtualServerStopped(Self.Path.Name));
        Context.Stop(Self);
    }

    private void Notify(IEnumerable<LvsEvent> events, bool stopping)
    {
        foreach (var e in events)
        {
            var (script, line) = e switch
            {
                LvsEvent.QuorumUp q => (Script("quorum_up", _config.QuorumUp), NotifyFifoLine.VirtualServer(Display, up: true)),
                LvsEvent.QuorumDown q => (Script("quorum_down", _config.QuorumDown), NotifyFifoLine.VirtualServer(Display, up: false)),
                LvsEvent.RealServerUp r => (Script("notify_up", Find(r.Server)?.NotifyUp), NotifyFifoLine.RealServer(LvsText.RealServer(_config, r.Server), Display, up: true)),
                LvsEvent.RealServerDown r => (Script("notify_down", Find(r.Server)?.NotifyDown), NotifyFifoLine.RealServer(LvsText.RealServer(_config, r.Server), Display, up: false)),
                _ => (null, null),
            };
            _log.Info("VS {0}: {1}", Display, Describe(e));
            if (line is not null)
                _setup.Notifier?.Tell(new LvsNotification(Self.Path.Name, script, stopping, line));
        }
    }

    private RealServerConfig? Find(RealServerKey key) => _config.RealServers.FirstOrDefault(r => r.Key == key);

    private ScriptSpec? Script(string keyword, NotifyScript? script)
    {
        var issues = new List<string>();
        var spec = NotifyPlanner.Script("VS " + Display, keyword, script, issues);
        foreach (var issue in issues)
            _log.Warning("{0}", issue);
        return spec;
    }

    private string Describe(LvsEvent e) => e switch
    {
        LvsEvent.QuorumUp q => $"{(q.Initial ? "Starting with quorum up" : "Gained quorum")} {_spec.Quorum}+{_spec.Hysteresis}={q.Threshold} <= {q.WeightSum}",
        LvsEvent.QuorumDown q => q.Stopping ? "Shutting down" : $"{(q.Initial ? "Starting with quorum down" : "Lost quorum")} {_spec.Quorum}-{_spec.Hysteresis}={q.Threshold} > {q.WeightSum}",
        LvsEvent.RealServerUp r => $"{LvsText.RealServer(_config, r.Server)} is up",
        LvsEvent.RealServerDown r => $"{LvsText.RealServer(_config, r.Server)} is down{(r.Stopping ? " (stopping)" : "")}",
        LvsEvent.SorryServer s => s.Active ? $"adding sorry server {LvsText.RealServer(_config, s.Server)}" : $"removing sorry server {LvsText.RealServer(_config, s.Server)}",
        _ => e.ToString() ?? "",
    };

    /// <summary>Asks the real servers for their checkers and answers with the whole picture.</summary>
    private void ReportStatus()
    {
        var (replyTo, self) = (Sender, Self);
        var pool = QuorumPolicy.Desired(_spec, _state).ToDictionary(d => (d.Server, d.IsSorry), d => d.Weight);
        var (address, port, protocol) = _config.Key switch
        {
            VirtualServerKey.Address a => (a.Ip, a.Port, a.Protocol.ToString().ToLowerInvariant()),
            VirtualServerKey.Fwmark => (null, 0, "fwmark"),
            _ => ((System.Net.IPAddress?)null, 0, "group"),
        };
        var (spec, state) = (_spec, _state);
        var empty = new VirtualServerReport(Self.Path.Name, address, port, protocol, [])
        {
            Display = Display, QuorumUp = state.QuorumUp, SorryActive = state.SorryActive, Suspended = state.Suspended, FailedOps = _failedOps,
        };
        var children = _config.RealServers.DistinctBy(r => r.Key)
            .Select(rs => Context.Child(ActorNames.RealServer(rs.Key)))
            .Where(c => !c.IsNobody())
            .Select(c => c.Ask<RealServerStatus>(GetRealServerStatus.Instance, TimeSpan.FromSeconds(3)))
            .ToList();
        Task.WhenAll(children).ContinueWith(t =>
        {
            var checkers = t.IsCompletedSuccessfully ? t.Result.ToDictionary(s => s.Server, s => s.Checkers) : [];
            var servers = spec.RealServers.Select(rs => Server(rs.Key, state.Servers.TryGetValue(rs.Key, out var live) && live.Alive, pool, false)
                with { Checkers = [.. checkers.GetValueOrDefault(rs.Key, []).Select(Report)] });
            if (spec.Sorry is { } sorry)
                servers = servers.Append(Server(sorry.Key, true, pool, true));
            return empty with { RealServers = [.. servers] };
        }, TaskScheduler.Default).PipeTo(replyTo, self);                 // the collector matches answers by sender
    }

    private static Status.RealServerReport Server(RealServerKey key, bool healthy, Dictionary<(RealServerKey, bool), int> pool, bool sorry) =>
        new(key.Address, key.Port, healthy, pool.GetValueOrDefault((key, sorry)))
        {
            InPool = pool.ContainsKey((key, sorry)),
            IsSorry = sorry,
        };

    private static CheckerReport Report(CheckerStatus c) =>
        new(c.Describe, c.Health.Up, c.Health.Last?.Success, c.Health.Last?.Reason, c.Passed, c.Failed, c.Durations);
}

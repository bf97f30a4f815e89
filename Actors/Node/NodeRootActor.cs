using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Plane;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Tracking;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Node;

/// <summary>What a node needs: its configuration, its kernel and sockets, its clock, and the factories of the actors
/// that live in other parts of the product (script, file and process trackers; the notifier).</summary>
public sealed record NodeSetup
{
    public required KeepAliveConfig Config { get; init; }

    /// <summary>The kernel; only the effector will hold it.</summary>
    public required IKernelPort Kernel { get; init; }

    public required IVrrpSocketFactory Sockets { get; init; }

    /// <summary>Monotonic microseconds (the machine's clock; virtual in tests).</summary>
    public required Func<long> Clock { get; init; }

    /// <summary>Props of a script, file or process tracker (interface trackers are built in); null when that kind
    /// cannot be tracked here, which is reported and leaves the instances that track it unaffected by it.</summary>
    public Func<TrackerPlan, IActorRef, TrackerSubscribers, Props?>? TrackerProps { get; init; }

    /// <summary>The dispatcher of the VRRP instance and I/O actors (e.g. PreciseSchedulerSetup.VrrpDispatcher, which
    /// must then be in the ActorSystem's config); null: Akka's default.</summary>
    public string? VrrpDispatcher { get; init; }

    /// <summary>The dispatcher of the netlink effector (e.g. PreciseSchedulerSetup.EffectorDispatcher, which must then
    /// be in the ActorSystem's config); null: Akka's default.</summary>
    public string? EffectorDispatcher { get; init; }

    /// <summary>How long before a master-down deadline its tick is scheduled, the rest waited out on the CPU
    /// (<see cref="Vrrp.LazyDeadline"/>): the service sets it for the machine's timer wake-up latency; specs on virtual
    /// time leave it 0.</summary>
    public long MasterDownLeadMicros { get; init; }

    /// <summary>Where the instances' priority-0 adverts wait for the node's stop (<see cref="Vrrp.GoodbyeRoster"/>); null:
    /// each instance sends its own when it resigns.</summary>
    public Vrrp.GoodbyeRoster? Goodbyes { get; init; }

    /// <summary>The grid the instances' periodic advert deadlines are rounded up to (<see cref="Vrrp.VrrpInstanceSetup.AdvertGridMicros"/>):
    /// the service sets it; specs on virtual time leave it 0.</summary>
    public long AdvertGridMicros { get; init; }

    /// <summary>Props of the node's notifier (notify scripts, FIFOs, mail) for this plan; null: none.</summary>
    public Func<NodePlan, Props?>? NotifierProps { get; init; }

    /// <summary>The notifier's plan for a configuration applied by a reload (the running notifier is told it); null:
    /// the notifier keeps the plan it started with.</summary>
    public Func<KeepAliveConfig, Notify.NotifyPlan>? NotifyPlanFor { get; init; }

    /// <summary>The tracker factory for a configuration applied by a reload (script_user and the like may have
    /// changed; init_file must not overwrite); null: <see cref="TrackerProps"/>.</summary>
    public Func<KeepAliveConfig, Func<TrackerPlan, IActorRef, TrackerSubscribers, Props?>?>? TrackerPropsFor { get; init; }

    /// <summary>Once the node has started, rehearse a takeover's decisions on a background thread
    /// (<see cref="TakeoverRehearsal"/>) so the first real one runs compiled code. The service sets it; specs need not.</summary>
    public bool RehearseTakeover { get; init; }

    /// <summary>Run the VRRP half (false: keepalived <c>-C</c>, the checkers alone).</summary>
    public bool Vrrp { get; init; } = true;

    /// <summary>Run the LVS half (false: keepalived <c>-P</c>, VRRP alone).</summary>
    public bool Checkers { get; init; } = true;

    /// <summary>Remove our IPVS services at stop (false: <c>-I/--dont-release-ipvs</c>).</summary>
    public bool ReleaseIpvs { get; init; } = true;

    /// <summary>Builds the checkers' probes; null: no checker can run here (each is reported once, and its real server
    /// counts as one without checkers, always up, as keepalived's).</summary>
    public Lvs.Probes.IHealthProbeFactory? Probes { get; init; }

    /// <summary>The effector's memory; preload <see cref="EffectorMemory.OwnedIpvs"/> with what a previous run recorded
    /// as ours (its stale services are then removed at start). Null: a fresh one.</summary>
    public EffectorMemory? EffectorMemory { get; init; }
}

/// <summary>Asks the node for its children by name (answered with <see cref="NodeChildren"/> once it runs).</summary>
public sealed record GetNodeChildren
{
    public static GetNodeChildren Instance { get; } = new();
}

/// <summary>The node's plan and its children, by child name.</summary>
public sealed record NodeChildren(NodePlan Plan, IReadOnlyDictionary<string, IActorRef> Children);

/// <summary>Stop the node as keepalived does on SIGTERM: every instance leaves (masters send priority 0 and release
/// their addresses), then the effector's queue is drained; answered with <see cref="NodeStopped"/>.</summary>
public sealed record StopNode
{
    public static StopNode Instance { get; } = new();
}

/// <summary>The answer to <see cref="StopNode"/>.</summary>
public sealed record NodeStopped(int Instances);

/// <summary>
/// The root of one node. It creates the netlink effector first (which at its first start removes configured VIPs a
/// killed predecessor left), asks it for the host's links and addresses, plans the node
/// (<see cref="NodePlanner"/>), then creates the I/O actors, the notifier, the trackers, the sync groups and the
/// instances, with deterministic names from config keys. Groups are created before their members because members
/// join their group when they start.
/// <para>Supervision, one-for-one, every child restarted on any exception, without limit (a VRRP node must never give
/// up an instance): the effector keeps what each owner holds and converges the kernel to it after a restart; an I/O
/// actor keeps its instances' registrations and reopens its socket; an instance comes back as BACKUP (it releases its
/// addresses first: its machine starts afresh); a sync group asks its members for their states again; trackers
/// re-run and report; the notifier loses the scripts it had queued (logged).</para>
/// </summary>
public sealed partial class NodeRootActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private readonly NodeSetup _setup;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _children = new(StringComparer.Ordinal);
    private IActorRef _effector = ActorRefs.Nobody;
    private NodePlan? _plan;
    private KeepAliveConfig _config;
    private Func<TrackerPlan, IActorRef, TrackerSubscribers, Props?>? _trackerProps;

    public NodeRootActor(NodeSetup setup)
    {
        _setup = setup;
        _config = NodePlanner.View(setup.Config, setup.Vrrp, setup.Checkers);
        _trackerProps = setup.TrackerProps;
        Receive<HostFactsSnapshot>(OnHostFacts);
        Receive<RetryHostFacts>(_ => _effector.Tell(GetHostFacts.Instance));
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeSetup setup) => Akka.Actor.Props.Create(() => new NodeRootActor(setup));

    private sealed record RetryHostFacts
    {
        public static RetryHostFacts Instance { get; } = new();
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, Timeout.InfiniteTimeSpan, ex =>
    {
        _log.Error(ex, "a child failed ({Error}); restarting it", ex.Message);
        return Directive.Restart;
    });

    protected override void PreStart()
    {
        var effector = NetlinkEffectorActor.Props(_setup.Kernel, _setup.EffectorMemory, NodePlanner.ConfiguredSet(_config), NodePlanner.Firewall(_config));
        _effector = Spawn(ActorNames.Effector, _setup.EffectorDispatcher is { } d ? effector.WithDispatcher(d) : effector);
        var statics = StaticPlane.For(_config);
        if (statics.Set.Count > 0 || statics.Errors.Count > 0)
            Spawn(ActorNames.Static, StaticPlaneActor.Props(statics, _effector));
        _effector.Tell(GetHostFacts.Instance);
    }

    private void OnHostFacts(HostFactsSnapshot snapshot)
    {
        if (!snapshot.Result.IsOk)
        {
            _log.Error("cannot read the host's links and addresses: {Result}; retrying in a second", snapshot.Result);
            Timers.StartSingleTimer("facts", RetryHostFacts.Instance, TimeSpan.FromSeconds(1));
            return;
        }
        var plan = NodePlanner.Plan(_config, snapshot.Facts);
        _plan = plan;
        foreach (var problem in plan.Problems)
            _log.Warning("{Problem}", problem);
        if (plan.Vmacs.Count == 0)
        {
            StartChildren(plan);
            return;
        }
        // The use_vmac links must exist before the I/O actors open their sockets on them.
        var pending = new HashSet<long>();
        var reports = NodePlanner.VmacReports(_config);
        foreach (var vmac in plan.Vmacs)
        {
            pending.Add(++_nextOp);
            _effector.Tell(new EnsureMacvlan(_nextOp, vmac.Name, vmac) { Firewall = reports.GetValueOrDefault(vmac.Name) });
        }
        Become(() =>
        {
            Receive<OpCompleted>(done =>
            {
                if (!done.Result.IsOk)
                    _log.Error("creating a use_vmac link failed: {Result}; its instance cannot send adverts until it exists", done.Result);
                pending.Remove(done.OpId);
                if (pending.Count == 0)
                    StartChildren(plan);
            });
            ReceiveAny(_ => Stash.Stash());
        });
    }

    private void StartChildren(NodePlan plan)
    {
        foreach (var io in plan.Io)
            SpawnIo(io);
        var notifierProps = _setup.NotifierProps?.Invoke(plan);
        if (notifierProps is not null)
            Spawn(ActorNames.Notifier, notifierProps);
        foreach (var tracker in plan.Trackers)
            SpawnTracker(tracker);
        foreach (var group in plan.Groups)
            SpawnGroup(group);
        foreach (var instance in plan.Instances)
            SpawnInstance(instance, plan);
        _log.Info("node started: {Instances} VRRP instances, {Groups} sync groups, {Io} sockets, {Trackers} trackers",
            plan.Instances.Count, plan.Groups.Count, plan.Io.Count, plan.Trackers.Count);
        RehearseOnce(plan);
        StartLvs(() =>
        {
            Become(Running);
            Stash.UnstashAll();
        });
    }

    private long _nextOp;

    private bool _rehearsed;

    /// <summary>The rehearsal, once the node has VRRP instances (at start, or the reload that brings the first): an
    /// LVS-only node has no takeover to prepare, and the rehearsal's CPU would slow its checkers' start.</summary>
    private void RehearseOnce(NodePlan plan)
    {
        if (!_setup.RehearseTakeover || _rehearsed || plan.Instances.Count == 0)
            return;
        _rehearsed = true;
        Rehearse(plan.Instances[0].Setup.Settings);
    }

    /// <summary>How long after the node's start the actor-path rehearsal waits (<see cref="ActorPathRehearsal"/>).</summary>
    public static readonly TimeSpan ActorRehearsalDelay = TimeSpan.FromMilliseconds(300);

    /// <summary>Runs <see cref="TakeoverRehearsal"/> off the actor's thread (it is pure and touches nothing here), then
    /// <see cref="ActorPathRehearsal"/> on throwaway actors after <see cref="ActorRehearsalDelay"/>.</summary>
    private void Rehearse(Vrrp.VrrpSettings template)
    {
        var log = _log;
        var system = Context.System;
        var dispatcher = _setup.VrrpDispatcher;
        var effectorDispatcher = _setup.EffectorDispatcher;
        var clock = _setup.Clock;
        _ = Task.Run(async () =>
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                TakeoverRehearsal.Run(template);
                // Akka formats a log template through an LRU cache whose generic code over its own struct is not
                // precompiled; the first state change logged after start (a hit in that cache) would compile it.
                for (int i = 0; i < 2; i++)
                    _ = Akka.Event.SemanticLogMessageFormatter.Instance.Format("({0}) rehearsal {1}", "a", i);
                var pure = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                // The actors' side after the start's own work (an owner's first advert, the first acquisitions) is done.
                await Task.Delay(ActorRehearsalDelay).ConfigureAwait(false);
                var actors = await ActorPathRehearsal.RunAsync(system, template, dispatcher, clock, TimeSpan.FromSeconds(5), effectorDispatcher).ConfigureAwait(false);
                log.Debug("takeover rehearsal done in {0:F1} ms (decisions {1:F1} ms; actors: {2}, {3} adverts)",
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, pure.TotalMilliseconds, string.Join(" → ", actors.States), actors.Adverts);
            }
            catch (Exception e)
            {
                // Only a cold first takeover is at stake.
                log.Warning("takeover rehearsal failed: {0}", e.Message);
            }
        });
    }

    private void Running()
    {
        Receive<GetNodeChildren>(_ => Sender.Tell(new NodeChildren(_plan!, new Dictionary<string, IActorRef>(_children, StringComparer.Ordinal))));
        Receive<StopNode>(_ => Stopping(Sender));
        ReceiveLvs();
        Receive<ApplyConfig>(a => BeginReload(a.Config, Sender));
        Receive<Terminated>(_ => { });                     // a child a reload stopped, after its phase gave up waiting
    }

    /// <summary>
    /// Stop (SIGTERM): keepalived's parent signals its VRRP and checker children in the same loop (sigend), so the
    /// priority-0 adverts never wait for the IPVS teardown, and the VIPs do not stay here while the virtual services are
    /// already gone. Every instance is told first — told to resign (its priority 0) before it is told to stop, so
    /// the resignations queue ahead of the stops' releases (the daemon's stop signal has usually resigned them all
    /// already, on its own thread) — then every virtual server; when both halves are done (or the virtual servers'
    /// wait ran out), the notifier's STOP scripts, the static plane and the links follow.
    /// </summary>
    private void Stopping(IActorRef requester)
    {
        var waiting = new HashSet<string>(_plan!.Instances.Select(i => i.Setup.Name), StringComparer.Ordinal);
        foreach (var instance in _plan.Instances)
            _children[instance.ChildName].Tell(ResignInstance.Instance);
        foreach (var instance in _plan.Instances)
            _children[instance.ChildName].Tell(StopInstance.Instance);
        var servers = BeginLvsStop();
        void Finish()
        {
            var notifier = _children.GetValueOrDefault(ActorNames.Notifier);
            if (notifier is not null)
            {
                // keepalived waits for the STOP notify scripts (and the groups' STOP) before it exits.
                notifier.Tell(new Notify.StopNotifier());
                Become(() =>
                {
                    Receive<Notify.NotifierStopped>(n =>
                    {
                        if (n.AbandonedScripts + n.AbandonedMails > 0)
                            _log.Warning("stopping: {Scripts} notify scripts and {Mails} mails abandoned after the stop wait", n.AbandonedScripts, n.AbandonedMails);
                        DrainEffector();
                    });
                    ReceiveAny(_ => { });
                });
                return;
            }
            DrainEffector();
        }
        void DrainEffector()
        {
            var statics = _children.GetValueOrDefault(ActorNames.Static);
            if (statics is not null)
            {
                // keepalived removes static rules, routes and addresses at exit (vrrp_terminate_phase2).
                statics.Tell(ReleaseStaticPlane.Instance);
                Become(() =>
                {
                    Receive<StaticPlaneReleased>(_ => RemoveLinks());
                    ReceiveAny(_ => { });
                });
                return;
            }
            RemoveLinks();
        }
        void RemoveLinks()
        {
            foreach (var vmac in _plan.Vmacs)
                _effector.Tell(new RemoveMacvlan(++_nextOp, vmac.Name, vmac.Name));
            _effector.Tell(RemoveFirewallTables.Instance);
            // Every instance has handed its release to the effector: a status request queued behind them is the
            // barrier that says they are applied.
            _effector.Tell(GetEffectorStatus.Instance);
            Become(() =>
            {
                Receive<EffectorStatus>(_ => requester.Tell(new NodeStopped(_plan.Instances.Count)));
                Receive<OpCompleted>(_ => { });
                ReceiveAny(_ => { });
            });
        }
        void FinishWhenBothHalvesAreDone()
        {
            if (waiting.Count > 0 || servers.Count > 0)
                return;
            Timers.Cancel("lvs-stop");
            Finish();
        }
        if (waiting.Count == 0 && servers.Count == 0)
        {
            Finish();
            return;
        }
        Become(() =>
        {
            Receive<InstanceStopped>(s =>
            {
                waiting.Remove(s.Instance);
                FinishWhenBothHalvesAreDone();
            });
            Receive<Lvs.VirtualServerStopped>(s =>
            {
                servers.Remove(s.Name);
                _children.Remove(s.Name);
                FinishWhenBothHalvesAreDone();
            });
            Receive<LvsStopExpired>(_ =>
            {
                _log.Warning("stopping: {Count} virtual servers did not release their IPVS services within {Timeout}: {Names}",
                    servers.Count, LvsStopTimeout, string.Join(", ", servers));
                servers.Clear();
                FinishWhenBothHalvesAreDone();
            });
            ReceiveAny(_ => { });
        });
    }

    private void SpawnIo(IoPlan io) => Spawn(io.ChildName, OnVrrpDispatcher(VrrpIoActor.Props(_setup.Sockets, io.Spec)));

    private TrackerSubscribers Subscribers(TrackerPlan tracker) => new(tracker.Subscribers.Select(s => Self.Path / s).ToList());

    private void SpawnTracker(TrackerPlan tracker)
    {
        var subscribers = Subscribers(tracker);
        var props = tracker.Kind == TrackerKind.Interface
            ? InterfaceTrackerActor.Props(tracker.Name, _effector, subscribers)
            : _trackerProps?.Invoke(tracker, _effector, subscribers);
        if (props is null)
            _log.Warning("{Kind} tracking ({Name}) is not available in this node; instances tracking it ignore it", tracker.Kind, tracker.Name);
        else
            Spawn(tracker.ChildName, props);
    }

    /// <summary>A sync group is on its members' dispatcher: a takeover goes member → group → members, and each hop
    /// through the .NET thread pool (shared with the log, the notifier and the checkers) cost 0.4–2.7 ms in the lab.</summary>
    private void SpawnGroup(GroupPlan group) =>
        Spawn(group.ChildName, OnVrrpDispatcher(SyncGroupActor.Props(group.Config.Name, group.Config.Members.ToList(), _children.GetValueOrDefault(ActorNames.Notifier), _effector)));

    /// <summary>The actors an instance talks to, as the children are now.</summary>
    private VrrpInstanceLinks Links(InstancePlan instance) => new(
        _children[instance.IoChild],
        _effector,
        instance.GroupChild is null ? null : _children.GetValueOrDefault(instance.GroupChild),
        _children.GetValueOrDefault(ActorNames.Notifier),
        instance.TrackerChildren.Where(_children.ContainsKey).Select(c => _children[c]).ToList());

    private void SpawnInstance(InstancePlan instance, NodePlan plan)
    {
        // Only scripts that have a tracker here can give the first result the instance waits for.
        var startAfter = plan.Trackers.Where(t => t.Kind == TrackerKind.Script && _children.ContainsKey(t.ChildName) && t.Subscribers.Contains(instance.ChildName))
            .Select(t => t.Key).ToList();
        var setup = WithNodeSettings(instance.Setup) with { StartAfter = startAfter };
        Spawn(instance.ChildName, OnVrrpDispatcher(VrrpInstanceActor.Props(setup, Links(instance), _setup.Clock)));
    }

    /// <summary>An instance's setup with what the node sets for all of its instances (timer lead, advert grid, the
    /// stop's roster), at spawn and at reload alike.</summary>
    private VrrpInstanceSetup WithNodeSettings(VrrpInstanceSetup setup) =>
        setup with { MasterDownLeadMicros = _setup.MasterDownLeadMicros, AdvertGridMicros = _setup.AdvertGridMicros, Goodbyes = _setup.Goodbyes };

    private Props OnVrrpDispatcher(Props props) => _setup.VrrpDispatcher is { } d ? props.WithDispatcher(d) : props;

    private IActorRef Spawn(string name, Props props)
    {
        var child = Context.ActorOf(props, name);
        _children[name] = child;
        return child;
    }
}

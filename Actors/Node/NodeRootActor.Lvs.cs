using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Lvs;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Node;

/// <summary>
/// The LVS half of the node (keepalived 2.2.7 check/check_daemon.c start_check and stop_check): after the VRRP
/// children, the kernel's IPVS table is read; lvs_timeouts are set; the sync daemon is started (master and backup
/// without a vrrp_instance; else backup, master while that instance is MASTER — vrrp.c vrrp_state_become_master and
/// vrrp_state_leave_master); the services a previous run of ours left and the configuration no longer has are
/// removed (foreign ones stay); then one <see cref="VirtualServerActor"/> per virtual server starts, taking over its
/// services as the kernel has them. At stop the virtual servers release their services (not with
/// --dont-release-ipvs) before the VRRP half stops. A reload applies the keyed diff (<see cref="LvsPlanner.Diff"/>).
/// </summary>
public sealed partial class NodeRootActor
{
    /// <summary>How long a stop waits for the virtual servers to release their services.</summary>
    public static readonly TimeSpan LvsStopTimeout = TimeSpan.FromSeconds(10);

    private const string Node = "node";

    private ImmutableArray<VirtualServerPlan> _lvsPlans = [];
    private LvsReloadPlan? _lvsReload;
    private GlobalDefs? _lvsGlobals;
    private bool _syncMaster;

    private sealed record LvsStopExpired
    {
        public static LvsStopExpired Instance { get; } = new();
    }

    private void StartLvs(Action then)
    {
        _lvsPlans = LvsPlanner.Plan(_config);
        var globals = _config.Globals;
        var owned = _setup.EffectorMemory?.OwnedIpvs.Count ?? 0;
        if (!_setup.Checkers || (_lvsPlans.Length == 0 && owned == 0 && globals.LvsTimeouts is null && globals.LvsSyncDaemon is null))
        {
            then();
            return;
        }
        _effector.Tell(GetIpvsTable.Instance);
        Become(() =>
        {
            Receive<IpvsTableSnapshot>(table =>
            {
                StartLvs(table);
                then();
            });
            ReceiveAny(_ => Stash.Stash());
        });
    }

    private void StartLvs(IpvsTableSnapshot table)
    {
        if (!table.Result.IsOk)
            _log.Error("cannot read the IPVS table: {Result}; the virtual servers start anyway and retry", table.Result);
        _lvsGlobals = _config.Globals;
        SendGlobals(IpvsGlobalsPlanner.Start(_lvsGlobals, _setup.Vrrp));
        FollowSyncInstance();
        var stale = LvsPlanner.StaleServices(_lvsPlans, table.Services, table.Owned);
        if (stale.Ops.Count > 0)
        {
            _log.Info("removing {Count} IPVS services a previous run left and the configuration no longer has", stale.Ops.OfType<IpvsOp.DeleteService>().Count());
            _effector.Tell(new ApplyIpvsOps(++_nextOp, Node, [.. stale.Ops]));
        }
        foreach (var plan in _lvsPlans)
            SpawnVirtualServer(plan, LvsPlanner.Observed(plan, table.Services));
        _log.Info("LVS started: {VirtualServers} virtual servers, {RealServers} real servers",
            _lvsPlans.Length, _lvsPlans.Sum(p => p.Config.RealServers.Count));
    }

    private void SendGlobals(ImmutableArray<IpvsGlobalOp> ops)
    {
        foreach (var op in ops)
        {
            object message = op switch
            {
                IpvsGlobalOp.SetTimeouts t => new SetIpvsTimeouts(++_nextOp, t.Timeouts),
                IpvsGlobalOp.RestoreTimeouts => new RestoreIpvsTimeouts(++_nextOp),
                IpvsGlobalOp.StartDaemon d => new StartIpvsSyncDaemon(++_nextOp, d.Daemon),
                IpvsGlobalOp.StopDaemon d => new StopIpvsSyncDaemon(++_nextOp, d.State),
                _ => throw new InvalidOperationException($"unknown IPVS global op {op}"),
            };
            _effector.Tell(message);
        }
    }

    /// <summary>lvs_sync_daemon with an instance: follow its transitions, and ask its state now (it may have become
    /// MASTER before we listened: a priority-255 instance does at once).</summary>
    private void FollowSyncInstance()
    {
        if (!IpvsGlobalsPlanner.FollowsInstance(_lvsGlobals?.LvsSyncDaemon, _setup.Vrrp))
            return;
        Context.System.EventStream.Subscribe(Self, typeof(InstanceStateChanged));
        var name = _lvsGlobals!.LvsSyncDaemon!.VrrpInstance;
        if (_plan?.Instances.FirstOrDefault(i => i.Setup.Name == name) is { } i && _children.TryGetValue(i.ChildName, out var instance))
            instance.Tell(GetInstanceReport.Instance, Self);
    }

    private void SpawnVirtualServer(VirtualServerPlan plan, ImmutableArray<IpvsServiceState> observed)
    {
        var vs = Spawn(plan.ChildName, VirtualServerActor.Props(new VirtualServerSetup(plan.Config, plan.Groups, _effector,
            _children.GetValueOrDefault(ActorNames.Notifier), _setup.Probes ?? UnavailableProbes.Instance, _config.Ssl, _config.Globals, observed, plan.VipInstance)));
        TellVipState(plan, vs);
    }

    /// <summary>ha_suspend: the instance holding the VIP reports its state to the virtual server (an instance MASTER
    /// already publishes no transition). Instances are keyed by VRID, so it is found by name in the plan.</summary>
    private void TellVipState(VirtualServerPlan plan, IActorRef vs)
    {
        if (plan.VipInstance is { } name && _plan?.Instances.FirstOrDefault(i => i.Setup.Name == name) is { } i && _children.TryGetValue(i.ChildName, out var instance))
            instance.Tell(GetInstanceReport.Instance, vs);
    }

    /// <summary>In Running: answers from the effector, and the sync daemon following its instance.</summary>
    private void ReceiveLvs()
    {
        Receive<IpvsOpsApplied>(applied =>
        {
            foreach (var o in applied.Outcomes.Where(o => !o.Result.IsOk))
                _log.Error("{Op} failed: {Result}", NetlinkEffectorActor.Text(o.Op), o.Result);
        });
        Receive<OpCompleted>(done =>
        {
            if (!done.Result.IsOk)
                _log.Error("an IPVS setting (lvs_timeouts, lvs_sync_daemon) failed: {Result}", done.Result);
        });
        Receive<VirtualServerStopped>(_ => { });
        Receive<InstanceStateChanged>(changed => OnSyncInstance(changed.Instance, changed.To));
        Receive<InstanceReport>(report => OnSyncInstance(report.Name, report.State));
    }

    /// <summary>lvs_sync_daemon with an instance: master while it is MASTER, backup otherwise (ipvs_syncd_master and
    /// ipvs_syncd_backup: stop the other state, start this one).</summary>
    private void OnSyncInstance(string instance, VrrpState state)
    {
        if (_lvsGlobals?.LvsSyncDaemon is not { } sync || !IpvsGlobalsPlanner.FollowsInstance(sync, _setup.Vrrp) || instance != sync.VrrpInstance)
            return;
        var master = state == VrrpState.Master;
        SendGlobals(IpvsGlobalsPlanner.Follow(sync, _syncMaster, master));
        _syncMaster = master;
    }

    /// <summary>Stop, LVS half: the sync daemons stop and every virtual server is told to release its IPVS services
    /// (omega notifications included). Returns the virtual servers to wait for; with any, the
    /// <see cref="LvsStopTimeout"/> timer is started.</summary>
    private HashSet<string> BeginLvsStop()
    {
        var waiting = _lvsPlans.Select(p => p.ChildName).Where(_children.ContainsKey).ToHashSet(StringComparer.Ordinal);
        if (_lvsGlobals is { } globals)
            SendGlobals(IpvsGlobalsPlanner.Stop(globals));
        foreach (var name in waiting)
            _children[name].Tell(new StopVirtualServer(_setup.ReleaseIpvs));
        if (waiting.Count > 0)
            Timers.StartSingleTimer("lvs-stop", LvsStopExpired.Instance, LvsStopTimeout);
        return waiting;
    }

    /// <summary>Reload: the keyed diff of the virtual servers. Returns the removed ones, which terminate after their
    /// services are released.</summary>
    private HashSet<IActorRef> ReloadLvs(KeepAliveConfig config)
    {
        var terminating = new HashSet<IActorRef>();
        if (_setup.Checkers)
            ReloadGlobals(config.Globals);
        var plans = LvsPlanner.Plan(config);
        var diff = LvsPlanner.Diff(_lvsPlans, plans);
        foreach (var name in diff.Stop)
        {
            if (!_children.Remove(name, out var child))
                continue;
            Context.Watch(child);
            child.Tell(new StopVirtualServer(Release: true));
            terminating.Add(child);
        }
        foreach (var plan in diff.Reconfigure)
        {
            _children[plan.ChildName].Tell(new ReconfigureVirtualServer(plan.Config, plan.Groups, plan.VipInstance));
            TellVipState(plan, _children[plan.ChildName]);
        }
        _lvsPlans = plans;
        foreach (var plan in diff.Start)
            SpawnVirtualServer(plan, []);
        _lvsReload = diff;
        return terminating;
    }

    /// <summary>Reload: lvs_timeouts and lvs_sync_daemon as they changed (nothing when they did not).</summary>
    private void ReloadGlobals(GlobalDefs next)
    {
        var old = _lvsGlobals ?? new GlobalDefs();
        var ops = IpvsGlobalsPlanner.Reload(old, next, _setup.Vrrp, _syncMaster);
        _lvsGlobals = next;
        if (ops.IsEmpty)
            return;
        _log.Info("reload: lvs_timeouts or lvs_sync_daemon changed: {Count} IPVS settings to apply", ops.Length);
        SendGlobals(ops);
        if (next.LvsSyncDaemon != old.LvsSyncDaemon)
        {
            _syncMaster = ops.Any(o => o is IpvsGlobalOp.StartDaemon { Daemon.State: IpvsSyncState.Master }) && IpvsGlobalsPlanner.FollowsInstance(next.LvsSyncDaemon, _setup.Vrrp);
            FollowSyncInstance();
        }
    }
}

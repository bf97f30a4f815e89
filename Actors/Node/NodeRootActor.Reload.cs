using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Plane;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Tracking;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Node;

/// <summary>
/// Reload (<see cref="ApplyConfig"/>, in Running; a second ApplyConfig or a StopNode waits until it is done): fresh
/// host facts from the effector, <see cref="NodePlanner"/>, <see cref="NodeReloadPlanner"/>, then in this order:
/// <list type="number">
/// <item>gone instances leave (<see cref="RemoveInstance"/>: priority 0 from a MASTER, release queued, DELETED/FAULT
/// notified) and stop; gone and replaced trackers stop; each waits until it has terminated;</item>
/// <item>the notifier gets the new plan; the effector gets the firewall settings (a changed <c>nftables</c> table or
/// priority is rebuilt before the old table goes, see <see cref="Kernel.Ports.IVipFirewall.Move"/>); new use_vmac
/// links are created (their ops answered);</item>
/// <item>new I/O actors and trackers start, trackers and groups get their new subscribers and members, new groups
/// start, the static set is replaced, changed instances are reconfigured, new instances start;</item>
/// <item>groups and I/O actors nobody uses any more stop (terminated), then gone use_vmac links are removed;</item>
/// <item><see cref="ConfigApplied"/> names what changed.</item>
/// </list>
/// A phase that waits longer than <see cref="ReloadPhaseTimeout"/> (a child crashed and lost the request) goes on
/// with a warning; a child restarted meanwhile released what it held. If the host facts cannot be read, nothing changes
/// and the answer says why.
/// </summary>
public sealed partial class NodeRootActor
{
    /// <summary>The longest a reload waits for its children in one phase.</summary>
    public static readonly TimeSpan ReloadPhaseTimeout = TimeSpan.FromSeconds(5);

    private sealed record ReloadPhaseExpired(long Phase);

    private long _reloadPhase;

    private void BeginReload(KeepAliveConfig config, IActorRef requester)
    {
        config = NodePlanner.View(config, _setup.Vrrp, _setup.Checkers);
        _effector.Tell(GetHostFacts.Instance);
        Become(() =>
        {
            Receive<HostFactsSnapshot>(snapshot =>
            {
                if (!snapshot.Result.IsOk)
                {
                    _log.Error("reload: cannot read the host's links and addresses ({Result}); keeping the running configuration", snapshot.Result);
                    requester.Tell(new ConfigApplied([], [], [], [.. _children.Keys.Order(StringComparer.Ordinal)],
                        [$"cannot read the host's links and addresses: {snapshot.Result}; the running configuration is kept"]));
                    EndReload();
                    return;
                }
                var reload = NodeReloadPlanner.Plan(_plan!, _config, config, snapshot.Facts);
                foreach (var problem in reload.Problems)
                    _log.Warning("reload: {Problem}", problem);
                LeaveRemoved(reload, requester);
            });
            WhileReloading();
        });
    }

    private void WhileReloading()
    {
        Receive<GetNodeChildren>(_ => Sender.Tell(new NodeChildren(_plan!, new Dictionary<string, IActorRef>(_children, StringComparer.Ordinal))));
        ReceiveAny(_ => Stash.Stash());
    }

    private void EndReload()
    {
        Timers.Cancel("reload");
        Become(Running);
        Stash.UnstashAll();
    }

    /// <summary>Phase 1: gone instances leave and stop, gone and replaced trackers stop.</summary>
    private void LeaveRemoved(NodeReloadPlan reload, IActorRef requester)
    {
        var leaving = new HashSet<string>(StringComparer.Ordinal);
        var terminating = new HashSet<IActorRef>();
        foreach (var name in reload.With(ReloadAction.Stop, ChildKind.Instance))
        {
            if (!_children.TryGetValue(name, out var child))
                continue;
            leaving.Add(name);
            child.Tell(RemoveInstance.Instance);
        }
        foreach (var name in reload.With(ReloadAction.Stop, ChildKind.Tracker).Concat(reload.With(ReloadAction.Replace, ChildKind.Tracker)))
            StopChild(name, terminating);
        var byName = _plan!.Instances.ToDictionary(i => i.Setup.Name, i => i.ChildName, StringComparer.Ordinal);
        Await(leaving, terminating, [], () => CreateLinks(reload, requester), stopped =>
        {
            if (byName.TryGetValue(stopped.Instance, out var child) && leaving.Remove(child))
                StopChild(child, terminating);
        });
    }

    /// <summary>Phase 2: the notifier's new plan; new use_vmac links.</summary>
    private void CreateLinks(NodeReloadPlan reload, IActorRef requester)
    {
        if (reload.NotifyChanged && _setup.NotifyPlanFor is { } planFor && _children.TryGetValue(ActorNames.Notifier, out var notifier))
            notifier.Tell(new Notify.UpdateNotifyPlan(planFor(reload.Config)));
        // The firewall first: the new links' entries and the VIPs the instances block next go into the new table.
        var (firewall, needed) = NodePlanner.Firewall(reload.Config);
        var ops = new HashSet<long> { ++_nextOp };
        _effector.Tell(new ChangeFirewall(_nextOp, firewall, needed));
        var reports = NodePlanner.VmacReports(reload.Config);
        foreach (var vmac in reload.CreateVmacs)
        {
            ops.Add(++_nextOp);
            _effector.Tell(new EnsureMacvlan(_nextOp, vmac.Name, vmac) { Firewall = reports.GetValueOrDefault(vmac.Name) });
        }
        Await([], [], ops, () => Apply(reload, requester));
    }

    /// <summary>Phase 3: everything the instances need, then the instances.</summary>
    private void Apply(NodeReloadPlan reload, IActorRef requester)
    {
        var plan = reload.Plan;
        _config = reload.Config;
        _plan = plan;
        _trackerProps = _setup.TrackerPropsFor?.Invoke(reload.Config) ?? _setup.TrackerProps;
        foreach (var io in plan.Io.Where(i => reload.Children.Contains(new ChildReload(i.ChildName, ChildKind.Io, ReloadAction.Start))))
            SpawnIo(io);
        foreach (var tracker in plan.Trackers)
        {
            var action = reload.Children.First(c => c.Kind == ChildKind.Tracker && c.Child == tracker.ChildName).Action;
            if (action is ReloadAction.Start or ReloadAction.Replace)
                SpawnTracker(tracker);
            else if (action == ReloadAction.UpdateSubscribers && _children.TryGetValue(tracker.ChildName, out var child))
                child.Tell(new UpdateSubscribers(Subscribers(tracker).Paths));
        }
        foreach (var group in plan.Groups)
        {
            var action = reload.Children.First(c => c.Kind == ChildKind.Group && c.Child == group.ChildName).Action;
            if (action == ReloadAction.Start)
                SpawnGroup(group);
            else if (action == ReloadAction.UpdateMembers)
                _children[group.ChildName].Tell(new SetSyncGroupMembers(group.Config.Members.ToList()));
        }
        if (reload.Static is { } statics)
        {
            if (_children.TryGetValue(ActorNames.Static, out var current))
                current.Tell(new ReplaceStaticPlane(statics));
            else
                Spawn(ActorNames.Static, StaticPlaneActor.Props(statics, _effector));
        }
        foreach (var instance in plan.Instances)
        {
            var action = reload.Children.First(c => c.Kind == ChildKind.Instance && c.Child == instance.ChildName).Action;
            if (action == ReloadAction.Reconfigure)
                _children[instance.ChildName].Tell(new Reconfigure(WithNodeSettings(instance.Setup), Links(instance)));
            else if (action == ReloadAction.Start)
                SpawnInstance(instance, plan);
        }
        RehearseOnce(plan);
        var terminating = ReloadLvs(reload.Config);
        foreach (var name in reload.With(ReloadAction.Stop, ChildKind.Group).Concat(reload.With(ReloadAction.Stop, ChildKind.Io)))
            StopChild(name, terminating);
        Await([], terminating, [], () => RemoveLinks(reload, requester));
    }

    /// <summary>Phase 4: gone use_vmac links, then the answer.</summary>
    private void RemoveLinks(NodeReloadPlan reload, IActorRef requester)
    {
        var ops = new HashSet<long>();
        foreach (var vmac in reload.RemoveVmacs)
        {
            ops.Add(++_nextOp);
            _effector.Tell(new RemoveMacvlan(_nextOp, vmac.Name, vmac.Name));
        }
        Await([], [], ops, () =>
        {
            var applied = Answer(reload);
            _log.Info("reload applied: {Started} started, {Reconfigured} reconfigured, {Stopped} stopped, {Unchanged} unchanged",
                applied.Started.Count, applied.Reconfigured.Count, applied.Stopped.Count, applied.Unchanged.Count);
            requester.Tell(applied);
            EndReload();
        });
    }

    private ConfigApplied Answer(NodeReloadPlan reload)
    {
        var lvs = _lvsReload ?? new LvsReloadPlan([], [], [], []);
        var started = reload.With(ReloadAction.Start).Concat(reload.With(ReloadAction.Replace)).Concat(lvs.Start.Select(p => p.ChildName)).ToList();
        var stopped = reload.With(ReloadAction.Stop).Concat(reload.With(ReloadAction.Replace)).Concat(lvs.Stop).ToList();
        var reconfigured = reload.With(ReloadAction.Reconfigure).Concat(reload.With(ReloadAction.UpdateSubscribers)).Concat(reload.With(ReloadAction.UpdateMembers))
            .Concat(lvs.Reconfigure.Select(p => p.ChildName)).ToList();
        var unchanged = reload.With(ReloadAction.Unchanged).Concat(lvs.Unchanged).ToList();
        void Sort(string name, bool changed)
        {
            if (!_children.ContainsKey(name))
                return;
            (changed ? reconfigured : unchanged).Add(name);
        }

        Sort(ActorNames.Static, reload.Static is not null);
        Sort(ActorNames.Notifier, reload.NotifyChanged && _setup.NotifyPlanFor is not null);
        Sort(ActorNames.Effector, false);
        return new ConfigApplied(started, reconfigured, stopped, unchanged, reload.Problems);
    }

    private void StopChild(string name, HashSet<IActorRef> terminating)
    {
        if (!_children.Remove(name, out var child))
            return;
        Context.Watch(child);
        Context.Stop(child);
        terminating.Add(child);
    }

    /// <summary>Waits for instances to answer <see cref="InstanceStopped"/> (by child name), children to terminate and
    /// effector ops to be answered, then runs <paramref name="next"/>; after <see cref="ReloadPhaseTimeout"/> goes on
    /// anyway (what was not heard from is stopped).</summary>
    private void Await(HashSet<string> instances, HashSet<IActorRef> terminating, HashSet<long> ops, Action next, Action<InstanceStopped>? onStopped = null)
    {
        long phase = ++_reloadPhase;
        void Check()
        {
            if (instances.Count > 0 || terminating.Count > 0 || ops.Count > 0)
                return;
            Timers.Cancel("reload");
            next();
        }

        Timers.StartSingleTimer("reload", new ReloadPhaseExpired(phase), ReloadPhaseTimeout);
        Become(() =>
        {
            Receive<InstanceStopped>(s =>
            {
                onStopped?.Invoke(s);
                Check();
            });
            Receive<Terminated>(t =>
            {
                terminating.Remove(t.ActorRef);
                Check();
            });
            Receive<OpCompleted>(done =>
            {
                if (!ops.Remove(done.OpId))
                    return;
                if (!done.Result.IsOk)
                    _log.Error("reload: a kernel op (use_vmac link, firewall table) failed: {Result}", done.Result);
                Check();
            });
            Receive<ReloadPhaseExpired>(e => e.Phase == phase, _ =>
            {
                _log.Warning("reload: {Instances} instances, {Children} children and {Ops} kernel ops did not answer within {Timeout}; going on",
                    instances.Count, terminating.Count, ops.Count, ReloadPhaseTimeout);
                foreach (var name in instances.ToList())
                {
                    if (_children.Remove(name, out var child))
                        Context.Stop(child);
                }
                instances.Clear();
                terminating.Clear();
                ops.Clear();
                Check();
            });
            Receive<ReloadPhaseExpired>(_ => { });
            WhileReloading();
        });
        Check();
    }
}

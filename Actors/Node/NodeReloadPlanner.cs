using KeepAlive.Actors.Plane;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Node;

/// <summary>
/// Plans a reload (SIGHUP; keepalived-reference.md §1.8; keepalived 2.2.7 vrrp.c <c>clear_diff_vrrp</c>): from the
/// running plan and configuration and a new, already validated configuration, what every child of the node must do so
/// that nothing unchanged is touched. Children are matched by their deterministic names, so an instance is matched by
/// keepalived's reload key (interface, family, VRID, unicast source or group, VMAC), never by name: a renamed instance
/// is reconfigured, not stopped and started. Pure.
/// <list type="bullet">
/// <item>Instances: equal setups (<see cref="VrrpSetupEquality"/>, structural), I/O actor, trackers and group:
/// unchanged; anything else: reconfigured (the actor keeps its state); gone: stopped; new: started.</item>
/// <item>Trackers: the object's definition changed (or, for scripts, the script user settings): replaced; only its
/// subscribers changed: told the new list. Instances tracking a replaced tracker are reconfigured with its new
/// reference.</item>
/// <item>Sync groups: a changed member list is a message; the group actor stays. I/O actors are named by all they
/// are, so they only start and stop.</item>
/// <item>use_vmac links: new ones are created before the instances start, gone ones removed after their instances
/// stopped; a link whose name stays but whose MAC or base changes is kept as it is (reported).</item>
/// <item>Settings a reload cannot change (keepalived reads them at start only): <c>net_namespace</c>,
/// <c>net_namespace_ipvs</c>, <c>instance</c>, <c>vrrp_rt_priority</c> (the timer thread's priority), <c>vrrp_priority</c> (the VRRP threads' nice value), and the notify
/// FIFOs (opened at start): the running values are kept and the change is reported.</item>
/// <item>A VIP moved from one instance to another moves in one reload here (keepalived documents that it may need
/// two): the effector counts holders per address, so the address stays in the kernel while any MASTER holds it and
/// the instance that lost it removes it only when no other owner has it.</item>
/// </list>
/// </summary>
public static class NodeReloadPlanner
{
    public static NodeReloadPlan Plan(NodePlan running, KeepAliveConfig runningConfig, KeepAliveConfig next, HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(runningConfig);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(host);
        var kept = new List<string>();
        var config = KeepWhatCannotChange(runningConfig, next, kept);
        var plan = NodePlanner.Plan(config, host);
        var children = new List<ChildReload>();

        var oldInstances = running.Instances.ToDictionary(i => i.ChildName, StringComparer.Ordinal);
        var newInstances = plan.Instances.ToDictionary(i => i.ChildName, StringComparer.Ordinal);
        var oldTrackers = running.Trackers.ToDictionary(t => t.ChildName, StringComparer.Ordinal);
        var newTrackers = plan.Trackers.ToDictionary(t => t.ChildName, StringComparer.Ordinal);
        var oldGroups = running.Groups.ToDictionary(g => g.ChildName, StringComparer.Ordinal);
        var oldIo = running.Io.Select(i => i.ChildName).ToHashSet(StringComparer.Ordinal);
        var newIo = plan.Io.Select(i => i.ChildName).ToHashSet(StringComparer.Ordinal);
        bool scriptUsersChanged = runningConfig.Globals.ScriptUser != config.Globals.ScriptUser
            || runningConfig.Globals.ScriptGroup != config.Globals.ScriptGroup
            || runningConfig.Globals.EnableScriptSecurity != config.Globals.EnableScriptSecurity;

        // 1. Gone instances leave first (priority 0, release), then trackers that go or are replaced.
        foreach (var gone in running.Instances.Where(i => !newInstances.ContainsKey(i.ChildName)))
            children.Add(new(gone.ChildName, ChildKind.Instance, ReloadAction.Stop));
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var old in running.Trackers)
        {
            if (!newTrackers.TryGetValue(old.ChildName, out var now))
                children.Add(new(old.ChildName, ChildKind.Tracker, ReloadAction.Stop));
            else if (!SameObject(old, now) || (scriptUsersChanged && now.Kind == TrackerKind.Script))
            {
                replaced.Add(old.ChildName);
                children.Add(new(old.ChildName, ChildKind.Tracker, ReloadAction.Replace));
            }
        }

        // 2. What the instances need exists before they are reconfigured or started.
        foreach (var io in plan.Io.Where(i => !oldIo.Contains(i.ChildName)))
            children.Add(new(io.ChildName, ChildKind.Io, ReloadAction.Start));
        foreach (var tracker in plan.Trackers)
        {
            if (!oldTrackers.TryGetValue(tracker.ChildName, out var old))
                children.Add(new(tracker.ChildName, ChildKind.Tracker, ReloadAction.Start));
            else if (!replaced.Contains(tracker.ChildName))
                children.Add(new(tracker.ChildName, ChildKind.Tracker,
                    old.Subscribers.SequenceEqual(tracker.Subscribers, StringComparer.Ordinal) ? ReloadAction.Unchanged : ReloadAction.UpdateSubscribers));
        }
        foreach (var group in plan.Groups)
        {
            children.Add(new(group.ChildName, ChildKind.Group, !oldGroups.TryGetValue(group.ChildName, out var old)
                ? ReloadAction.Start
                : old.Config.Members.SequenceEqual(group.Config.Members, StringComparer.Ordinal) ? ReloadAction.Unchanged : ReloadAction.UpdateMembers));
        }

        // 3. Instances: reconfigured before new ones start (an address moving between them is held throughout).
        foreach (var instance in plan.Instances.Where(i => oldInstances.ContainsKey(i.ChildName)))
        {
            var old = oldInstances[instance.ChildName];
            bool same = VrrpSetupEquality.Equal(old.Setup, instance.Setup) && old.IoChild == instance.IoChild && old.GroupChild == instance.GroupChild
                && old.TrackerChildren.SequenceEqual(instance.TrackerChildren, StringComparer.Ordinal)
                && !instance.TrackerChildren.Any(replaced.Contains);
            children.Add(new(instance.ChildName, ChildKind.Instance, same ? ReloadAction.Unchanged : ReloadAction.Reconfigure));
        }
        foreach (var instance in plan.Instances.Where(i => !oldInstances.ContainsKey(i.ChildName)))
            children.Add(new(instance.ChildName, ChildKind.Instance, ReloadAction.Start));

        // 4. Then the groups and sockets nobody uses any more.
        var newGroups = plan.Groups.Select(g => g.ChildName).ToHashSet(StringComparer.Ordinal);
        foreach (var group in running.Groups.Where(g => !newGroups.Contains(g.ChildName)))
            children.Add(new(group.ChildName, ChildKind.Group, ReloadAction.Stop));
        foreach (var io in running.Io.Where(i => !newIo.Contains(i.ChildName)))
            children.Add(new(io.ChildName, ChildKind.Io, ReloadAction.Stop));

        var (create, remove) = Vmacs(running.Vmacs, plan.Vmacs, kept);
        var oldStatic = StaticPlane.For(runningConfig);
        var newStatic = StaticPlane.For(config);
        bool staticSame = VrrpSetupEquality.Equal(oldStatic.Set, newStatic.Set) && oldStatic.NotTracked.SetEquals(newStatic.NotTracked);
        return new NodeReloadPlan(config, plan, children, create, remove, staticSame ? null : newStatic,
            NotifyProjection(runningConfig) != NotifyProjection(config), [.. plan.Problems, .. kept]);
    }

    /// <summary>The new configuration with the running values of what a reload cannot change; each kept change is
    /// described in <paramref name="kept"/>.</summary>
    public static KeepAliveConfig KeepWhatCannotChange(KeepAliveConfig running, KeepAliveConfig next, List<string> kept)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(kept);
        void Note<T>(string keyword, T old, T now)
        {
            if (!EqualityComparer<T>.Default.Equals(old, now))
                kept.Add($"{keyword} cannot change on reload ({Show(old)} -> {Show(now)}): keeping {Show(old)} until keepalive restarts");
        }

        Note("net_namespace", running.TopLevel.NetNamespace, next.TopLevel.NetNamespace);
        Note("net_namespace_ipvs", running.TopLevel.NetNamespaceIpvs, next.TopLevel.NetNamespaceIpvs);
        Note("instance", running.TopLevel.Instance, next.TopLevel.Instance);
        Note("vrrp_rt_priority", running.Globals.VrrpRtPriority, next.Globals.VrrpRtPriority);
        Note("vrrp_priority", running.Globals.VrrpPriority, next.Globals.VrrpPriority);
        Note("notify_fifo", running.Globals.NotifyFifo?.Path, next.Globals.NotifyFifo?.Path);
        Note("vrrp_notify_fifo", running.Globals.VrrpNotifyFifo?.Path, next.Globals.VrrpNotifyFifo?.Path);
        return next with
        {
            TopLevel = next.TopLevel with
            {
                NetNamespace = running.TopLevel.NetNamespace,
                NetNamespaceIpvs = running.TopLevel.NetNamespaceIpvs,
                Instance = running.TopLevel.Instance,
            },
            Globals = next.Globals with
            {
                VrrpRtPriority = running.Globals.VrrpRtPriority,
                VrrpPriority = running.Globals.VrrpPriority,
                NotifyFifo = running.Globals.NotifyFifo,
                VrrpNotifyFifo = running.Globals.VrrpNotifyFifo,
            },
        };
    }

    private static string Show<T>(T value) => value?.ToString() ?? "unset";

    /// <summary>The same tracked object with the same definition (subscribers aside).</summary>
    private static bool SameObject(TrackerPlan a, TrackerPlan b) =>
        a.Kind == b.Kind && a.Name == b.Name && a.Key == b.Key && a.Script == b.Script && a.File == b.File && a.Process == b.Process;

    private static (IReadOnlyList<MacvlanSpec> Create, IReadOnlyList<MacvlanSpec> Remove) Vmacs(IReadOnlyList<MacvlanSpec> old, IReadOnlyList<MacvlanSpec> now, List<string> kept)
    {
        var create = new List<MacvlanSpec>();
        foreach (var link in now)
        {
            var before = old.FirstOrDefault(o => o.Name == link.Name);
            if (before is null)
                create.Add(link);
            else if (before.BaseInterface != link.BaseInterface || before.Mode != link.Mode || !before.Mac.AsSpan().SequenceEqual(link.Mac))
                kept.Add($"use_vmac link {link.Name} changed ({before} -> {link}): kept as it is until keepalive restarts");
        }
        return (create, old.Where(o => !now.Any(n => n.Name == o.Name)).ToList());
    }

    /// <summary>What the notify plan is made of: the global settings, the groups, and each instance's name, group and
    /// notify settings (a change of VIPs alone does not touch the notifier).</summary>
    private static NotifyView NotifyProjection(KeepAliveConfig c) => new(c.Globals, c.SyncGroups,
        Config.Model.ValueList.From(c.VrrpInstances.Select(i => new InstanceNotifyView(i.Name, i.NotifyMaster, i.NotifyBackup, i.NotifyFault, i.NotifyStop,
            i.Notify, i.NotifyMasterRxLowerPri, i.NotifyDeleted, i.NotifyDeletedSet, i.SmtpAlert, i.NotifyPriorityChanges))));

    private sealed record NotifyView(GlobalDefs Globals, ValueList<SyncGroupConfig> Groups, ValueList<InstanceNotifyView> Instances);

    private sealed record InstanceNotifyView(string Name, NotifyScript? Master, NotifyScript? Backup, NotifyScript? Fault, NotifyScript? Stop,
        NotifyScript? Generic, NotifyScript? RxLowerPri, NotifyScript? Deleted, bool DeletedSet, bool? SmtpAlert, bool? PriorityChanges);
}

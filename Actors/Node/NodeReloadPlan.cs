using KeepAlive.Actors.Plane;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Node;

/// <summary>What a reload does to one child of the node.</summary>
public enum ReloadAction
{
    /// <summary>Same settings: it receives nothing.</summary>
    Unchanged,

    /// <summary>An instance with new settings or links: <see cref="Vrrp.Reconfigure"/>; it keeps its state.</summary>
    Reconfigure,

    /// <summary>A tracker whose object is the same but whose subscribers changed: <see cref="Tracking.UpdateSubscribers"/>.</summary>
    UpdateSubscribers,

    /// <summary>A sync group whose members changed: <see cref="Sync.SetSyncGroupMembers"/>; the group actor stays.</summary>
    UpdateMembers,

    /// <summary>A tracker whose object changed (script, interval, file, process): stopped, then started anew.</summary>
    Replace,

    /// <summary>Gone from the configuration: an instance releases what it holds (priority 0 when MASTER) and stops.</summary>
    Stop,

    /// <summary>New: started as at node start.</summary>
    Start,
}

/// <summary>The kinds of child a reload plans for.</summary>
public enum ChildKind
{
    Io,
    Tracker,
    Group,
    Instance,
}

/// <summary>One child's reload action.</summary>
public sealed record ChildReload(string Child, ChildKind Kind, ReloadAction Action);

/// <summary>
/// A reload, planned by <see cref="NodeReloadPlanner"/>: the configuration and node plan that will run, every child's
/// action, the use_vmac links to create (before the instances that need them start) and to remove (after their
/// instances stopped), the static set when it changed, whether the notifier gets a new plan, and the problems (what the
/// new configuration cannot do here, and the settings a reload cannot change). Pure data.
/// </summary>
/// <param name="Config">The configuration that runs after the reload (the new one, with the settings a reload cannot
/// change taken from the running one).</param>
/// <param name="Plan">Its node plan.</param>
/// <param name="Children">Every child's action, in the order they are applied.</param>
/// <param name="CreateVmacs">use_vmac links to create.</param>
/// <param name="RemoveVmacs">use_vmac links to delete.</param>
/// <param name="Static">The new static set, or null when it did not change.</param>
/// <param name="NotifyChanged">The notify scripts, FIFOs, mail or memberships changed: the notifier gets the new plan.</param>
/// <param name="Problems">The new plan's problems, then what the reload kept from the running configuration.</param>
public sealed record NodeReloadPlan(
    KeepAliveConfig Config,
    NodePlan Plan,
    IReadOnlyList<ChildReload> Children,
    IReadOnlyList<MacvlanSpec> CreateVmacs,
    IReadOnlyList<MacvlanSpec> RemoveVmacs,
    StaticPlane? Static,
    bool NotifyChanged,
    IReadOnlyList<string> Problems)
{
    /// <summary>The children with <paramref name="action"/> (of <paramref name="kind"/>, when given), in order.</summary>
    public IReadOnlyList<string> With(ReloadAction action, ChildKind? kind = null) =>
        Children.Where(c => c.Action == action && (kind is null || c.Kind == kind)).Select(c => c.Child).ToList();

    /// <summary>True when the reload changes nothing at all.</summary>
    public bool IsEmpty => Children.All(c => c.Action == ReloadAction.Unchanged) && CreateVmacs.Count == 0 && RemoveVmacs.Count == 0
        && Static is null && !NotifyChanged;
}

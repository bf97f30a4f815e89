using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Node;

/// <summary>What the host has now (from the effector): links with index, MAC and state, and addresses.</summary>
public sealed record HostFacts(IReadOnlyList<LinkState> Links, IReadOnlyList<InterfaceAddress> Addresses)
{
    public static HostFacts Empty { get; } = new([], []);
}

/// <summary>The kinds of tracked object.</summary>
public enum TrackerKind
{
    Interface,
    Script,
    File,
    Process,
}

/// <summary>One tracker actor to create: its child name, what it tracks, and the children (instances) it reports to.</summary>
/// <param name="ChildName">Deterministic actor name.</param>
/// <param name="Kind">Interface, script, file or process.</param>
/// <param name="Name">The object's name (interface name, vrrp_script name...).</param>
/// <param name="Key">The <see cref="Tracking.TrackerNames"/> key its reports carry.</param>
/// <param name="Subscribers">Child names of the instances that track it.</param>
/// <param name="Script">The vrrp_script block, for scripts.</param>
/// <param name="File">The track_file block, for files.</param>
/// <param name="Process">The vrrp_track_process block, for processes.</param>
public sealed record TrackerPlan(
    string ChildName,
    TrackerKind Kind,
    string Name,
    string Key,
    IReadOnlyList<string> Subscribers,
    VrrpScriptConfig? Script = null,
    TrackFileConfig? File = null,
    TrackProcessConfig? Process = null);

/// <summary>One VRRP socket actor: an interface, a family, multicast or unicast.</summary>
public sealed record IoPlan(string ChildName, VrrpSocketSpec Spec);

/// <summary>One sync group actor and its members' names.</summary>
public sealed record GroupPlan(string ChildName, SyncGroupConfig Config);

/// <summary>One instance actor: its setup and the child names of its I/O actor, trackers and group.</summary>
public sealed record InstancePlan(string ChildName, VrrpInstanceConfig Config, VrrpInstanceSetup Setup, string IoChild, IReadOnlyList<string> TrackerChildren, string? GroupChild);

/// <summary>
/// Everything a node creates for one configuration, with deterministic child names derived from config keys
/// (instances by keepalived's reload key — interface, family, VRID, unicast source or group, VMAC — not by name),
/// and the problems found while planning (each also makes its instance start in FAULT). Built by
/// <see cref="NodePlanner"/>; pure data.
/// </summary>
public sealed record NodePlan(
    IReadOnlyList<IoPlan> Io,
    IReadOnlyList<TrackerPlan> Trackers,
    IReadOnlyList<GroupPlan> Groups,
    IReadOnlyList<InstancePlan> Instances,
    IReadOnlyList<string> Problems)
{
    /// <summary>The use_vmac macvlans to create before the I/O actors open their sockets.</summary>
    public IReadOnlyList<MacvlanSpec> Vmacs { get; init; } = [];
}

using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Node;

/// <summary>
/// Reload (SIGHUP): the node applies a configuration that has already been read and validated without errors. It
/// computes the keyed difference with the running one (<see cref="KeepAlive.Config.Diff.ConfigDiff"/>): unchanged
/// actors receive nothing, changed ones are reconfigured and keep their runtime state, removed ones release what they
/// hold and stop, new ones start. Answered with <see cref="ConfigApplied"/> once every change has been handed on.
/// </summary>
public sealed record ApplyConfig(KeepAliveConfig Config);

/// <summary>The answer to <see cref="ApplyConfig"/>: what the reload changed, by child name.</summary>
/// <param name="Started">Children created.</param>
/// <param name="Reconfigured">Children that received a new configuration and kept their state.</param>
/// <param name="Stopped">Children that released what they held and stopped.</param>
/// <param name="Unchanged">Children that received nothing.</param>
/// <param name="Problems">What the new configuration could not do on this host (e.g. a missing interface).</param>
public sealed record ConfigApplied(
    IReadOnlyList<string> Started,
    IReadOnlyList<string> Reconfigured,
    IReadOnlyList<string> Stopped,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Problems);

using Akka.Actor;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Node;

/// <summary>The host services the script, file and process trackers use; a missing one means that kind of object
/// cannot be tracked on this host (the node reports it and the instances that track it ignore it).</summary>
/// <param name="Scripts">Runs vrrp_script checks.</param>
/// <param name="Users">Resolves the users scripts run as (needed with <paramref name="Scripts"/>).</param>
/// <param name="Files">Watches track_files.</param>
/// <param name="Processes">Watches the process table for vrrp_track_process.</param>
public sealed record TrackerPorts(IScriptRunner? Scripts = null, IScriptUsers? Users = null, ITrackedFileWatch? Files = null, IProcessWatch? Processes = null);

/// <summary>
/// The <see cref="NodeSetup.TrackerProps"/> of a node: the Props of a <see cref="ScriptTrackerActor"/>,
/// <see cref="FileTrackerActor"/> or <see cref="ProcessTrackerActor"/> for a planned tracker. A vrrp_script keepalived
/// would drop (its command does not split, its user does not exist) gets no actor and its reason goes to
/// <c>problem</c>; so does a kind whose port is missing.
/// </summary>
public static class TrackerPropsFactory
{
    /// <param name="globals">The configuration's global_defs (script_user, enable_script_security).</param>
    /// <param name="ports">The host services.</param>
    /// <param name="reload">A reload: init_file never overwrites an existing file.</param>
    /// <param name="problem">Told why a tracker cannot be created; may be null.</param>
    public static Func<TrackerPlan, IActorRef, TrackerSubscribers, Props?> For(GlobalDefs globals, TrackerPorts ports, bool reload = false, Action<string>? problem = null)
    {
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(ports);
        return (plan, _, subscribers) =>
        {
            var props = Create(plan, subscribers, globals, ports, reload, out var why);
            if (props is null && why is not null)
                problem?.Invoke(why);
            return props;
        };
    }

    private static Props? Create(TrackerPlan plan, TrackerSubscribers subscribers, GlobalDefs globals, TrackerPorts ports, bool reload, out string? why)
    {
        why = null;
        switch (plan.Kind)
        {
            case TrackerKind.Script when plan.Script is { } script:
                if (ports.Scripts is null || ports.Users is null)
                    break;
                var settings = ScriptTrackerSettings.From(script, globals, ports.Users, out why);
                return settings is null ? null : ScriptTrackerActor.Props(settings, ports.Scripts, subscribers);
            case TrackerKind.File when plan.File is { } file:
                if (ports.Files is null)
                    break;
                var watch = FileTrackerSettings.From(file, reload);
                if (watch is null)
                    why = $"track_file {file.Name}: no file set - ignoring";
                return watch is null ? null : FileTrackerActor.Props(watch, ports.Files, subscribers);
            case TrackerKind.Process when plan.Process is { } process:
                if (ports.Processes is null)
                    break;
                return ProcessTrackerActor.Props(process, ports.Processes, subscribers);
            default:
                why = $"{plan.Kind} tracker {plan.Name}: no configuration to build it from";
                return null;
        }
        why = $"{plan.Kind.ToString().ToLowerInvariant()} tracking is not available on this host ({plan.Name})";
        return null;
    }
}

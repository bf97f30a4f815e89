using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace KeepAlive.Actors.Vrrp;

/// <summary>The instance's report and keepalived's log lines: what it has observed (<see cref="InstanceObservations"/>)
/// and the explanation of its state (<see cref="ElectionExplanation"/>); no protocol decision is made here.</summary>
public sealed partial class VrrpInstanceActor
{
    private readonly InstanceObservations _observations;

    /// <summary>Wall-clock time for the report, from the actor system's scheduler.</summary>
    private DateTimeOffset Wall => Context.System.Scheduler.Now.ToUniversalTime();

    private void ReceiveReportQueries()
    {
        Receive<GetInstanceReport>(_ => Sender.Tell(BuildReport()));
        Receive<ClearInstanceStats>(_ => _observations.Clear());
    }

    /// <summary>keepalived's exact "(VI_1) Entering MASTER STATE" line, once per real change.</summary>
    private void LogKeepalivedLine(VrrpEffect.Transition t)
    {
        var line = KeepalivedLogText.Entering(_setup.Name, t.From, t.To);
        if (line is not null)
            _log.Info("{Line}", line);
    }

    private InstanceReport BuildReport()
    {
        var s = _setup.Settings;
        var trackers = _trackers
            .Select(t => Contribution(t.Key, t.Value))
            .OrderBy(t => t.Kind, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToImmutableArray();
        var peers = _observations.Peers;
        long down = VrrpTimers.MasterDownMicros(s.Version, _state.EffectivePriority, _state.MasterAdverIntervalMicros, s.DownTimerAdverts);
        var facts = new ExplanationFacts(_state.State, _state.EffectivePriority, _setup.Source, _observations.MasterAddress, _state.MasterPriority,
            peers, _observations.LastTransition, s.Preempt, s.PreemptDelayMicros, down, s.InSyncGroup, _setup.ConfigFault,
            trackers.Where(t => t.Faulting).Select(t => $"{t.Kind} {t.Name}").ToList());
        return new InstanceReport
        {
            Name = _setup.Name,
            Vrid = s.Vrid,
            Family = _setup.Source.AddressFamily,
            Interface = _setup.Interface,
            Source = _setup.Source,
            Version = s.Version,
            State = _state.State,
            Priority = s.Priority,
            EffectivePriority = _state.EffectivePriority,
            Trackers = trackers,
            MasterAddress = _observations.MasterAddress,
            MasterPriority = _state.MasterPriority,
            MasterAdverIntervalMicros = _state.MasterAdverIntervalMicros,
            AdvertIntervalMicros = s.AdvertIntervalMicros,
            LastTransition = _observations.LastTransition,
            Peers = peers,
            Explanation = ElectionExplanation.Explain(facts),
            Stats = _observations.Stats,
            Totals = _observations.Totals,
            Transitions = _transitions,
            AdvertsPaced = _observations.Paced,
            Faulted = _state.Faulted,
            ConfigFault = _setup.ConfigFault,
            InSyncGroup = s.InSyncGroup,
            Preempt = s.Preempt,
        };
    }

    /// <summary>A tracker key is "kind name" (<see cref="Tracking.TrackerNames"/>).</summary>
    private static TrackerContribution Contribution(string key, Tracking.TrackerEffect effect)
    {
        int space = key.IndexOf(' ');
        return space > 0
            ? new TrackerContribution(key[(space + 1)..], key[..space], effect.Contribution, effect.Faulting)
            : new TrackerContribution(key, "tracker", effect.Contribution, effect.Faulting);
    }
}

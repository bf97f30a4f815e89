using System.Globalization;
using System.Net;

namespace KeepAlive.Actors.Vrrp;

/// <summary>What the explanation of an instance's state is made from.</summary>
/// <param name="State">Its state.</param>
/// <param name="EffectivePriority">Its effective priority.</param>
/// <param name="OwnAddress">Its primary address (the tie-break).</param>
/// <param name="MasterAddress">The master it accepted (BACKUP), if known.</param>
/// <param name="MasterPriority">That master's priority, or -1.</param>
/// <param name="Peers">The last advert of each router heard.</param>
/// <param name="LastTransition">The last transition, if any.</param>
/// <param name="Preempt">False with nopreempt.</param>
/// <param name="PreemptDelayMicros">preempt_delay (0: none).</param>
/// <param name="MasterDownMicros">The master-down interval at its current priority.</param>
/// <param name="InSyncGroup">A sync group member.</param>
/// <param name="ConfigFault">Why it cannot run, if so.</param>
/// <param name="FaultingTrackers">The tracked objects holding it in FAULT.</param>
public sealed record ExplanationFacts(
    VrrpState State,
    int EffectivePriority,
    IPAddress OwnAddress,
    IPAddress? MasterAddress,
    int MasterPriority,
    IReadOnlyList<PeerAdvert> Peers,
    TransitionRecord? LastTransition,
    bool Preempt,
    long PreemptDelayMicros,
    long MasterDownMicros,
    bool InSyncGroup,
    string? ConfigFault,
    IReadOnlyList<string> FaultingTrackers);

/// <summary>
/// Why an instance is MASTER, BACKUP or FAULT, in one sentence for the status endpoint ("higher priority 150 than
/// 10.0.0.2's 100", "equal priority, higher primary address", "preempt disabled", "no advert for 3.6 s (master
/// down)"). Pure: the facts come from the instance's report.
/// </summary>
public static class ElectionExplanation
{
    public static string Explain(ExplanationFacts f) => f.State switch
    {
        VrrpState.Master => Master(f),
        VrrpState.Backup => Backup(f),
        VrrpState.Fault => Fault(f),
        VrrpState.Initialize => "initialising: waiting for the first result of its tracked scripts",
        _ => "stopped",
    };

    private static string Master(ExplanationFacts f)
    {
        var rival = f.Peers.Where(p => !p.Address.Equals(f.OwnAddress) && p.Priority > 0)
            .OrderByDescending(p => p.Priority).ThenByDescending(p => p.AtMonotonicMicros).FirstOrDefault();
        string why = f.LastTransition?.To == VrrpState.Master ? f.LastTransition.Reason switch
        {
            VrrpReason.OwnerStartup => "address owner (priority 255)",
            VrrpReason.MasterDown => $"no advert for {Seconds(f.MasterDownMicros)} s (master down)",
            VrrpReason.SyncGroup => "its sync group made it MASTER",
            _ => "MASTER",
        } : "MASTER";
        if (rival is null)
            return why;
        if (f.EffectivePriority > rival.Priority)
            return $"higher priority {f.EffectivePriority} than {rival.Address}'s {rival.Priority}";
        if (f.EffectivePriority == rival.Priority)
            return $"equal priority {f.EffectivePriority}, higher primary address than {rival.Address}";
        return $"{why}; {rival.Address} advertises a higher priority {rival.Priority} than {f.EffectivePriority} (stepping down at its next advert)";
    }

    private static string Backup(ExplanationFacts f)
    {
        if (f.MasterAddress is null || f.MasterPriority < 0)
        {
            return f.InSyncGroup
                ? $"no master heard: asks its sync group to become MASTER when the master-down timer ({Seconds(f.MasterDownMicros)} s) fires"
                : $"no master heard: becomes MASTER if no advert arrives for {Seconds(f.MasterDownMicros)} s (master down)";
        }
        string master = f.MasterAddress.ToString();
        if (f.MasterPriority > f.EffectivePriority)
            return $"lower priority {f.EffectivePriority} than {master}'s {f.MasterPriority}";
        if (f.MasterPriority == f.EffectivePriority)
        {
            return Compare(f.OwnAddress, f.MasterAddress) < 0
                ? $"equal priority {f.EffectivePriority}, lower primary address than {master}"
                : $"equal priority {f.EffectivePriority} with {master}: preemption needs a higher priority";
        }
        if (!f.Preempt)
            return $"preempt disabled: {master} (priority {f.MasterPriority}) stays MASTER although ours is {f.EffectivePriority}";
        if (f.PreemptDelayMicros > 0)
            return $"preempt_delay: takes over from {master} (priority {f.MasterPriority}) once {Seconds(f.PreemptDelayMicros)} s have passed";
        return $"higher priority {f.EffectivePriority} than {master}'s {f.MasterPriority}: takes over when the master-down timer fires";
    }

    private static string Fault(ExplanationFacts f)
    {
        if (f.ConfigFault is not null)
            return "configuration fault: " + f.ConfigFault;
        if (f.FaultingTrackers.Count > 0)
            return "fault: " + string.Join(", ", f.FaultingTrackers) + (f.FaultingTrackers.Count == 1 ? " is" : " are") + " failing";
        return f.InSyncGroup ? "fault: another member of its sync group is in FAULT" : "fault";
    }

    /// <summary>Network-order comparison of two addresses (the RFC tie-break).</summary>
    private static int Compare(IPAddress a, IPAddress b) => a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes());

    private static string Seconds(long micros) => (micros / 1e6).ToString("0.0##", CultureInfo.InvariantCulture);
}

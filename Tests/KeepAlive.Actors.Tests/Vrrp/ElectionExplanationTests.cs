using System.Net;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>Why an instance is in its state, in one sentence, from the facts of its report.</summary>
public class ElectionExplanationTests
{
    private static readonly IPAddress Us = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress Them = IPAddress.Parse("10.0.0.2");
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static PeerAdvert Peer(IPAddress a, int priority) => new(a, priority, 100, VrrpChecksumFlavour.PseudoHeader, 255, At, 1);

    private static ExplanationFacts Facts(VrrpState state, int priority = 100, IPAddress? master = null, int masterPriority = -1,
        PeerAdvert[]? peers = null, VrrpReason? reason = null, bool preempt = true, long preemptDelay = 0, bool group = false,
        string? configFault = null, string[]? faulting = null, IPAddress? own = null) =>
        new(state, priority, own ?? Us, master, masterPriority, peers ?? [],
            reason is null ? null : new TransitionRecord(VrrpState.Backup, state, reason.Value, At, 0),
            preempt, preemptDelay, 3_609_375, group, configFault, faulting ?? []);

    public static TheoryData<string, ExplanationFacts, string> Cases => new()
    {
        { "master over a lower peer", Facts(VrrpState.Master, 150, peers: [Peer(Them, 100)], reason: VrrpReason.MasterDown), "higher priority 150 than 10.0.0.2's 100" },
        { "master on an equal tie", Facts(VrrpState.Master, 100, peers: [Peer(Them, 100)]), "equal priority 100, higher primary address than 10.0.0.2" },
        { "master after silence", Facts(VrrpState.Master, reason: VrrpReason.MasterDown), "no advert for 3.609 s (master down)" },
        { "owner", Facts(VrrpState.Master, 255, reason: VrrpReason.OwnerStartup), "address owner (priority 255)" },
        { "its own looped advert is no rival", Facts(VrrpState.Master, reason: VrrpReason.MasterDown, peers: [Peer(Us, 100)]), "no advert for 3.609 s (master down)" },
        { "a leaving peer is no rival", Facts(VrrpState.Master, reason: VrrpReason.SyncGroup, peers: [Peer(Them, 0)]), "its sync group made it MASTER" },
        { "backup under a higher master", Facts(VrrpState.Backup, 100, Them, 150), "lower priority 100 than 10.0.0.2's 150" },
        { "backup on an equal tie", Facts(VrrpState.Backup, 100, Them, 100), "equal priority 100, lower primary address than 10.0.0.2" },
        { "equal but our address is higher", Facts(VrrpState.Backup, 100, Them, 100, own: IPAddress.Parse("10.0.0.9")), "equal priority 100 with 10.0.0.2: preemption needs a higher priority" },
        { "nopreempt", Facts(VrrpState.Backup, 150, Them, 100, preempt: false), "preempt disabled: 10.0.0.2 (priority 100) stays MASTER although ours is 150" },
        { "preempt_delay", Facts(VrrpState.Backup, 150, Them, 100, preemptDelay: 30_000_000), "preempt_delay: takes over from 10.0.0.2 (priority 100) once 30.0 s have passed" },
        { "about to preempt", Facts(VrrpState.Backup, 150, Them, 100), "higher priority 150 than 10.0.0.2's 100: takes over when the master-down timer fires" },
        { "nobody heard", Facts(VrrpState.Backup), "no master heard: becomes MASTER if no advert arrives for 3.609 s (master down)" },
        { "nobody heard in a group", Facts(VrrpState.Backup, group: true), "no master heard: asks its sync group to become MASTER when the master-down timer (3.609 s) fires" },
        { "config fault", Facts(VrrpState.Fault, configFault: "interface eth9 does not exist"), "configuration fault: interface eth9 does not exist" },
        { "one tracker", Facts(VrrpState.Fault, faulting: ["interface eth1"]), "fault: interface eth1 is failing" },
        { "two trackers", Facts(VrrpState.Fault, faulting: ["interface eth1", "script chk"]), "fault: interface eth1, script chk are failing" },
        { "group fault", Facts(VrrpState.Fault, group: true), "fault: another member of its sync group is in FAULT" },
        { "init", Facts(VrrpState.Initialize), "initialising: waiting for the first result of its tracked scripts" },
        { "stopped", Facts(VrrpState.Stopped), "stopped" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explains(string what, ExplanationFacts facts, string expected) => Assert.True(expected == ElectionExplanation.Explain(facts), $"{what}: {ElectionExplanation.Explain(facts)}");
}

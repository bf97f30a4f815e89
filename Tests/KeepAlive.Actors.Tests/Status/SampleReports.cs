using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Status;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Tests.Status;

/// <summary>A report with every part filled in, and hostile names where names go.</summary>
public static class SampleReports
{
    public static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 25, 13, 40, 35, TimeSpan.Zero).AddTicks(2_954_210);

    public static InstanceReport Instance(string name = "VI_1", VrrpState state = VrrpState.Backup) => new()
    {
        Name = name,
        Vrid = 51,
        Family = AddressFamily.InterNetwork,
        Interface = "eth0",
        Source = IPAddress.Parse("10.0.0.1"),
        Version = 3,
        State = state,
        Priority = 100,
        EffectivePriority = 80,
        Trackers = [new TrackerContribution("chk \"x\"", "script", -20, false)],
        MasterAddress = IPAddress.Parse("10.0.0.2"),
        MasterPriority = 150,
        MasterAdverIntervalMicros = 1_000_000,
        AdvertIntervalMicros = 1_000_000,
        LastTransition = new TransitionRecord(VrrpState.Initialize, VrrpState.Backup, VrrpReason.Startup, At, 42),
        Peers = [new PeerAdvert(IPAddress.Parse("10.0.0.2"), 150, 100, VrrpChecksumFlavour.PseudoHeader, 255, At, 43)],
        Explanation = "lower priority 80 than 10.0.0.2's 150",
        Stats = VrrpInstanceStats.Zero with { AdvertRcvd = 5, IpTtlErr = 2 },
        Totals = VrrpInstanceStats.Zero with { AdvertRcvd = 9, AdvertSent = 3, BecomeMaster = 1, ReleaseMaster = 1, PriZeroRcvd = 1, PriZeroSent = 1 },
        Transitions = 3,
        Discards = ImmutableSortedDictionary<VrrpDiscard, long>.Empty.Add(VrrpDiscard.BadTtl, 2),
    };

    public static NodeStatusReport Full(string name = "VI_1")
    {
        var lateness = new LatencyHistogram();
        lateness.ObserveTicks(System.Diagnostics.Stopwatch.Frequency / 2000);
        var op = new LatencyHistogram();
        op.ObserveTicks(System.Diagnostics.Stopwatch.Frequency / 10_000);
        return new NodeStatusReport
        {
            At = At,
            Instances = [Instance(name)],
            Io = [new IoReport("io-eth0-v4-multicast", "eth0", AddressFamily.InterNetwork, true, 10, 4, 0,
                ImmutableSortedDictionary<VrrpDiscard, long>.Empty.Add(VrrpDiscard.UnknownVrid, 3)) { Absorbed = 6 }],
            SyncGroups = [new SyncGroupReport("VG_1", VrrpState.Backup, [name])],
            Effector = new EffectorReport(6, 1, ImmutableSortedDictionary<string, int>.Empty.Add(name, 1),
                ImmutableSortedDictionary<string, HistogramSnapshot>.Empty.Add("add_address", op.Snapshot())),
            VirtualServers = [new VirtualServerReport("vs-10.0.0.10-80-tcp", IPAddress.Parse("10.0.0.10"), 80, "tcp",
                [
                    new RealServerReport(IPAddress.Parse("10.0.0.21"), 8080, true, 3)
                    {
                        Checkers = [new CheckerReport("TCP_CHECK on [10.0.0.21]:8080", true, false, "connection refused", 41, 2, op.Snapshot())],
                    },
                    new RealServerReport(IPAddress.Parse("10.0.0.99"), 80, true, 0) { InPool = false, IsSorry = true },
                ])
            {
                Display = "[10.0.0.10]:tcp:80", QuorumUp = true, FailedOps = 1,
            }],
            TimerLateness = lateness.Snapshot(),
            Missing = ["track-script-slow"],
        };
    }
}

using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Status;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>A report with every part filled in (every metric family has samples).</summary>
public static class Reports
{
    public static NodeStatusReport Full(string name = "VI_1")
    {
        var at = new DateTimeOffset(2026, 11, 25, 13, 40, 35, TimeSpan.Zero);
        var h = new LatencyHistogram();
        h.ObserveTicks(System.Diagnostics.Stopwatch.Frequency / 2000);
        var instance = new InstanceReport
        {
            Name = name, Vrid = 51, Family = AddressFamily.InterNetwork, Interface = "eth0", Source = IPAddress.Parse("10.0.0.1"), Version = 2,
            State = VrrpState.Master, Priority = 150, EffectivePriority = 150, MasterAddress = IPAddress.Parse("10.0.0.1"),
            AdvertIntervalMicros = 1_000_000, MasterAdverIntervalMicros = 1_000_000,
            Trackers = [new TrackerContribution("chk", "script", 0, false)],
            LastTransition = new TransitionRecord(VrrpState.Backup, VrrpState.Master, VrrpReason.MasterDown, at, 1),
            Peers = [new PeerAdvert(IPAddress.Parse("10.0.0.2"), 100, 100, VrrpChecksumFlavour.MessageOnly, 255, at, 2)],
            Explanation = "higher priority 150 than 10.0.0.2's 100",
            Totals = VrrpInstanceStats.Zero with { AdvertSent = 5, BecomeMaster = 1 },
            Transitions = 2,
            Discards = ImmutableSortedDictionary<VrrpDiscard, long>.Empty.Add(VrrpDiscard.BadTtl, 1),
        };
        return new NodeStatusReport
        {
            At = at,
            Instances = [instance],
            Io = [new IoReport("io-eth0-v4-multicast", "eth0", AddressFamily.InterNetwork, true, 3, 5, 0,
                ImmutableSortedDictionary<VrrpDiscard, long>.Empty.Add(VrrpDiscard.UnknownVrid, 2))],
            SyncGroups = [new SyncGroupReport("VG_1", VrrpState.Master, [name])],
            Effector = new EffectorReport(2, 0, ImmutableSortedDictionary<string, int>.Empty.Add(name, 1),
                ImmutableSortedDictionary<string, HistogramSnapshot>.Empty.Add("add_address", h.Snapshot())),
            VirtualServers = [new VirtualServerReport("vs", IPAddress.Parse("10.0.0.10"), 80, "tcp",
                [new RealServerReport(IPAddress.Parse("10.0.0.21"), 80, true, 1) { Checkers = [new CheckerReport("TCP_CHECK on [10.0.0.21]:80", true, true, "connected", 3, 0, h.Snapshot())] }])],
            TimerLateness = h.Snapshot(),
        };
    }
}

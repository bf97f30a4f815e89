using System.Net;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using Xunit.Abstractions;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>
/// Reload (ApplyConfig) of running nodes on the in-memory LAN in virtual time: nothing unchanged is touched (no kernel
/// op, no transition, no advert gap), a changed MASTER gets exactly its difference, a removed MASTER hands over with
/// priority 0, new instances start, renamed ones keep their state.
/// </summary>
[Collection(ManualClockCollection.Name)]
public sealed class NodeReloadSpecs : TestKit
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private readonly ITestOutputHelper _output;
    private VirtualLab? _lab;

    public NodeReloadSpecs(ITestOutputHelper output)
        : base(ManualClockCollection.Install(Clock), output: output) => _output = output;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    /// <summary>The step of <see cref="VirtualLab.RecordAdverts"/>, in seconds.</summary>
    private const double Step = 0.05;

    private static string Config(int priority, string vi1Vips = "10.0.0.100/32", string extra = "") => Conf(
        Instance("VI_1", 51, priority, vi1Vips),
        Instance("VI_2", 52, priority, "10.0.0.101/32"),
        Instance("VI_3", 53, priority, "10.0.0.102/32"),
        "vrrp_sync_group G {\n group {\n VI_2\n VI_3\n }\n}",
        extra);

    private (LabNode A, LabNode B) TwoNodes(Func<int, string> config)
    {
        var a = Lab.Start("a", 1, config(150));
        var b = Lab.Start("b", 2, config(100));
        Lab.Run(4.5);
        Lab.ConvergeWithin(2);
        Assert.All(Lab.Instances(a), s => Assert.Equal(VrrpState.Master, s.State));
        Lab.Run(5.5);                                          // past garp_master_delay's second burst: the kernel is quiet
        return (a, b);
    }

    /// <summary>The largest gap between two adverts of each master instance (source, VRID) over the recording.</summary>
    private static double MaxGap(IReadOnlyDictionary<(IPAddress Source, byte Vrid), List<double>> adverts, IPAddress source, byte vrid)
    {
        var times = adverts[(source, vrid)];
        return times.Zip(times.Skip(1), (x, y) => y - x).DefaultIfEmpty(double.MaxValue).Max();
    }

    private Akka.TestKit.TestProbe Transitions()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(InstanceStateChanged));
        return probe;
    }

    [Fact]
    public void Reloading_an_identical_config_touches_nothing_and_keeps_the_advert_cadence()
    {
        var (a, b) = TwoNodes(p => Config(p));
        var transitions = Transitions();
        int opsA = a.Kernel.Log.Count, opsB = b.Kernel.Log.Count;
        var appliedA = new List<ConfigApplied>();
        var adverts = Lab.RecordAdverts(5, t =>
        {
            if (Math.Abs(t - 2) < Step / 2)
            {
                appliedA.Add(Lab.Reload(a, Config(150)));
                Assert.Empty(Lab.Reload(b, Config(100)).Reconfigured);
            }
        });
        var applied = Assert.Single(appliedA);
        Assert.Empty(applied.Started);
        Assert.Empty(applied.Stopped);
        Assert.Empty(applied.Reconfigured);
        Assert.Empty(applied.Problems);
        Assert.Contains("vrrp-eth0-v4-51", applied.Unchanged);
        Assert.Contains("sync-G", applied.Unchanged);
        Assert.Contains("track-interface-eth0", applied.Unchanged);
        _output.WriteLine(string.Join("\n", a.Kernel.Log.Skip(opsA)));
        Assert.Equal(opsA, a.Kernel.Log.Count);
        Assert.Equal(opsB, b.Kernel.Log.Count);
        Assert.False(transitions.HasMessages);
        foreach (byte vrid in new byte[] { 51, 52, 53 })
        {
            double gap = MaxGap(adverts, a.Address, vrid);
            _output.WriteLine($"VRID {vrid}: max advert gap {gap:0.00} s across the reload");
            Assert.InRange(gap, 1 - Step - 1e-9, 1 + Step + 1e-9);
        }
        Assert.DoesNotContain(adverts.Keys, k => k.Source.Equals(b.Address));      // b stayed BACKUP, silent
    }
}

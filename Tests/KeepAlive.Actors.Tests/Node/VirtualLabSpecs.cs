using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Tests.Timing;
using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Node.VirtualLab;

namespace KeepAlive.Actors.Tests.Node;

/// <summary>The virtual lab itself: what a spec may read once <see cref="VirtualLab.Run"/> returns.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class VirtualLabSpecs() : TestKit(ManualClockCollection.Install(Clock))
{
    private static readonly ManualDeadlineWaiter Clock = new();
    private VirtualLab? _lab;

    private VirtualLab Lab => _lab ??= new VirtualLab(Sys, Clock);

    /// <summary>A real kernel answers in microseconds, within any step; the effector may still run late on a loaded host.
    /// With every kernel operation taking 100 ms, the VIP and its five gratuitous ARPs take 600 ms of real time, far
    /// more than the seven steps after the takeover take here (they failed without the wait, 3 runs in 3); they are
    /// all there when the run returns, because each step waits for the effectors.</summary>
    [Fact]
    public void A_run_returns_with_the_effectors_done_even_on_a_slow_kernel()
    {
        Lab.Customise = s => s with { Kernel = new SlowKernelPort(s.Kernel, TimeSpan.FromMilliseconds(100)) };
        var a = Lab.Start("a", 1, Conf(Instance("VI_1", 51, 100, "10.0.0.100/32")));
        Lab.Run(4);                                                          // MASTER at 3 × 1 s + 0.61 s
        var vips = Vips(a).Select(v => v.ToString()).ToList();             // read first: asking the node takes time
        int arps = a.Kernel.Frames.Count(f => f.Frame.AsSpan(28, 4).SequenceEqual(new byte[] { 10, 0, 0, 100 }));
        Assert.Equal(["10.0.0.100/32 dev eth0"], vips);
        Assert.Equal(5, arps);
        Assert.Equal(VrrpState.Master, Lab.Instance(a, "VI_1").State);
    }
}

using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>keepalived_netlink.c set_vrrp_backup: a MASTER whose VIP someone deleted leaves with priority 0, releases
/// everything, and waits Skew_Time only before taking over again.</summary>
public sealed class VrrpAddressLostTests
{
    private static VrrpMachineHarness Master(VrrpSettings settings)
    {
        var m = new VrrpMachineHarness(settings);
        m.Start();
        m.Fire(VrrpTimer.MasterDown);
        Assert.Equal(VrrpState.Master, m.State.State);
        return m;
    }

    [Theory]
    [InlineData(3, 150, 414_062)]   // (256 − 150) × 100 cs × 625 / 16
    [InlineData(2, 100, 609_375)]   // (256 − 100) × 10⁶ / 256
    public void A_master_that_lost_an_address_leaves_like_keepalived_and_returns_after_skew_time(int version, int priority, long skew)
    {
        var m = Master(version == 3 ? V3(priority) : V2(priority));
        m.Now += 2_000_000;
        var fx = m.Step(new VrrpInput.AddressLost(m.Now));

        Assert.Equal(VrrpState.Backup, m.State.State);
        var order = fx.Where(e => e is VrrpEffect.SendAdvert or VrrpEffect.ReleaseAddresses or VrrpEffect.Transition).ToList();
        Assert.Equal<VrrpEffect>(
            [new VrrpEffect.SendAdvert(0), new VrrpEffect.ReleaseAddresses(), new VrrpEffect.Transition(VrrpState.Master, VrrpState.Backup, VrrpReason.AddressDeleted)],
            order);
        Assert.Contains(new VrrpEffect.CancelTimer(VrrpTimer.Advert), fx);
        Assert.Equal(skew, m.TimerDelay(VrrpTimer.MasterDown));
        Assert.Equal(m.Now + skew, m.State.MasterDownDeadline);

        // Nobody else answers: MASTER again, addresses back.
        m.Fire(VrrpTimer.MasterDown);
        Assert.Equal(VrrpState.Master, m.State.State);
        Assert.Single(m.Effects.OfType<VrrpEffect.AcquireAddresses>());
    }

    [Fact]
    public void A_sync_group_sibling_leaves_the_same_way_for_the_group()
    {
        var m = Master(V3());
        m.Step(new VrrpInput.AddressLost(m.Now, Sibling: true));
        Assert.Equal(new VrrpEffect.Transition(VrrpState.Master, VrrpState.Backup, VrrpReason.SyncGroup), m.Single<VrrpEffect.Transition>());
        Assert.Equal(609_375, m.TimerDelay(VrrpTimer.MasterDown));
    }

    [Theory]
    [InlineData(VrrpState.Backup)]
    [InlineData(VrrpState.Fault)]
    [InlineData(VrrpState.Stopped)]
    public void Only_a_master_cares(VrrpState state)
    {
        var m = new VrrpMachineHarness(V3());
        m.Start(faulted: state == VrrpState.Fault);
        if (state == VrrpState.Stopped)
            m.Step(new VrrpInput.Shutdown(m.Now));
        Assert.Equal(state, m.State.State);
        var before = m.State;
        Assert.Empty(m.Step(new VrrpInput.AddressLost(m.Now)));
        Assert.Equal(before, m.State);
    }
}

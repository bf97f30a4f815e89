using KeepAlive.Actors.Vrrp;
using static KeepAlive.Actors.Tests.Vrrp.VrrpMachineHarness;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>Random input sequences keep the machine's invariants: timers belong to their state (so one per key),
/// MASTER holds exactly when its addresses are requested, announcements only with the addresses in place, only the
/// owner at 255, adverts only from a MASTER (or the priority-0 farewell).</summary>
public class VrrpMachinePropertyTests
{
    [Theory]
    [InlineData(2, 100, false)]
    [InlineData(3, 100, false)]
    [InlineData(3, 255, false)]
    [InlineData(2, 150, true)]
    [InlineData(3, 254, true)]
    public void Random_sequences_keep_the_invariants(int version, int priority, bool syncGroup)
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var settings = (version == 2 ? V2(priority) : V3(priority)) with
            {
                InSyncGroup = syncGroup,
                Preempt = random.Next(2) == 0,
                PreemptDelayMicros = random.Next(3) == 0 ? 5_000_000 : 0,
                GarpRefreshMicros = random.Next(2) == 0 ? 10_000_000 : 0,
                Profile = (VrrpProfile)random.Next(3),
            };
            var m = new VrrpMachineHarness(settings);
            bool acquired = false;
            m.Start(faulted: random.Next(5) == 0);
            Check(m, ref acquired, seed);
            for (int i = 0; i < 300; i++)
            {
                m.Now += random.Next(0, 2_000_000);
                VrrpInput input = random.Next(10) switch
                {
                    0 or 1 or 2 => new VrrpInput.AdvertReceived(m.Now, random.Next(5) == 0 ? 0 : random.Next(1, 256), random.Next(1, 400),
                        random.Next(3) switch { 0 => Lower, 1 => Higher, _ => Ours }),
                    3 or 4 or 5 => Fire(m, random),
                    6 => new VrrpInput.PriorityChanged(m.Now, random.Next(-50, 300)),
                    7 => new VrrpInput.FaultChanged(m.Now, random.Next(2) == 0),
                    8 => new VrrpInput.ForceState(m.Now, (VrrpState)random.Next(5)),
                    _ => random.Next(40) switch { 0 => new VrrpInput.Shutdown(m.Now), 1 => new VrrpInput.Resign(m.Now), _ => Fire(m, random) },
                };
                m.Step(input);
                Check(m, ref acquired, seed);
            }
        }
    }

    private static VrrpInput Fire(VrrpMachineHarness m, Random random)
    {
        var timer = (VrrpTimer)random.Next(4);
        long generation = random.Next(4) == 0 ? random.Next(1, 50) : m.State.Timers[timer];
        return new VrrpInput.TimerFired(m.Now, timer, generation);
    }

    private static void Check(VrrpMachineHarness m, ref bool acquired, int seed)
    {
        var s = m.State;
        foreach (var e in m.Effects)
        {
            switch (e)
            {
                case VrrpEffect.AcquireAddresses:
                    Assert.False(acquired, $"seed {seed}: acquired twice");
                    acquired = true;
                    break;
                case VrrpEffect.ReleaseAddresses:
                    Assert.True(acquired, $"seed {seed}: released without holding");
                    acquired = false;
                    break;
                case VrrpEffect.Announce:
                    Assert.True(acquired, $"seed {seed}: announced without the addresses");
                    break;
                case VrrpEffect.SendAdvert send when send.Priority != 0:
                    Assert.True(s.State == VrrpState.Master || m.Effects.Any(x => x is VrrpEffect.Transition { From: VrrpState.Master }), $"seed {seed}: advert from {s.State}");
                    break;
            }
        }
        Assert.Equal(s.State == VrrpState.Master, acquired);
        Assert.True(s.Timers.Advert == 0 || s.State == VrrpState.Master, $"seed {seed}: advert timer in {s.State}");
        Assert.True(s.Timers.GarpDelay == 0 || s.State == VrrpState.Master, $"seed {seed}: garp timer in {s.State}");
        Assert.True(s.Timers.GarpRefresh == 0 || s.State == VrrpState.Master, $"seed {seed}: refresh timer in {s.State}");
        Assert.True(s.Timers.MasterDown == 0 || s.State == VrrpState.Backup, $"seed {seed}: down timer in {s.State}");
        Assert.True(s.State != VrrpState.Backup || s.Timers.MasterDown != 0 || s.Resigned, $"seed {seed}: a backup without its down timer");
        Assert.True(s.State != VrrpState.Master || s.Timers.Advert != 0 || s.Resigned, $"seed {seed}: a master without its advert timer");
        Assert.True(!s.Resigned || s.Timers == default, $"seed {seed}: a timer running after resigning");
        Assert.True(!s.Resigned || s.State == VrrpState.Stopped || m.Effects.All(e => e is VrrpEffect.SendAdvert { Priority: 0 } or VrrpEffect.CancelTimer),
            $"seed {seed}: a resigned instance did more than send priority 0 and stop its timers");
        Assert.True(s.EffectivePriority < 255 || m.Settings.Priority == 255, $"seed {seed}: 255 without being the owner");
        Assert.InRange(s.EffectivePriority, 1, 255);
        var started = m.Effects.OfType<VrrpEffect.StartTimer>().GroupBy(t => t.Timer);
        Assert.All(started, g => Assert.Single(g));
    }
}

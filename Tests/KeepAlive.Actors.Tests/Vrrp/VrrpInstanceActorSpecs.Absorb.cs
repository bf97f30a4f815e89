using System.Net;
using Akka.Actor;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>The receive thread absorbs a backup's steady adverts (<see cref="AdvertInbox"/>): the instance must count
/// every one, time its takeover from the last, and still see every change.</summary>
public sealed partial class VrrpInstanceActorSpecs
{
    private IoStatus Io(Node n) => n.Io.Ask<IoStatus>(GetIoStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    /// <summary>Lets <paramref name="seconds"/> adverts of the master reach <paramref name="backup"/>'s socket.</summary>
    private void Adverts(Node backup, int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            long before = Received(backup);
            Clock.Advance(TimeSpan.FromSeconds(1));
            AwaitAssert(() => Assert.True(Received(backup) > before));
        }
    }

    [Fact]
    public void A_backup_absorbs_its_masters_repeated_adverts_counts_every_one_and_times_its_takeover_from_the_last()
    {
        var (_, b) = ElectAOverB();
        Adverts(b, 10);

        var io = Io(b);
        Assert.True(io.Absorbed >= 8, $"absorbed {io.Absorbed} of {io.Received}");
        var report = Report(b);                                        // the query takes what was absorbed first
        Assert.Equal(io.Received, report.Stats.AdvertRcvd);
        Assert.Equal(VrrpState.Backup, report.State);
        var heard = Assert.Single(report.Peers);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), heard.Address);
        Assert.Equal(150, heard.Priority);

        // The master falls silent right after its last advert: b waits its full 3.609 s from that advert's arrival,
        // which only the inbox knew of.
        _network.Partition(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"));
        Clock.Advance(TimeSpan.FromMilliseconds(3_600));
        Assert.Equal(VrrpState.Backup, Status(b).State);
        Clock.Advance(TimeSpan.FromMilliseconds(20));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
    }

    [Fact]
    public void A_backup_whose_priority_rises_above_its_absorbed_master_preempts_it()
    {
        var (a, b) = ElectAOverB();
        Adverts(b, 5);
        Assert.True(Io(b).Absorbed > 0);

        // A tracker lifts b to 200: a's adverts (150) are now lower, so b ignores them and its timer makes it MASTER.
        b.Instance.Tell(new InstanceCommand(VrrpInputKind.Priority, 200));
        AwaitAssert(() => Assert.Equal(200, Status(b).EffectivePriority));
        for (int i = 0; i < 40 && Status(b).State != VrrpState.Master; i++)
            Clock.Advance(TimeSpan.FromMilliseconds(100));
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(a).State));
    }

    [Fact]
    public void A_masters_priority_zero_is_never_absorbed_so_the_backup_takes_over_in_skew_time()
    {
        var (a, b) = ElectAOverB();
        Adverts(b, 5);
        long absorbed = Io(b).Absorbed;
        Assert.True(absorbed > 0);

        a.Instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        AwaitAssert(() => Assert.Contains(Report(b).Peers, p => p.Priority == 0));
        Assert.Equal(absorbed, Io(b).Absorbed);
        Clock.Advance(TimeSpan.FromMilliseconds(620));                // b's skew time at 100 is 609 ms
        AwaitAssert(() => Assert.Equal(VrrpState.Master, Status(b).State));
    }

    [Fact]
    public void A_restarted_instance_absorbs_nothing_its_former_incarnation_published()
    {
        var (_, b) = ElectAOverB(restartableB: true);
        Adverts(b, 3);
        long absorbed = Io(b).Absorbed;
        Assert.True(absorbed > 0);

        // Restart b (as after a crash): it starts again as BACKUP and hears a's next advert the usual way first.
        b.Instance.Tell(Kill.Instance);
        AwaitAssert(() => Assert.Equal(-1, Status(b).MasterPriority));      // the new incarnation has heard no one yet
        AwaitAssert(() => Assert.Equal(VrrpState.Backup, Status(b).State));
        long before = Received(b);
        Clock.Advance(TimeSpan.FromSeconds(1));
        AwaitAssert(() => Assert.True(Received(b) > before));
        AwaitAssert(() => Assert.Equal(150, Status(b).MasterPriority));
        Assert.Equal(absorbed, Io(b).Absorbed);
        Adverts(b, 3);
        Assert.True(Io(b).Absorbed > absorbed);
    }
}

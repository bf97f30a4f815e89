using KeepAlive.Actors.Node;
using KeepAlive.Actors.Vrrp;
using Xunit;

namespace KeepAlive.Actors.Tests.Node;

public sealed class TakeoverRehearsalTests
{
    private static readonly VrrpSettings V2 = new()
    {
        Version = 2,
        Vrid = 7,
        Priority = 150,
        AdvertIntervalMicros = VrrpTimers.MicrosPerSecond,
        PrimaryAddress = [10, 0, 0, 1],
        WantsMaster = true,
    };

    public static TheoryData<string> Templates => new() { "default", "v2 master", "v3 0.1 s owner" };

    private static VrrpSettings? Template(string name) => name switch
    {
        "v2 master" => V2,
        "v3 0.1 s owner" => V2 with { Version = 3, Priority = 255, AdvertIntervalMicros = 100_000, PrimaryAddress = new byte[16] },
        _ => null,
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public void An_instance_alone_goes_through_a_takeover_a_loss_a_fault_and_a_stop(string template)
    {
        var report = TakeoverRehearsal.Run(Template(template));

        Assert.Equal(
            [VrrpState.Initialize, VrrpState.Backup, VrrpState.Master, VrrpState.Backup, VrrpState.Master, VrrpState.Backup,
             VrrpState.Fault, VrrpState.Backup, VrrpState.Master, VrrpState.Stopped],
            report.Standalone);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void A_sync_group_member_takes_over_on_its_groups_order(string template)
    {
        var report = TakeoverRehearsal.Run(Template(template));

        Assert.Equal(report.Standalone, report.Member);
    }

    [Fact]
    public void The_group_takes_over_together_loses_an_election_and_faults()
    {
        var report = TakeoverRehearsal.Run();

        Assert.Equal([VrrpState.Backup, VrrpState.Master, VrrpState.Backup, VrrpState.Master, VrrpState.Backup, VrrpState.Fault, VrrpState.Backup],
            report.Group);
    }

    [Fact]
    public void The_notifier_policy_writes_its_fifo_lines()
    {
        var report = TakeoverRehearsal.Run();

        // BACKUP (instance + group), MASTER (group, then the instance ordered by its group), MASTER_RX_LOWER_PRI,
        // MASTER_PRIORITY, FAULT, then the group's STOP.
        Assert.True(report.NotifyFifoLines >= 6, $"{report.NotifyFifoLines} FIFO lines");
    }

    [Fact]
    public void The_effectors_frame_queue_flushes_round_robin_and_counts_a_failed_announcement_out()
    {
        // Three frames over two announcements; the second send fails, so the second announcement fails.
        Assert.Equal(2, TakeoverRehearsal.Run().FramesFlushed);
    }
}

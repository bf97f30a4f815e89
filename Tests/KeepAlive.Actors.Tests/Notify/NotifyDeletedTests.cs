using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>An instance removed by a reload (keepalived vrrp.c clear_diff_vrrp): DELETED with notify_deleted (its
/// notify_deleted script, then the generic one), FAULT without it.</summary>
public sealed class NotifyDeletedTests
{
    private static ScriptSpec S(params string[] argv) => new(argv, null, null);

    private static NotifyPlan Plan(bool notifyDeleted, ScriptSpec? deleted) => new(
        "lb1",
        [new InstanceNotifyPlan("VI_1", null, new StateScripts(Fault: S("/f"), Generic: S("/gen")), NotifyDeleted: notifyDeleted, Deleted: deleted)],
        [],
        ["/run/a.fifo"],
        null,
        new ScriptUserDefaults(null, null, false));

    [Theory]
    [InlineData(true, "/del", "INSTANCE \"VI_1\" DELETED 100\n", "/del", "/gen|INSTANCE|VI_1|DELETED|100")]
    [InlineData(true, null, "INSTANCE \"VI_1\" DELETED 100\n", "/gen|INSTANCE|VI_1|DELETED|100", null)]
    [InlineData(false, null, "INSTANCE \"VI_1\" FAULT 100\n", "/f", "/gen|INSTANCE|VI_1|FAULT|100")]
    public void A_deleted_instance_reports_deleted_only_with_notify_deleted(bool notifyDeleted, string? script, string line, string first, string? second)
    {
        var plan = Plan(notifyDeleted, script is null ? null : S(script));
        var (_, d) = NotifyPolicy.Step(plan, NotifyPolicyState.Empty, new NotifyEvent.InstanceEntered("VI_1", NotifyState.Deleted, 100, false));
        Assert.Equal([line], d.FifoLines);
        Assert.Equal(second is null ? [first] : [first, second], d.Scripts.Select(j => string.Join('|', j.Argv)));
    }

    [Fact]
    public void The_planner_takes_notify_deleted_from_the_instance()
    {
        var config = Node.VirtualLab.Load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n notify_deleted /bin/gone\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n");
        var p = NotifyPlanner.From(config, new("lb1", "root"), out _).Instance("VI_1");
        Assert.True(p.NotifyDeleted);
        Assert.Equal(["/bin/gone"], p.Deleted!.Argv);
    }
}

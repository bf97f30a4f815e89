using KeepAlive.Actors.Scripts;

namespace KeepAlive.Actors.Tests.Scripts;

public class NotifyFifoLineTests
{
    [Theory]
    [InlineData("VI_1", NotifyState.Master, 100, "INSTANCE \"VI_1\" MASTER 100\n")]
    [InlineData("VI_1", NotifyState.Backup, 90, "INSTANCE \"VI_1\" BACKUP 90\n")]
    [InlineData("VI_1", NotifyState.Fault, 0, "INSTANCE \"VI_1\" FAULT 0\n")]
    [InlineData("VI_1", NotifyState.Stop, 255, "INSTANCE \"VI_1\" STOP 255\n")]
    [InlineData("VI_1", NotifyState.Deleted, 100, "INSTANCE \"VI_1\" DELETED 100\n")]
    [InlineData("VI_1", NotifyState.MasterRxLowerPriority, 100, "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100\n")]
    [InlineData("VI_1", NotifyState.MasterPriority, 80, "INSTANCE \"VI_1\" MASTER_PRIORITY 80\n")]
    [InlineData("VI_1", NotifyState.BackupPriority, 80, "INSTANCE \"VI_1\" BACKUP_PRIORITY 80\n")]
    [InlineData("we\"ird", NotifyState.Master, 1, "INSTANCE \"we\"ird\" MASTER 1\n")]
    public void Instance_lines(string name, NotifyState state, int prio, string expected) =>
        Assert.Equal(expected, NotifyFifoLine.Instance(name, state, prio));

    [Theory]
    [InlineData(NotifyState.Master, "GROUP \"G1\" MASTER 0\n")]
    [InlineData(NotifyState.Backup, "GROUP \"G1\" BACKUP 0\n")]
    [InlineData(NotifyState.Fault, "GROUP \"G1\" FAULT 0\n")]
    [InlineData(NotifyState.Stop, "GROUP \"G1\" STOP 0\n")]
    public void Group_lines_carry_priority_zero(NotifyState state, string expected) =>
        Assert.Equal(expected, NotifyFifoLine.Group("G1", state));

    [Fact]
    public void Group_rejects_instance_only_events() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NotifyFifoLine.Group("G1", NotifyState.Deleted));

    [Fact]
    public void Checker_lines()
    {
        Assert.Equal("VS [10.0.0.1]:tcp:80 UP\n", NotifyFifoLine.VirtualServer("[10.0.0.1]:tcp:80", true));
        Assert.Equal("RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN\n", NotifyFifoLine.RealServer("[10.0.0.2]:tcp:80", "[10.0.0.1]:tcp:80", false));
    }
}

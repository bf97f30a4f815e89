using KeepAlive.Actors.Scripts;

namespace KeepAlive.Actors.Tests.Scripts;

public class NotifyArgumentsTests
{
    private static readonly ScriptSpec Generic = new(["/etc/ka/notify.sh", "x y"], null, null);

    [Theory]
    [InlineData(NotifyTarget.Instance, "VI_1", NotifyState.Master, 100, "INSTANCE", "MASTER", "100")]
    [InlineData(NotifyTarget.Instance, "VI_1", NotifyState.Backup, 254, "INSTANCE", "BACKUP", "254")]
    [InlineData(NotifyTarget.Instance, "VI_2", NotifyState.Fault, 1, "INSTANCE", "FAULT", "1")]
    [InlineData(NotifyTarget.Instance, "VI_2", NotifyState.Stop, 255, "INSTANCE", "STOP", "255")]
    [InlineData(NotifyTarget.Instance, "VI_3", NotifyState.Deleted, 90, "INSTANCE", "DELETED", "90")]
    [InlineData(NotifyTarget.Group, "G1", NotifyState.Master, 100, "GROUP", "MASTER", "0")]
    [InlineData(NotifyTarget.Group, "G1", NotifyState.Stop, 0, "GROUP", "STOP", "0")]
    public void Generic_notify_appends_type_name_state_priority(NotifyTarget target, string name, NotifyState state, int prio, string type, string word, string prioWord) =>
        Assert.Equal(["/etc/ka/notify.sh", "x y", type, name, word, prioWord], NotifyArguments.ForGenericScript(Generic, target, name, state, prio));

    [Fact]
    public void State_scripts_get_only_their_configured_words()
    {
        var spec = new ScriptSpec(["/etc/ka/master.sh", "a", "b c"], "u", null);
        Assert.Equal(["/etc/ka/master.sh", "a", "b c"], NotifyArguments.ForStateScript(spec));
    }

    [Theory]
    [InlineData(NotifyState.MasterRxLowerPriority)]
    [InlineData(NotifyState.MasterPriority)]
    [InlineData(NotifyState.BackupPriority)]
    public void Fifo_only_events_do_not_run_the_generic_script(NotifyState state) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NotifyArguments.ForGenericScript(Generic, NotifyTarget.Instance, "VI_1", state, 100));

    [Fact]
    public void Groups_have_no_deleted_state_and_priorities_are_bounded()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NotifyArguments.ForGenericScript(Generic, NotifyTarget.Group, "G", NotifyState.Deleted, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NotifyArguments.ForGenericScript(Generic, NotifyTarget.Instance, "V", NotifyState.Master, 256));
    }

    [Theory]
    // state, notify_deleted, already sent, group state, expected (null = nothing sent)
    [InlineData(NotifyState.Deleted, false, false, null, NotifyState.Fault)]
    [InlineData(NotifyState.Deleted, true, false, null, NotifyState.Deleted)]
    [InlineData(NotifyState.Master, false, true, NotifyState.Master, null)]
    [InlineData(NotifyState.Master, false, false, NotifyState.Master, NotifyState.Master)]
    [InlineData(NotifyState.Backup, false, true, NotifyState.Master, NotifyState.Backup)]
    [InlineData(NotifyState.Fault, false, true, null, NotifyState.Fault)]
    public void Instance_reported_state(NotifyState state, bool notifyDeleted, bool sent, NotifyState? group, NotifyState? expected) =>
        Assert.Equal(expected, NotifyArguments.InstanceReportedState(state, notifyDeleted, sent, group));
}

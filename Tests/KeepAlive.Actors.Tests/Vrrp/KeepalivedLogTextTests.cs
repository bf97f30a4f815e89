using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>keepalived 2.2.7's state-change log lines, word for word (vrrp.c, vrrp_scheduler.c, vrrp_sync.c).</summary>
public class KeepalivedLogTextTests
{
    [Theory]
    [InlineData(VrrpState.Initialize, VrrpState.Backup, "(VI_1) Entering BACKUP STATE (init)")]
    [InlineData(VrrpState.Initialize, VrrpState.Fault, "(VI_1) Entering FAULT STATE (init)")]
    [InlineData(VrrpState.Initialize, VrrpState.Master, "(VI_1) Entering MASTER STATE")]
    [InlineData(VrrpState.Backup, VrrpState.Master, "(VI_1) Entering MASTER STATE")]
    [InlineData(VrrpState.Master, VrrpState.Backup, "(VI_1) Entering BACKUP STATE")]
    [InlineData(VrrpState.Fault, VrrpState.Backup, "(VI_1) Entering BACKUP STATE")]
    [InlineData(VrrpState.Master, VrrpState.Fault, "(VI_1) Entering FAULT STATE")]
    [InlineData(VrrpState.Backup, VrrpState.Fault, "(VI_1) Entering FAULT STATE")]
    public void A_real_change_has_keepalived_s_line(VrrpState from, VrrpState to, string expected) =>
        Assert.Equal(expected, KeepalivedLogText.Entering("VI_1", from, to));

    [Theory]
    [InlineData(VrrpState.Master, VrrpState.Master)]
    [InlineData(VrrpState.Backup, VrrpState.Backup)]
    [InlineData(VrrpState.Fault, VrrpState.Fault)]
    [InlineData(VrrpState.Master, VrrpState.Stopped)]
    [InlineData(VrrpState.Backup, VrrpState.Initialize)]
    public void No_change_and_leaving_for_stop_log_nothing(VrrpState from, VrrpState to) =>
        Assert.Null(KeepalivedLogText.Entering("VI_1", from, to));

    [Fact]
    public void Hostile_names_are_kept_verbatim_inside_the_parentheses() =>
        Assert.Equal("({0} x\ny) Entering MASTER STATE", KeepalivedLogText.Entering("{0} x\ny", VrrpState.Backup, VrrpState.Master));

    [Theory]
    [InlineData(VrrpState.Master, "VRRP_Group(VG_1) Syncing instances to MASTER state")]
    [InlineData(VrrpState.Backup, "VRRP_Group(VG_1) Syncing instances to BACKUP state")]
    [InlineData(VrrpState.Fault, "VRRP_Group(VG_1) Syncing instances to FAULT state")]
    [InlineData(VrrpState.Initialize, null)]
    [InlineData(VrrpState.Stopped, null)]
    public void Sync_group_lines(VrrpState to, string? expected) => Assert.Equal(expected, KeepalivedLogText.Syncing("VG_1", to));
}

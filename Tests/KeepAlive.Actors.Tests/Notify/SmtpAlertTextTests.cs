using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>vrrp/vrrp_notify.c vrrp_smtp_notifier / vrrp_sync_smtp_notifier and core/smtp.c smtp_alert's subjects.</summary>
public class SmtpAlertTextTests
{
    [Theory]
    [InlineData(NotifyState.Master, "[lb1] VRRP Instance VI_1 - Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <=")]
    [InlineData(NotifyState.Backup, "[lb1] VRRP Instance VI_1 - Entering BACKUP state", "=> VRRP Instance is no longer owning VRRP VIPs <=")]
    [InlineData(NotifyState.Fault, "[lb1] VRRP Instance VI_1 - Entering FAULT state", "=> VRRP Instance is no longer owning VRRP VIPs <=")]
    [InlineData(NotifyState.Stop, "[lb1] VRRP Instance VI_1 - Stopping", "=> VRRP Instance stopping <=")]
    [InlineData(NotifyState.Deleted, "[lb1] VRRP Instance VI_1 - Deleted", "=> VRRP Deleted at reload <=")]
    public void Instance_alerts_are_keepalived_words(NotifyState state, string subject, string body) =>
        Assert.Equal(new AlertText(subject, body), SmtpAlertText.ForInstance("lb1", "VI_1", state));

    [Theory]
    [InlineData(NotifyState.Master, "[lb1] VRRP Group G1 - Entering MASTER state", "=> All VRRP group instances are now in MASTER state <=")]
    [InlineData(NotifyState.Backup, "[lb1] VRRP Group G1 - Entering BACKUP state", "=> All VRRP group instances are now in BACKUP state <=")]
    [InlineData(NotifyState.Fault, "[lb1] VRRP Group G1 - Entering FAULT state", "=> All VRRP group instances are now in FAULT state <=")]
    [InlineData(NotifyState.Stop, "[lb1] VRRP Group G1 - Stopping", "=> All VRRP group instances are now stopping <=")]
    public void Group_alerts_are_keepalived_words(NotifyState state, string subject, string body) =>
        Assert.Equal(new AlertText(subject, body), SmtpAlertText.ForGroup("lb1", "G1", state));

    [Theory]
    [InlineData(NotifyState.MasterRxLowerPriority)]
    [InlineData(NotifyState.MasterPriority)]
    [InlineData(NotifyState.BackupPriority)]
    public void Events_that_are_not_transitions_mail_nothing(NotifyState state)
    {
        Assert.Null(SmtpAlertText.ForInstance("lb1", "VI_1", state));
        Assert.Null(SmtpAlertText.ForGroup("lb1", "G1", state));
    }

    [Fact]
    public void Groups_are_never_deleted() => Assert.Null(SmtpAlertText.ForGroup("lb1", "G1", NotifyState.Deleted));

    [Fact]
    public void The_subject_is_cut_to_255_bytes_like_keepalived_snprintf()
    {
        var name = new string('n', 300);
        var subject = SmtpAlertText.ForInstance("r", name, NotifyState.Master)!.Value.Subject;
        Assert.Equal(255, subject.Length);
        Assert.StartsWith("[r] VRRP Instance nnn", subject, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cut_never_splits_a_character()
    {
        // "[r] VRRP Instance " is 18 bytes; 'é' is 2 bytes: 118 of them end at byte 254, the 119th would pass 255.
        var subject = SmtpAlertText.ForInstance("r", new string('é', 200), NotifyState.Master)!.Value.Subject;
        Assert.Equal(254, System.Text.Encoding.UTF8.GetByteCount(subject));
        Assert.EndsWith("é", subject, StringComparison.Ordinal);
    }
}

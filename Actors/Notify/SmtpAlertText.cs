using System.Text;
using KeepAlive.Actors.Scripts;

namespace KeepAlive.Actors.Notify;

/// <summary>The subject and one-line body of an alert.</summary>
public readonly record struct AlertText(string Subject, string Body);

/// <summary>
/// The words of keepalived 2.2.7's VRRP alert mails (vrrp/vrrp_notify.c vrrp_smtp_notifier and
/// vrrp_sync_smtp_notifier, core/smtp.c smtp_alert): the subject is <c>[router_id] VRRP Instance NAME - WHAT</c> or
/// <c>[router_id] VRRP Group NAME - WHAT</c>, cut to 255 bytes (keepalived's 256-byte buffer), and the body is a
/// fixed sentence per state. Pure.
/// </summary>
public static class SmtpAlertText
{
    /// <summary>keepalived's MAX_HEADERS_LENGTH less the terminating NUL.</summary>
    public const int MaxSubjectBytes = 255;

    /// <summary>The alert for an instance entering <paramref name="state"/>; null for states keepalived mails nothing about.</summary>
    public static AlertText? ForInstance(string routerId, string instance, NotifyState state)
    {
        var (what, body) = state switch
        {
            NotifyState.Master => ("Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <="),
            NotifyState.Backup => ("Entering BACKUP state", "=> VRRP Instance is no longer owning VRRP VIPs <="),
            NotifyState.Fault => ("Entering FAULT state", "=> VRRP Instance is no longer owning VRRP VIPs <="),
            NotifyState.Stop => ("Stopping", "=> VRRP Instance stopping <="),
            NotifyState.Deleted => ("Deleted", "=> VRRP Deleted at reload <="),
            _ => ((string?)null, (string?)null),
        };
        return what is null ? null : new AlertText(Subject($"[{routerId}] VRRP Instance {instance} - {what}"), body!);
    }

    /// <summary>The alert for a sync group entering <paramref name="state"/>; null for states keepalived mails nothing about.</summary>
    public static AlertText? ForGroup(string routerId, string group, NotifyState state)
    {
        var (what, body) = state switch
        {
            NotifyState.Master => ("Entering MASTER state", "=> All VRRP group instances are now in MASTER state <="),
            NotifyState.Backup => ("Entering BACKUP state", "=> All VRRP group instances are now in BACKUP state <="),
            NotifyState.Fault => ("Entering FAULT state", "=> All VRRP group instances are now in FAULT state <="),
            NotifyState.Stop => ("Stopping", "=> All VRRP group instances are now stopping <="),
            _ => ((string?)null, (string?)null),
        };
        return what is null ? null : new AlertText(Subject($"[{routerId}] VRRP Group {group} - {what}"), body!);
    }

    /// <summary>snprintf into 256 bytes: at most 255 bytes of UTF-8, never splitting a character.</summary>
    private static string Subject(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= MaxSubjectBytes)
            return text;
        var sb = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxSubjectBytes)
                break;
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}

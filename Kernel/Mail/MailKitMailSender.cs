using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Text;

namespace KeepAlive.Kernel.Mail;

/// <summary>
/// <see cref="IMailSender"/> with MailKit, sending what keepalived 2.2.7 sends (core/smtp.c): plain SMTP on the
/// configured port (keepalived never uses TLS, so neither does this: <see cref="SecureSocketOptions.None"/>), the
/// envelope sender and <c>From:</c> header = notification_email_from as a bare address, one <c>RCPT TO</c> per
/// address and one <c>To:</c> header listing them all, the <c>Subject:</c>, a <c>Date:</c> in local time,
/// <c>X-Mailer: Keepalived</c>, and the one-line body followed by a line break ("BODY\r\n" before the end-of-data dot). Differences that no reader sees:
/// MailKit greets with EHLO (falling back to HELO) where keepalived sends HELO, and MimeKit adds MIME headers.
/// The connect and every reply are bounded by <see cref="MailServer.Timeout"/> (keepalived's smtp_connection_to).
/// </summary>
public sealed class MailKitMailSender : IMailSender
{
    /// <inheritdoc/>
    public async Task<MailSendResult> SendAsync(MailServer server, AlertMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(mail);
        MimeMessage message;
        try
        {
            message = Compose(mail);
        }
        catch (ParseException e)
        {
            return new MailSendResult(MailOutcome.Failed, $"cannot compose the alert: {e.Message}");
        }
        catch (ArgumentException e)
        {
            return new MailSendResult(MailOutcome.Failed, $"cannot compose the alert: {e.Message}");
        }
        using var client = new SmtpClient();
        client.Timeout = (int)Math.Clamp(server.Timeout.TotalMilliseconds, 1, int.MaxValue);
        client.LocalDomain = server.HeloName;
        var stage = "connect";
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connect.CancelAfter(server.Timeout);
                await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None, connect.Token).ConfigureAwait(false);
            }
            stage = "send";
            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            stage = "quit";
            await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
            return new MailSendResult(MailOutcome.Sent, null);
        }
        catch (OperationCanceledException)
        {
            return new MailSendResult(MailOutcome.TimedOut, $"{Where(server)}: {(stage == "connect" ? "timeout connecting" : "cancelled")}");
        }
        catch (TimeoutException)
        {
            return new MailSendResult(MailOutcome.TimedOut, $"{Where(server)}: timeout during {stage}");
        }
        catch (SmtpCommandException e)
        {
            // A quit that fails after the message was accepted still delivered the alert.
            return stage == "quit"
                ? new MailSendResult(MailOutcome.Sent, null)
                : new MailSendResult(MailOutcome.Rejected, $"{Where(server)}: {e.ErrorCode} status {(int)e.StatusCode}: {e.Message}");
        }
        catch (SocketException e) when (stage == "connect")
        {
            return new MailSendResult(MailOutcome.ConnectFailed, $"{Where(server)}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException
                                      or ServiceNotAuthenticatedException or InvalidOperationException or NotSupportedException
                                      or SslHandshakeException or ProtocolException)
        {
            if (stage == "quit")
                return new MailSendResult(MailOutcome.Sent, null);
            return new MailSendResult(stage == "connect" ? MailOutcome.ConnectFailed : MailOutcome.Failed, $"{Where(server)}: {e.Message}");
        }
    }

    /// <summary>The message keepalived's body_cmd writes, as a MimeKit message.</summary>
    public static MimeMessage Compose(AlertMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var message = new MimeMessage { Subject = mail.Subject, Date = DateTimeOffset.Now };
        message.From.Add(MailboxAddress.Parse(mail.From));
        foreach (var to in mail.To)
            message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add("X-Mailer", "Keepalived");
        // keepalived writes "BODY\r\n" then the terminator "\r\n.\r\n", so the message ends with one line break;
        // MailKit's terminator takes the text's last one.
        message.Body = new TextPart(TextFormat.Plain) { Text = mail.Body + "\r\n\r\n" };
        return message;
    }

    private static string Where(MailServer server) => $"SMTP server [{server.Host}]:{server.Port}";
}

namespace KeepAlive.Kernel.Ports;

/// <summary>Where alert mail goes: keepalived's <c>smtp_server HOST [PORT]</c>, <c>smtp_helo_name</c> and
/// <c>smtp_connect_timeout</c> (global_defs).</summary>
/// <param name="Host">An address or a name.</param>
/// <param name="Port">25 unless configured.</param>
/// <param name="HeloName">The name we greet with (keepalived: smtp_helo_name, else the host's name).</param>
/// <param name="Timeout">The connect timeout, also applied to every reply we wait for (keepalived uses
/// <c>smtp_connection_to</c> for the connect and for each read).</param>
public sealed record MailServer(string Host, int Port, string HeloName, TimeSpan Timeout);

/// <summary>One alert as keepalived composes it (core/smtp.c <c>smtp_alert</c>, <c>body_cmd</c>): the envelope
/// sender is also the <c>From:</c> header, every address is a <c>RCPT TO</c> and is listed in one <c>To:</c> header.</summary>
/// <param name="From">notification_email_from.</param>
/// <param name="To">notification_email, in configuration order.</param>
/// <param name="Subject">e.g. <c>[router_id] VRRP Instance VI_1 - Entering MASTER state</c>.</param>
/// <param name="Body">One line, e.g. <c>=&gt; VRRP Instance is now owning VRRP VIPs &lt;=</c>.</param>
public sealed record AlertMail(string From, IReadOnlyList<string> To, string Subject, string Body);

/// <summary>How one send ended.</summary>
public enum MailOutcome
{
    /// <summary>The server accepted the message.</summary>
    Sent,

    /// <summary>No connection: refused, unreachable, name not resolved.</summary>
    ConnectFailed,

    /// <summary>The connect or a reply took longer than <see cref="MailServer.Timeout"/>, or the caller cancelled.</summary>
    TimedOut,

    /// <summary>The server answered a command with an error code (keepalived: "Error processing … cmd").</summary>
    Rejected,

    /// <summary>Anything else (protocol error, connection dropped).</summary>
    Failed,
}

/// <summary>The result of one send. Never an exception.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Message">What went wrong, for the log; null when sent.</param>
public sealed record MailSendResult(MailOutcome Outcome, string? Message);

/// <summary>Sends keepalived's alert mails. Safe for concurrent use; each send is its own connection, as keepalived
/// opens one per alert.</summary>
public interface IMailSender
{
    /// <summary>Connects, sends <paramref name="mail"/>, quits. Never throws: every failure is a result.</summary>
    Task<MailSendResult> SendAsync(MailServer server, AlertMail mail, CancellationToken cancellationToken = default);
}

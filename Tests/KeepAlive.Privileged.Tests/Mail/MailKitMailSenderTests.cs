using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Mail;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Mail;

/// <summary>The MailKit sender against an in-process SMTP server on loopback: the message keepalived's smtp.c
/// writes, and every failure as a result within the connect timeout, never an exception.</summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
public sealed class MailKitMailSenderTests
{
    private static readonly AlertMail Alert = new("keepalived@example.com", ["ops@example.com", "noc@example.com"],
        "[lb1] VRRP Instance VI_1 - Entering MASTER state", "=> VRRP Instance is now owning VRRP VIPs <=");

    private readonly MailKitMailSender _sender = new();

    [SkippableFact]
    public async Task The_alert_arrives_as_keepalived_writes_it()
    {
        Privilege.Require();
        await using var sink = await SmtpSink.StartAsync();
        var result = await _sender.SendAsync(new MailServer("127.0.0.1", sink.Port, "helo.example.com", TimeSpan.FromSeconds(5)), Alert);
        Assert.Equal(new MailSendResult(MailOutcome.Sent, null), result);
        var mail = Assert.Single(sink.Take(1, TimeSpan.FromSeconds(5)));
        Assert.Equal("helo.example.com", mail.Greeting);
        Assert.Equal("keepalived@example.com", mail.MailFrom);
        Assert.Equal(["ops@example.com", "noc@example.com"], mail.RcptTo);
        var m = mail.Message;
        Assert.Equal("keepalived@example.com", m.Headers["From"]?.Trim());
        Assert.Equal("ops@example.com, noc@example.com", m.Headers["To"]?.Trim());
        Assert.Equal("[lb1] VRRP Instance VI_1 - Entering MASTER state", m.Subject);
        Assert.Equal("Keepalived", m.Headers["X-Mailer"]);
        Assert.InRange(m.Date, DateTimeOffset.Now.AddMinutes(-1), DateTimeOffset.Now.AddMinutes(1));
        // keepalived: "BODY\r\n" then "\r\n.\r\n": the body is one line ending with its line break.
        Assert.Equal("=> VRRP Instance is now owning VRRP VIPs <=\n", m.TextBody?.ReplaceLineEndings("\n"));
    }

    [SkippableFact]
    public async Task A_refused_connection_is_a_connect_failure()
    {
        Privilege.Require();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nobody listens there now
        var result = await _sender.SendAsync(new MailServer("127.0.0.1", port, "h", TimeSpan.FromSeconds(5)), Alert);
        Assert.Equal(MailOutcome.ConnectFailed, result.Outcome);
        Assert.Contains($"127.0.0.1]:{port}", result.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_server_that_never_greets_times_out_at_the_connect_timeout()
    {
        Privilege.Require();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        var send = _sender.SendAsync(new MailServer("127.0.0.1", port, "h", TimeSpan.FromSeconds(1)), Alert);
        using var silent = await listener.AcceptTcpClientAsync(); // accepted, never answered
        var result = await send.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MailOutcome.TimedOut, result.Outcome);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
    }

    [SkippableFact]
    public async Task Rejected_recipients_are_a_rejection()
    {
        Privilege.Require();
        await using var sink = await SmtpSink.StartAsync(rejectRecipients: true);
        var result = await _sender.SendAsync(new MailServer("127.0.0.1", sink.Port, "h", TimeSpan.FromSeconds(5)), Alert);
        Assert.Equal(MailOutcome.Rejected, result.Outcome);
        Assert.True(sink.NothingMore(TimeSpan.FromMilliseconds(200)));
    }

    [SkippableFact]
    public async Task A_bad_address_is_a_failure_not_an_exception()
    {
        Privilege.Require();
        var result = await _sender.SendAsync(new MailServer("127.0.0.1", 25, "h", TimeSpan.FromSeconds(1)), Alert with { From = "not an address <" });
        Assert.Equal(MailOutcome.Failed, result.Outcome);
    }
}

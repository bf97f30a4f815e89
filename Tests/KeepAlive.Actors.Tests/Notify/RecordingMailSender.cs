using System.Collections.Concurrent;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>Keeps every mail; with <see cref="Hang"/> a send only ends when cancelled.</summary>
public sealed class RecordingMailSender : IMailSender
{
    private readonly BlockingCollection<(MailServer Server, AlertMail Mail, CancellationToken Token)> _sent = new();

    public bool Hang { get; init; }

    public Task<MailSendResult> SendAsync(MailServer server, AlertMail mail, CancellationToken cancellationToken = default)
    {
        _sent.Add((server, mail, cancellationToken));
        if (!Hang)
            return Task.FromResult(new MailSendResult(MailOutcome.Sent, null));
        var done = new TaskCompletionSource<MailSendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => done.TrySetResult(new MailSendResult(MailOutcome.TimedOut, "cancelled")));
        return done.Task;
    }

    public (MailServer Server, AlertMail Mail, CancellationToken Token) Next()
    {
        if (_sent.TryTake(out var sent, TimeSpan.FromSeconds(5)))
            return sent;
        throw new Xunit.Sdk.XunitException("no mail was sent");
    }
}

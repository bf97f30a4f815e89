using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace KeepAlive.Privileged.Tests.Mail;

/// <summary>One message as the sink received it: the greeting name, the envelope, the parsed message.</summary>
public sealed record ReceivedMail(string? Greeting, string MailFrom, IReadOnlyList<string> RcptTo, MimeMessage Message);

/// <summary>An in-process SMTP server (the SmtpServer package) on 127.0.0.1 with an ephemeral port, keeping every
/// message. <see cref="RejectRecipients"/> answers RCPT TO with 550.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly BlockingCollection<ReceivedMail> _received = new();
    private Task _running = Task.CompletedTask;

    private SmtpSink()
    {
    }

    public int Port { get; private set; }

    public bool RejectRecipients { get; init; }

    public static async Task<SmtpSink> StartAsync(bool rejectRecipients = false)
    {
        var sink = new SmtpSink { RejectRecipients = rejectRecipients };
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => listening.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(sink));
        if (rejectRecipients)
            services.Add(new RejectAll());
        var options = new SmtpServerOptionsBuilder().ServerName("sink.test").Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, 0))).Build();
        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, e) => e.Context.CommandExecuting += (_, c) =>
        {
            if (c.Command is EhloCommand ehlo)
                c.Context.Properties["greeting"] = ehlo.DomainOrAddress;
            else if (c.Command is HeloCommand helo)
                c.Context.Properties["greeting"] = helo.DomainOrAddress;
        };
        sink._running = server.StartAsync(sink._stop.Token);
        sink.Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return sink;
    }

    /// <summary>Every message received within <paramref name="timeout"/>, until <paramref name="count"/> have come.</summary>
    public List<ReceivedMail> Take(int count, TimeSpan timeout)
    {
        var all = new List<ReceivedMail>();
        var until = DateTime.UtcNow + timeout;
        while (all.Count < count && _received.TryTake(out var mail, Remaining(until)))
            all.Add(mail);
        return all;
    }

    /// <summary>True when nothing more arrives within <paramref name="window"/>.</summary>
    public bool NothingMore(TimeSpan window) => !_received.TryTake(out _, window);

    private static TimeSpan Remaining(DateTime until) => until - DateTime.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _received.Dispose();
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            context.Properties.TryGetValue("greeting", out var greeting);
            sink._received.Add(new ReceivedMail(greeting as string, Address(transaction.From), transaction.To.Select(Address).ToList(), message), cancellationToken);
            return Task.FromResult(SmtpResponse.Ok);
        }

        private static string Address(SmtpServer.Mail.IMailbox m) => $"{m.User}@{m.Host}";
    }

    private sealed class RejectAll : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from, CancellationToken token) =>
            Task.FromResult(false);
    }
}

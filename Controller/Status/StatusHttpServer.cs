using System.Net;
using System.Net.Sockets;
using System.Text;
using KeepAlive.Actors.Status;

namespace KeepAlive.Controller.Status;

/// <summary>Limits of the status endpoint.</summary>
public sealed record StatusHttpOptions
{
    /// <summary>Largest request head (request line and headers); larger requests get 431 and are closed.</summary>
    public int MaxRequestBytes { get; init; } = 8192;

    /// <summary>Time allowed for the whole request head to arrive (a slow client gets 408 and is closed).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed to write the response.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed to gather the report; past it the answer is 503.</summary>
    public TimeSpan ReportTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Connections served at once; more are answered 503 at once and closed.</summary>
    public int MaxConnections { get; init; } = 16;
}

/// <summary>
/// A small HTTP/1.1 server (TcpListener; no ASP.NET Core) for <c>GET /status</c> (application/json,
/// <see cref="StatusJsonFormatter"/>) and <c>GET /metrics</c> (Prometheus text 0.0.4, <see cref="PrometheusFormatter"/>);
/// HEAD too; 404 for other paths, 405 for other methods. One request per connection (<c>Connection: close</c>). Every
/// step is asynchronous and bounded: the request head by <see cref="StatusHttpOptions.MaxRequestBytes"/> and
/// <see cref="StatusHttpOptions.RequestTimeout"/> (slowloris, huge headers, garbage end in 408/431/400 and a close),
/// the number of connections, and the report (gathered by the caller's function, e.g. <see cref="NodeStatus.CollectAsync"/>,
/// which never blocks an actor). A failing report gives 503; nothing a client sends can stop the server.
/// </summary>
public sealed class StatusHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<CancellationToken, Task<NodeStatusReport>> _report;
    private readonly StatusHttpOptions _options;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots;
    private readonly Task _acceptLoop;
    private long _served;

    private StatusHttpServer(TcpListener listener, Func<CancellationToken, Task<NodeStatusReport>> report, StatusHttpOptions options, Action<string> log)
    {
        _listener = listener;
        _report = report;
        _options = options;
        _log = log;
        _slots = new SemaphoreSlim(options.MaxConnections, options.MaxConnections);
        _acceptLoop = Task.Run(AcceptLoop);
    }

    /// <summary>Where it listens (with the port chosen by the system when 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Requests answered so far (any status code).</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Listens on <paramref name="endpoint"/> and serves <paramref name="report"/>. Throws
    /// <see cref="SocketException"/> when the address cannot be bound. <paramref name="log"/> receives one line per
    /// notable event (the bind warning for a non-loopback address, a failed report).</summary>
    public static StatusHttpServer Start(IPEndPoint endpoint, Func<CancellationToken, Task<NodeStatusReport>> report,
        StatusHttpOptions? options = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(report);
        var logger = log ?? (_ => { });
        if (StatusEndpoint.BindWarning(endpoint) is { } warning)
            logger(warning);
        var listener = new TcpListener(endpoint);
        listener.Start(backlog: 64);
        return new StatusHttpServer(listener, report, options ?? new StatusHttpOptions(), logger);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log($"status endpoint: accept failed: {e.Message}");
                continue;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            if (!_slots.Wait(0))
            {
                await Respond(client, 503, "Service Unavailable", "text/plain; charset=utf-8", "too many connections\n", head: false, extra: null).ConfigureAwait(false);
                return;
            }
            try
            {
                await Handle(client).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or was too slow to read the answer: nothing to do.
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    private async Task Handle(TcpClient client)
    {
        var (outcome, head) = await ReadHead(client.GetStream()).ConfigureAwait(false);
        switch (outcome)
        {
            case ReadOutcome.TooLarge:
                await Respond(client, 431, "Request Header Fields Too Large", "text/plain; charset=utf-8", "request head too large\n", false, null).ConfigureAwait(false);
                return;
            case ReadOutcome.TimedOut:
                await Respond(client, 408, "Request Timeout", "text/plain; charset=utf-8", "request timeout\n", false, null).ConfigureAwait(false);
                return;
            case ReadOutcome.Closed:
                return;
        }
        var error = HttpRequestHead.TryParse(head, out var method, out var path);
        if (error != HttpHeadError.None)
        {
            int code = error == HttpHeadError.UnsupportedVersion ? 505 : 400;
            await Respond(client, code, code == 505 ? "HTTP Version Not Supported" : "Bad Request", "text/plain; charset=utf-8", "bad request\n", false, null).ConfigureAwait(false);
            return;
        }
        if (path is not ("/status" or "/metrics"))
        {
            await Respond(client, 404, "Not Found", "text/plain; charset=utf-8", "not found: try /status or /metrics\n", method == "HEAD", null).ConfigureAwait(false);
            return;
        }
        if (method is not ("GET" or "HEAD"))
        {
            await Respond(client, 405, "Method Not Allowed", "text/plain; charset=utf-8", "method not allowed\n", false, "Allow: GET, HEAD\r\n").ConfigureAwait(false);
            return;
        }
        NodeStatusReport report;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_options.ReportTimeout);
            report = await _report(timeout.Token).WaitAsync(_options.ReportTimeout, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
        {
            _log($"status endpoint: the report could not be gathered: {e.Message}");
            await Respond(client, 503, "Service Unavailable", "text/plain; charset=utf-8", "status not available\n", method == "HEAD", null).ConfigureAwait(false);
            return;
        }
        if (path == "/status")
            await Respond(client, 200, "OK", "application/json; charset=utf-8", StatusJsonFormatter.Format(report), method == "HEAD", null).ConfigureAwait(false);
        else
            await Respond(client, 200, "OK", PrometheusFormatter.ContentType, PrometheusFormatter.Format(report), method == "HEAD", null).ConfigureAwait(false);
    }

    private enum ReadOutcome
    {
        Complete,
        TooLarge,
        TimedOut,
        Closed,
    }

    /// <summary>Reads up to the blank line that ends the head, within the size and time limits.</summary>
    private async Task<(ReadOutcome, byte[])> ReadHead(NetworkStream stream)
    {
        var buffer = new byte[_options.MaxRequestBytes + 4];
        int length = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            while (true)
            {
                if (length >= buffer.Length)
                    return (ReadOutcome.TooLarge, []);
                int n = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false);
                if (n == 0)
                    return (ReadOutcome.Closed, []);
                int searchFrom = Math.Max(0, length - 3);
                length += n;
                int end = buffer.AsSpan(searchFrom, length - searchFrom).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    int headLength = searchFrom + end;
                    return headLength > _options.MaxRequestBytes ? (ReadOutcome.TooLarge, []) : (ReadOutcome.Complete, buffer[..headLength]);
                }
            }
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return (ReadOutcome.TimedOut, []);
        }
    }

    private async Task Respond(TcpClient client, int code, string reason, string contentType, string body, bool head, string? extra)
    {
        Interlocked.Increment(ref _served);
        var payload = Encoding.UTF8.GetBytes(body);
        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {code} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n{extra}\r\n");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_options.ResponseTimeout);
        var stream = client.GetStream();
        await stream.WriteAsync(header, timeout.Token).ConfigureAwait(false);
        if (!head)
            await stream.WriteAsync(payload, timeout.Token).ConfigureAwait(false);
        await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
        client.Client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Stops listening and cancels the requests in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        // _stop and _slots are not disposed: requests still finishing may touch them (neither holds a kernel handle).
    }
}

using System.Net.Sockets;
using Serilog.Core;
using Serilog.Events;

namespace KeepAlive.Controller.Logging;

/// <summary>
/// Serilog to the local syslog daemon: one RFC 3164 datagram per event on the Unix datagram socket at
/// <c>/dev/log</c> (injectable). A missing or restarted syslog daemon loses messages and never fails the caller: the
/// socket reconnects at the next event.
/// </summary>
public sealed class SyslogSink : ILogEventSink, IDisposable
{
    /// <summary>The local syslog socket.</summary>
    public const string DevLog = "/dev/log";

    private readonly object _gate = new();
    private readonly string _path;
    private readonly int _facility;
    private readonly string _ident;
    private readonly int _pid = Environment.ProcessId;
    private Socket? _socket;

    /// <param name="facility">syslog facility number (LOG_DAEMON = 3, LOG_LOCAL0 = 16...).</param>
    /// <param name="path">The socket; /dev/log unless a test gives its own.</param>
    /// <param name="ident">The program name in each line.</param>
    public SyslogSink(int facility, string path = DevLog, string ident = SyslogFormat.Ident)
    {
        SyslogFormat.Pri(facility, 0);
        _facility = facility;
        _path = path;
        _ident = ident;
    }

    public void Emit(LogEvent logEvent)
    {
        var text = logEvent.RenderMessage(null);
        if (logEvent.Exception is { } e)
            text += $": {e.GetType().Name}: {e.Message}";
        var datagram = SyslogFormat.Format(_facility, SyslogFormat.Severity(logEvent.Level), logEvent.Timestamp.LocalDateTime, _ident, _pid, text);
        var bytes = System.Text.Encoding.UTF8.GetBytes(datagram);
        lock (_gate)
        {
            for (int attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    _socket ??= Connect();
                    _socket.Send(bytes);
                    return;
                }
                catch (SocketException)
                {
                    _socket?.Dispose();
                    _socket = null;
                }
            }
        }
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace KeepAlive.Controller.Daemon;

/// <summary>The sd_notify(3) messages this daemon sends (Type=notify).</summary>
public static class SystemdMessages
{
    public const string Ready = "READY=1";

    public const string Stopping = "STOPPING=1";

    /// <summary>RELOADING=1 with the CLOCK_MONOTONIC time in microseconds, which Type=notify-reload requires.</summary>
    public static string Reloading(long monotonicMicroseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={monotonicMicroseconds}");

    /// <summary>A STATUS= line; line breaks would start another assignment and are replaced by spaces.</summary>
    public static string Status(string text) => "STATUS=" + text.Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>The socket address of <c>$NOTIFY_SOCKET</c>: a path, or an abstract name written with a leading '@';
    /// null when it is unset or neither.</summary>
    public static string? SocketAddress(string? notifySocket) => notifySocket switch
    {
        null or "" => null,
        ['@', .. var name] when name.Length > 0 => "\0" + name,
        ['/', ..] => notifySocket,
        _ => null,
    };
}

/// <summary>
/// systemd readiness without a package: datagrams to <c>$NOTIFY_SOCKET</c>. Without that variable (not run by
/// systemd with Type=notify) every call does nothing; a send that fails is reported once to the caller's log and
/// never stops the daemon.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly string? _address;
    private readonly Action<string> _problem;
    private readonly object _gate = new();
    private Socket? _socket;
    private bool _reported;

    /// <param name="notifySocket">The value of NOTIFY_SOCKET.</param>
    /// <param name="problem">Where a failed send is reported (once).</param>
    public SystemdNotifier(string? notifySocket, Action<string> problem)
    {
        _address = SystemdMessages.SocketAddress(notifySocket);
        _problem = problem;
        if (notifySocket is { Length: > 0 } && _address is null)
            problem($"NOTIFY_SOCKET '{notifySocket}' is neither a path nor an abstract name: no readiness notifications");
    }

    public bool Enabled => _address is not null;

    /// <summary>The current CLOCK_MONOTONIC in microseconds (.NET's Stopwatch reads it in nanoseconds on Linux).</summary>
    public static long MonotonicMicroseconds => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    /// <summary>Sends the lines as one datagram.</summary>
    public void Notify(params string[] lines)
    {
        if (_address is null)
            return;
        lock (_gate)
        {
            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _socket.SendTo(Encoding.UTF8.GetBytes(string.Join('\n', lines)), new UnixDomainSocketEndPoint(_address));
            }
            catch (SocketException e)
            {
                if (!_reported)
                    _problem($"cannot notify systemd at {_address.Replace('\0', '@')}: {e.Message}");
                _reported = true;
            }
        }
    }

    public void Dispose() => _socket?.Dispose();
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>A test's $NOTIFY_SOCKET: a Unix datagram socket bound to a path in its own temporary directory (a path,
/// not an abstract name: abstract sockets belong to one network namespace), collecting every datagram.</summary>
public sealed class NotifySocket : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-dm-notify-").FullName;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<string> _messages = [];
    private readonly Thread _reader;
    private volatile bool _closed;

    public NotifySocket()
    {
        Path = System.IO.Path.Combine(_dir, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _socket.ReceiveTimeout = 200;
        _reader = new Thread(Read) { IsBackground = true, Name = "notify-socket" };
        _reader.Start();
    }

    public string Path { get; }

    /// <summary>Every datagram so far, in order.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
                return _messages.ToList();
        }
    }

    /// <summary>How many datagrams contain the line <paramref name="line"/>.</summary>
    public int Count(string line) => Messages.Count(m => m.Split('\n').Contains(line));

    /// <summary>Waits until <paramref name="count"/> datagrams contain <paramref name="line"/>.</summary>
    public bool WaitFor(string line, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Count(line) >= count)
                return true;
            Thread.Sleep(20);
        }
        return Count(line) >= count;
    }

    public override string ToString() => string.Join(" | ", Messages.Select(m => m.Replace('\n', ';')));

    private void Read()
    {
        var buffer = new byte[4096];
        while (!_closed)
        {
            try
            {
                int n = _socket.Receive(buffer);
                lock (_messages)
                    _messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
            catch (SocketException)
            {
                // Timeout: look at _closed again.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _closed = true;
        _reader.Join(2000);
        _socket.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

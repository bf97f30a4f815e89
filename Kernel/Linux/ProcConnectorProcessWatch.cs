using System.Runtime.InteropServices;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="IProcessWatch"/> on the kernel's process event connector, as keepalived's track_process.c
/// (<c>nl_connect</c>, <c>set_proc_ev_listen</c>, <c>handle_proc_ev</c>): each subscription opens a
/// NETLINK_CONNECTOR socket bound to group CN_IDX_PROC, sends PROC_CN_MCAST_LISTEN and waits for the kernel's
/// acknowledgement (PROC_EVENT_NONE). Fork, exec, comm and exit events of whole processes become
/// <see cref="ProcessEvent"/>s (an exec is described by reading /proc right after). Only datagrams from the kernel
/// (netlink port 0) are believed.
/// <list type="bullet">
/// <item>The first event is <see cref="ProcessEvent.Resync"/>, sent once the kernel acknowledged, so a snapshot
/// taken then misses nothing.</item>
/// <item>ENOBUFS (the receive buffer overflowed, events were lost) is another Resync, and the buffer is doubled, as
/// keepalived does.</item>
/// <item>When the connector is unavailable (EPROTONOSUPPORT without CONFIG_PROC_EVENTS, EPERM without
/// CAP_NET_ADMIN, no acknowledgement: a non-initial pid or network namespace) the subscription falls back to
/// <see cref="ProcScanProcessWatch"/>'s periodic rescans; <see cref="LastConnectorResult"/> says why.</item>
/// <item>Dispose sends PROC_CN_MCAST_IGNORE and closes the socket (a SafeHandle: closed once).</item>
/// </list>
/// Pids are those of the initial pid namespace: run in it.
/// </summary>
public sealed class ProcConnectorProcessWatch : IProcessWatch
{
    private const int ENOBUFS = 105;
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(100);

    private readonly ProcScanProcessWatch _scanner;
    private readonly int _receiveBufferBytes;
    private readonly ProcessEventThreadSet _subscriptions = new();
    private volatile bool _disposed;
    private int _overflows;

    /// <param name="scanner">Snapshots, exec descriptions and the fallback; a default /proc scanner when null.</param>
    /// <param name="receiveBufferBytes">SO_RCVBUF for the socket (keepalived <c>process_monitor_rcv_bufs</c>); the
    /// kernel default when 0.</param>
    public ProcConnectorProcessWatch(ProcScanProcessWatch? scanner = null, int receiveBufferBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(receiveBufferBytes);
        _scanner = scanner ?? new ProcScanProcessWatch();
        _receiveBufferBytes = receiveBufferBytes;
    }

    /// <summary>How the latest subscription's connector setup went: Ok when it listens to the kernel, else the
    /// errno that sent it to periodic rescans.</summary>
    public KernelResult LastConnectorResult { get; private set; } = KernelResult.Fail(Errno.EBADF, "no subscription yet");

    /// <summary>How many ENOBUFS overflows the subscriptions met.</summary>
    public int Overflows => Volatile.Read(ref _overflows);

    /// <inheritdoc />
    public KernelResult Snapshot(out IReadOnlyList<ProcessEntry> processes)
    {
        if (_disposed)
        {
            processes = [];
            return Errno.Failure(Errno.EBADF, "process watch is disposed");
        }
        return _scanner.Snapshot(out processes);
    }

    /// <inheritdoc />
    /// <remarks>Opens the socket on the calling thread (so in its network namespace) and waits up to 1 s for the
    /// kernel's acknowledgement before returning; <see cref="LastConnectorResult"/> is set when it returns.</remarks>
    public IDisposable Subscribe(Action<ProcessEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var opened = Open(_receiveBufferBytes, out var socket);
        LastConnectorResult = opened;
        ProcessEventThread? thread = null;
        if (socket is null)
        {
            var reason = $"proc connector unavailable ({opened}): scanning /proc every {_scanner.PollInterval.TotalMilliseconds} ms";
            thread = new ProcessEventThread("ka-procscan", handler, t => _scanner.PollLoop(t, reason), () => Forget(thread!));
        }
        else
        {
            thread = new ProcessEventThread("ka-proccn", handler, t => ConnectorLoop(t, socket), () =>
            {
                Unsubscribe(socket);
                socket.Dispose();
                Forget(thread!);
            });
        }
        _subscriptions.Add(thread);
        thread.Start();
        return thread;
    }

    /// <summary>Stops every subscription (closing their sockets). Snapshots fail with EBADF afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        _subscriptions.DisposeAll();
    }

    private void Forget(ProcessEventThread thread) => _subscriptions.Forget(thread);

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    /// <summary>socket, SO_RCVBUF, bind to CN_IDX_PROC, LISTEN, wait for the ack. Null socket on any failure (then
    /// nothing stays open).</summary>
    private static unsafe KernelResult Open(int receiveBufferBytes, out FileDescriptorHandle? socket)
    {
        socket = null;
        int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, ProcConnectorCodec.NetlinkConnector);
        if (fd < 0)
            return Errno.LastFailure("socket(AF_NETLINK, NETLINK_CONNECTOR)");
        var handle = new FileDescriptorHandle(fd);
        var result = Setup(fd, receiveBufferBytes);
        if (!result.IsOk)
        {
            handle.Dispose();
            return result;
        }
        socket = handle;
        return KernelResult.Ok;
    }

    private static unsafe KernelResult Setup(int fd, int receiveBufferBytes)
    {
        if (receiveBufferBytes > 0)
        {
            var set = SocketOptions.Set(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, receiveBufferBytes, "SO_RCVBUF");
            if (!set.IsOk)
                return set;
        }
        var address = new SockaddrNl { Family = (ushort)LibC.AF_NETLINK, Groups = ProcConnectorCodec.IdxProc };
        if (LibC.bind(fd, (sockaddr*)&address, (uint)sizeof(SockaddrNl)) != 0)
            return Errno.LastFailure("bind netlink connector to CN_IDX_PROC");
        var sequence = (uint)Random.Shared.Next();
        var ack = (uint)Random.Shared.Next();
        var sent = Send(fd, listen: true, sequence, ack);
        if (!sent.IsOk)
            return sent;
        return AwaitAck(fd, ack);
    }

    private static unsafe KernelResult Send(int fd, bool listen, uint sequence = 0, uint ack = 0)
    {
        Span<byte> request = stackalloc byte[ProcConnectorCodec.SubscribeLength];
        // port id 0 in the header: the kernel answers by the socket's bound (auto-assigned) port either way.
        var length = ProcConnectorCodec.WriteSubscribe(request, listen, 0, sequence, ack);
        fixed (byte* p = request)
        {
            long sent;
            do
                sent = LibC.send(fd, p, length, 0);
            while (sent < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
            return sent == length ? KernelResult.Ok : Errno.LastFailure(listen ? "PROC_CN_MCAST_LISTEN" : "PROC_CN_MCAST_IGNORE");
        }
    }

    private static KernelResult AwaitAck(int fd, uint ack)
    {
        var buffer = new byte[ProcConnectorCodec.MaxDatagramLength + 64];
        var deadline = DateTime.UtcNow + AckTimeout;
        var others = 0;
        string? lastOther = null;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return Errno.Failure(Errno.ETIMEDOUT, $"no PROC_EVENT_NONE acknowledgement from the proc connector for ack {ack} (CONFIG_PROC_EVENTS off, or not the initial pid namespace; {others} other acknowledgements seen{(lastOther is null ? string.Empty : ", last " + lastOther)})");
            var got = Receive(fd, buffer, left, out var error);
            if (got < 0)
            {
                if (error.Errno == ENOBUFS)
                    continue;
                return error;
            }
            // acknowledgements go to every listener: only the one echoing our numbers is ours
            if (got == 0 || !ProcConnectorCodec.TryDecode(buffer.AsSpan(0, got), out var e))
                continue;
            if (!ProcConnectorCodec.IsAckOf(e, ack))
            {
                if (e.Kind == ProcEventKind.None)
                {
                    others++;
                    lastOther = $"seq {e.Sequence} ack {e.Ack} err {e.AckError}";
                }
                continue;
            }
            return e.AckError == 0 ? KernelResult.Ok : Errno.Failure((int)e.AckError, "PROC_CN_MCAST_LISTEN refused");
        }
    }

    /// <summary>poll up to <paramref name="timeout"/>, then one recvfrom. Returns the length (0: nothing yet, or a
    /// datagram not from the kernel), or -1 with the error.</summary>
    private static unsafe int Receive(int fd, byte[] buffer, TimeSpan timeout, out KernelResult error)
    {
        error = KernelResult.Ok;
        var pfd = default(pollfd);
        pfd.fd = fd;
        pfd.events = LibC.POLLIN;
        var ms = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        int ready = LibC.poll(&pfd, 1, ms);
        if (ready < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR)
                return 0;
            error = Errno.Failure(errno, "poll on the proc connector");
            return -1;
        }
        if (ready == 0)
            return 0;
        if ((pfd.revents & LibC.POLLNVAL) != 0)
        {
            error = Errno.Failure(Errno.EBADF, "poll on the proc connector");
            return -1;
        }
        var from = default(SockaddrNl);
        socklen_t fromLength = (uint)sizeof(SockaddrNl);
        long got;
        fixed (byte* b = buffer)
            got = LibC.recvfrom(fd, b, buffer.Length, LibC.MSG_DONTWAIT, (sockaddr*)&from, &fromLength);
        if (got < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.EINTR or Errno.EAGAIN)
                return 0;
            error = Errno.Failure(errno, "recvfrom on the proc connector");
            return -1;
        }
        if (fromLength != sizeof(SockaddrNl) || from.PortId != 0)
            return 0; // not the kernel: ignored, as keepalived does
        return (int)got;
    }

    private void ConnectorLoop(ProcessEventThread thread, FileDescriptorHandle socket)
    {
        var fd = (int)socket.DangerousGetHandle();
        var buffer = new byte[ProcConnectorCodec.MaxDatagramLength + 64];
        thread.Deliver(new ProcessEvent.Resync("subscribed: proc connector"));
        while (!thread.Stopping)
        {
            var got = Receive(fd, buffer, StopCheck, out var error);
            if (got == 0)
                continue;
            if (got < 0)
            {
                if (error.Errno == ENOBUFS)
                {
                    Interlocked.Increment(ref _overflows);
                    GrowReceiveBuffer(fd);
                    thread.Deliver(new ProcessEvent.Resync("proc connector events lost (ENOBUFS)"));
                    continue;
                }
                // an unexpected socket failure: keep tracking by rescans rather than going blind.
                LastConnectorResult = error;
                _scanner.PollLoop(thread, $"proc connector failed ({error}): scanning /proc");
                return;
            }
            if (!ProcConnectorCodec.TryDecode(buffer.AsSpan(0, got), out var e))
                continue;
            if (ProcConnectorCodec.ToProcessEvent(e, _scanner.TryRead) is { } processEvent)
                thread.Deliver(processEvent);
        }
    }

    private static unsafe void GrowReceiveBuffer(int fd)
    {
        int size = 0;
        socklen_t length = sizeof(int);
        if (LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, &size, &length) != 0 || size <= 0)
            return;
        // the kernel reports twice what was set; setting the reported value doubles the usable space.
        var bigger = (int)Math.Min(int.MaxValue, (long)size);
        if (!SocketOptions.Set(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, bigger, "SO_RCVBUFFORCE").IsOk)
            SocketOptions.Set(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, bigger, "SO_RCVBUF");
    }

    private static void Unsubscribe(FileDescriptorHandle socket)
    {
        if (socket.IsClosed)
            return;
        Send((int)socket.DangerousGetHandle(), listen: false);
    }
}

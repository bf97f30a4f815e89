using System.Diagnostics;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

public sealed partial class RawVrrpSocket
{
    private const int IPv4HeaderMin = 20;
    private const int IPv4TtlOffset = 8;
    private const int IPv4ProtocolOffset = 9;
    private const int IPv4SourceOffset = 12;
    private const int IPv4DestinationOffset = 16;

    private AddressCache _sources;
    private AddressCache _destinations;
    private ReceiveBatch? _batch;
    private long _receiveCalls;
    private bool _inBurst;

    /// <summary>Again: nothing for the caller yet (EAGAIN, EINTR, or a datagram a unicast-mode socket ignores), so
    /// the wait goes on until the deadline.</summary>
    private enum Outcome { Received, Again, Failed }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (poll on the fd; <see cref="Timeout.InfiniteTimeSpan"/> waits for
    /// ever in a blocking recvmmsg, which <see cref="Dispose"/> ends) for one datagram and puts the VRRP message,
    /// without any IP header, at the start of <paramref name="buffer"/>. Datagrams queued together are read by one
    /// system call and handed out by the next calls without another (<see cref="ReceiveBatch"/>), so one thread at a
    /// time receives on a socket. False with ETIMEDOUT when nothing came; false with another errno for a closed
    /// socket, a datagram larger than the buffer (EMSGSIZE) or a malformed IPv4 header (EBADMSG).
    /// </summary>
    public bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        bool added = false;
        try
        {
            if (_fd.IsClosed)
            {
                error = Errno.Failure(Errno.EBADF, $"receive on {this} after Dispose");
                return false;
            }
            _fd.DangerousAddRef(ref added);
            return ReceiveUntil(_fd.DangerousGetHandle().ToInt32(), buffer, FdPoll.Deadline(timeout), timeout, out datagram, out error);
        }
        catch (ObjectDisposedException)
        {
            error = Errno.Failure(Errno.EBADF, $"receive on {this} after Dispose");
            return false;
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    private unsafe bool ReceiveUntil(int fd, Memory<byte> buffer, long deadline, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error)
    {
        datagram = default;
        while (true)
        {
            if (_closing)
                return Closed(out error);
            if (_batch is { Pending: > 0 } batch)
            {
                // A datagram the last recvmmsg read: no system call.
                var taken = Family == AddressFamily.InterNetwork
                    ? TakeIPv4(batch, buffer, out datagram, out error)
                    : TakeIPv6(batch, buffer, out datagram, out error);
                if (taken != Outcome.Again)
                    return taken == Outcome.Received;
                continue;
            }
            if (deadline == long.MaxValue)
            {
                // No deadline: a blocking recvmmsg that returns once one datagram came, with whatever else is queued,
                // instead of poll + recvmsg (the fd is blocking; Dispose shuts the socket down, which ends the wait).
                // Inside a burst, let the rest of it queue up first (ReceiveCoalescing).
                if (_inBurst)
                {
                    var pause = TimingNative.Timespec.FromNanoseconds(_coalescing.Ticks * 100);
                    TimingNative.clock_nanosleep(TimingNative.CLOCK_MONOTONIC, 0, &pause, null);
                }
                long waitFrom = Stopwatch.GetTimestamp();
                var blocking = Fill(fd, buffer.Length, LibC.MSG_WAITFORONE, out error);
                _inBurst = _coalescing > TimeSpan.Zero && blocking == Outcome.Received
                    && ReceiveCoalescing.InBurst(_batch!.Pending, Stopwatch.GetElapsedTime(waitFrom), NewestAge(_batch), _coalescing);
                if (_closing)
                    return Closed(out error);
                if (blocking == Outcome.Failed)
                    return false;
                continue;
            }
            var pfd = default(pollfd);
            pfd.fd = fd;
            pfd.events = LibC.POLLIN;
            int ready = LibC.poll(&pfd, 1, FdPoll.Milliseconds(deadline));
            if (ready < 0)
            {
                int errno = LibC.errno;
                if (errno == Errno.EINTR)
                    continue;
                error = Errno.Failure(errno, $"poll on {this}");
                return false;
            }
            if (ready == 0)
            {
                if (FdPoll.Milliseconds(deadline) > 0)
                    continue;
                error = Errno.Failure(Errno.ETIMEDOUT, $"no VRRP datagram on {this} within {timeout.TotalMilliseconds} ms");
                return false;
            }
            if ((pfd.revents & LibC.POLLNVAL) != 0)
            {
                error = Errno.Failure(Errno.EBADF, $"poll on {this}");
                return false;
            }
            if (_closing)
                return Closed(out error);
            if (Fill(fd, buffer.Length, LibC.MSG_DONTWAIT, out error) == Outcome.Failed)
                return false;
        }
    }

    /// <summary>One recvmmsg into the socket's batch (made, or made larger, for a caller's buffer of
    /// <paramref name="capacity"/> bytes). Received: at least one datagram is pending; Again: EAGAIN or EINTR.</summary>
    private Outcome Fill(int fd, int capacity, int flags, out KernelResult error)
    {
        if (_batch is null || _batch.Capacity < capacity)
            _batch = new ReceiveBatch(capacity, splitHeader: Family == AddressFamily.InterNetwork);
        int read = _batch.Fill(fd, flags);
        if (read < 0)
            return FailedRecv($"recvmmsg on {this}", out error);
        Interlocked.Increment(ref _receiveCalls);
        error = KernelResult.Ok;
        return read > 0 ? Outcome.Received : Outcome.Again;
    }

    /// <summary>How long ago the newest datagram of the batch reached the socket (zero when unknown).</summary>
    private static unsafe TimeSpan NewestAge(ReceiveBatch batch)
    {
        var msg = batch.Newest;
        if (msg == null)
            return TimeSpan.Zero;
        for (var c = LibC.CMSG_FIRSTHDR(msg); c != null; c = LibC.CMSG_NXTHDR(msg, c))
        {
            if (IsArrivalTime(c))
                return AgeSince((timespec*)LibC.CMSG_DATA(c));
        }
        return TimeSpan.Zero;
    }

    /// <summary>System calls that read datagrams (each recvmmsg reads all that were queued, up to
    /// <see cref="ReceiveBatch.MaxSlots"/>): a diagnostic of how well bursts are batched.</summary>
    public long ReceiveCalls => Interlocked.Read(ref _receiveCalls);

    private bool Closed(out KernelResult error)
    {
        error = Errno.Failure(Errno.EBADF, $"{this} was closed during the receive");
        return false;
    }

    private static Outcome FailedRecv(string doing, out KernelResult error)
    {
        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        error = Errno.Failure(errno, doing);
        return errno is Errno.EAGAIN or Errno.EINTR ? Outcome.Again : Outcome.Failed;
    }

    private static Outcome Malformed(string why, out KernelResult error)
    {
        error = Errno.Failure(Errno.EBADMSG, why);
        return Outcome.Failed;
    }

    private static Outcome Truncated(int capacity, out KernelResult error)
    {
        error = Errno.Failure(Errno.EMSGSIZE, $"datagram longer than the {capacity}-byte buffer (truncated, dropped)");
        return Outcome.Failed;
    }

    /// <summary>The longest age believed: beyond it (a realtime clock step between arrival and read) the age is
    /// unknown.</summary>
    private static readonly TimeSpan MaxArrivalAge = TimeSpan.FromSeconds(1);

    /// <summary>Now minus a SCM_TIMESTAMPNS arrival time (CLOCK_REALTIME, as is the clock DateTime.UtcNow reads);
    /// zero when the difference is negative or implausibly large.</summary>
    private static unsafe TimeSpan AgeSince(timespec* arrived)
    {
        long arrivedTicks = DateTime.UnixEpoch.Ticks + arrived->tv_sec * TimeSpan.TicksPerSecond + arrived->tv_nsec / 100;
        var age = TimeSpan.FromTicks(DateTime.UtcNow.Ticks - arrivedTicks);
        return age >= TimeSpan.Zero && age <= MaxArrivalAge ? age : TimeSpan.Zero;
    }

    /// <summary>True for the SOL_SOCKET / SCM_TIMESTAMPNS control message.</summary>
    private static unsafe bool IsArrivalTime(cmsghdr* c) => c->cmsg_level == LibC.SOL_SOCKET && c->cmsg_type == LibC.SCM_TIMESTAMPNS;
}

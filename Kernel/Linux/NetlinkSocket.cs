using System.Buffers.Binary;
using System.Diagnostics;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Netlink;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>Called for each data message of a reply (not for ACKs, errors or NLMSG_DONE).</summary>
public delegate void NetlinkReplyHandler(NetlinkMessage message);

/// <summary>
/// A netlink socket (the managed Socket class refuses AF_NETLINK, so libc calls on an fd owned by a SafeHandle):
/// requests with sequence numbers whose replies are matched by sequence (stale replies of an earlier, timed-out
/// request are skipped), dumps read to NLMSG_DONE (which ends a dump even when it asked for an ACK: the kernel sends
/// none after a dump, 6.1 and 6.18 alike), and a receive for multicast event sockets. Opened in the calling thread's network namespace. Not
/// thread-safe: one owner (the effector, or the monitor thread) uses it.
/// </summary>
public sealed class NetlinkSocket : IDisposable
{
    public const int ProtocolRoute = 0;
    public const int ProtocolGeneric = 16;
    public const int ProtocolNetfilter = 12;
    private const int AfNetlink = 16;
    private const int SolNetlink = 270;
    private const int NetlinkExtAck = 11;
    private const int SockaddrNlLength = 12;
    private const int ENOBUFS = 105;

    private readonly FileDescriptorHandle _fd;
    private readonly byte[] _receive;
    private uint _sequence;

    private NetlinkSocket(FileDescriptorHandle fd, uint portId, int protocol, int receiveBufferBytes)
    {
        _fd = fd;
        PortId = portId;
        Protocol = protocol;
        _receive = new byte[Math.Max(receiveBufferBytes, 32 * 1024)];
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel gave this socket.</summary>
    public uint PortId { get; }

    public int Protocol { get; }

    /// <summary>How long a request waits for its answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Opens a socket of <paramref name="protocol"/>, subscribed to the multicast <paramref name="groups"/>
    /// (0 for a request socket); <paramref name="kernelReceiveBuffer"/> sets SO_RCVBUF when positive.</summary>
    public static unsafe KernelResult Open(int protocol, uint groups, int kernelReceiveBuffer, out NetlinkSocket? socket)
    {
        socket = null;
        int fd = LibC.socket(AfNetlink, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (fd < 0)
            return Errno.LastFailure($"socket(AF_NETLINK, {protocol})");
        var handle = new FileDescriptorHandle(fd);
        if (kernelReceiveBuffer > 0)
        {
            var r = SocketOptions.Set(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, kernelReceiveBuffer, "SO_RCVBUF");
            if (!r.IsOk)
            {
                handle.Dispose();
                return r;
            }
        }
        // Extended ACKs give the kernel's error text; older kernels refuse the option, which is harmless.
        SocketOptions.Set(fd, SolNetlink, NetlinkExtAck, 1, "NETLINK_EXT_ACK");
        Span<byte> address = stackalloc byte[SockaddrNlLength];
        address.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(address, AfNetlink);
        BinaryPrimitives.WriteUInt32LittleEndian(address[8..], groups);
        fixed (byte* a = address)
        {
            if (LibC.bind(fd, (sockaddr*)a, SockaddrNlLength) != 0)
            {
                var failure = Errno.LastFailure($"bind netlink {protocol} groups 0x{groups:x}");
                handle.Dispose();
                return failure;
            }
            int length = SockaddrNlLength;
            if (LibC.getsockname(fd, (sockaddr*)a, (socklen_t*)&length) != 0)
            {
                var failure = Errno.LastFailure("getsockname netlink");
                handle.Dispose();
                return failure;
            }
        }
        socket = new NetlinkSocket(handle, BinaryPrimitives.ReadUInt32LittleEndian(address[4..]), protocol, kernelReceiveBuffer > 0 ? kernelReceiveBuffer : 0);
        return KernelResult.Ok;
    }

    /// <summary>A fresh sequence number for the next request.</summary>
    public uint NextSequence() => ++_sequence == 0 ? ++_sequence : _sequence;

    /// <summary>Reserves <paramref name="count"/> consecutive sequence numbers (for a batch) and returns the first.</summary>
    public uint ReserveSequences(int count)
    {
        uint first = NextSequence();
        if (unchecked(first + (uint)count) < first)
        {
            _sequence = 0;
            first = NextSequence();
        }
        _sequence = unchecked(first + (uint)count - 1);
        return first;
    }

    /// <summary>
    /// Sends one request (its nlmsg_seq must come from <see cref="NextSequence"/>) and reads its answer: data
    /// messages go to <paramref name="onData"/>; the result is the kernel's errno (0 = success). EEXIST and the like
    /// are returned as they are: the caller decides what "already there" means.
    /// </summary>
    public KernelResult Request(ReadOnlySpan<byte> request, NetlinkReplyHandler? onData, string doing)
    {
        if (request.Length < NetlinkConstants.HeaderLength)
            return Errno.Failure(Errno.EINVAL, $"{doing}: request shorter than a netlink header");
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(request[6..]);
        return SendAndAwait(request, new ReplyExpectation(sequence, 1, AcksOnly: false,
            Dump: (flags & NetlinkConstants.FlagDump) == NetlinkConstants.FlagDump,
            WantsAck: (flags & NetlinkConstants.FlagAck) != 0, onData), doing);
    }

    /// <summary>
    /// Sends an nfnetlink batch whose <paramref name="acks"/> messages from sequence <paramref name="firstAcked"/> on
    /// each asked for an ACK, and waits for all of them. The kernel applies a batch all or none: the first error it
    /// reports is the result (the rest of that batch's answers are skipped as stale by later requests).
    /// </summary>
    public KernelResult RequestBatch(ReadOnlySpan<byte> batch, uint firstAcked, int acks, string doing) =>
        SendAndAwait(batch, new ReplyExpectation(firstAcked, acks, AcksOnly: true, Dump: false, WantsAck: true, null), doing);

    /// <summary>
    /// Sends independent requests in one datagram — <paramref name="answers"/>.Length messages with consecutive
    /// sequences from <paramref name="firstSequence"/>, each asking for an ACK — and waits for every answer:
    /// <paramref name="answers"/>[i] is what the kernel said to the i-th (an ACK or its error). rtnetlink runs the
    /// messages of a datagram one by one and an error stops none of the others, so a failure is an answer, not the
    /// end of the wait. The result is the exchange's own: a failed send, a malformed answer, or no answer in time
    /// (the answers that came are filled in; the others stay null).
    /// </summary>
    public KernelResult RequestEach(ReadOnlySpan<byte> requests, uint firstSequence, NetlinkError?[] answers, string doing)
    {
        ArgumentNullException.ThrowIfNull(answers);
        Array.Clear(answers);
        return answers.Length == 0
            ? KernelResult.Ok
            : SendAndAwait(requests, new ReplyExpectation(firstSequence, answers.Length, AcksOnly: true, Dump: false, WantsAck: true, null) { EachAnswer = answers }, doing);
    }

    /// <summary>
    /// What a sent request waits for: answers whose sequence lies in [<paramref name="FirstSequence"/>,
    /// <paramref name="FirstSequence"/> + <paramref name="Acks"/>) and whose port is ours (or the kernel's, 0).
    /// </summary>
    /// <param name="FirstSequence">The sequence of the first message that is answered.</param>
    /// <param name="Acks">How many ACKs complete the request (a single request: one).</param>
    /// <param name="AcksOnly">A batch: only NLMSG_ERROR answers count; data and NLMSG_DONE are skipped.</param>
    /// <param name="Dump">NLM_F_DUMP: data runs to NLMSG_DONE.</param>
    /// <param name="WantsAck">NLM_F_ACK: an ACK ends the answer (a dump's ends at NLMSG_DONE all the same).</param>
    /// <param name="OnData">Receives each data message.</param>
    private readonly record struct ReplyExpectation(uint FirstSequence, int Acks, bool AcksOnly, bool Dump, bool WantsAck, NetlinkReplyHandler? OnData)
    {
        /// <summary>Independent requests: each answer, error or ACK, is kept here by its sequence and counts once.</summary>
        public NetlinkError?[]? EachAnswer { get; init; }

        public bool Answers(NetlinkMessage message, uint portId) =>
            unchecked(message.Sequence - FirstSequence) < (uint)Acks && (message.PortId == portId || message.PortId == 0);
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads answers until <paramref name="expect"/> is met: every ACK arrived,
    /// a dump ended (NLMSG_DONE), or a single data reply came that
    /// asked for nothing more. The first kernel error, a malformed answer or the timeout ends it early. Answers to
    /// other (earlier, timed-out) requests are skipped.
    /// </summary>
    private KernelResult SendAndAwait(ReadOnlySpan<byte> request, in ReplyExpectation expect, string doing)
    {
        bool added = false;
        try
        {
            if (!TryAcquire(ref added, out int fd, out var closed))
                return closed;
            var sent = Send(fd, request, doing);
            if (!sent.IsOk)
                return sent;
            long deadline = Stopwatch.GetTimestamp() + (long)(RequestTimeout.TotalSeconds * Stopwatch.Frequency);
            int acked = 0;
            while (acked < expect.Acks)
            {
                var received = ReceiveOnce(fd, deadline, out int length, doing);
                if (!received.IsOk)
                    return received;
                var reader = new NetlinkMessageReader(_receive.AsSpan(0, length));
                while (reader.TryRead(out var message))
                {
                    if (!expect.Answers(message, PortId))
                        continue;                                   // a late answer to an earlier request
                    if (message.IsError)
                    {
                        if (message.TryGetError(out var error) != NetlinkDecodeError.None)
                            return Errno.Failure(Errno.EBADMSG, $"{doing}: malformed NLMSG_ERROR");
                        if (expect.EachAnswer is { } answers)
                        {
                            ref var slot = ref answers[unchecked((int)(message.Sequence - expect.FirstSequence))];
                            if (slot is null)
                            {
                                slot = error;
                                if (++acked == expect.Acks)
                                    return KernelResult.Ok;
                            }
                            continue;
                        }
                        if (!error.IsAck)
                            return KernelResult.Fail(error.Errno, $"{doing}: {error.Describe()}");
                        if (++acked == expect.Acks)
                            return KernelResult.Ok;
                        continue;
                    }
                    if (expect.AcksOnly)
                        continue;
                    // The kernel answers a dump's NLM_F_ACK with nothing after NLMSG_DONE (netlink_rcv_skb skips the ACK
                    // of a started dump): waiting for one cost 0.5 s per IPVS dump, 14 minutes to list 1,700 services.
                    if (message.IsDone)
                        return KernelResult.Ok;
                    expect.OnData?.Invoke(message);
                    if (!expect.Dump && !message.IsMultipart && !expect.WantsAck)
                        return KernelResult.Ok;
                }
                if (reader.Error != NetlinkDecodeError.None)
                    return Errno.Failure(Errno.EBADMSG, $"{doing}: malformed reply ({reader.Error})");
            }
            return KernelResult.Ok;
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) for one datagram
    /// of an event socket and hands each message to <paramref name="onMessage"/>. ENOBUFS (events were lost) comes back
    /// as that errno: re-read the state.</summary>
    public KernelResult ReceiveEvents(TimeSpan timeout, NetlinkReplyHandler onMessage) => ReceiveEvents(timeout, onMessage, null);

    /// <summary>As <see cref="ReceiveEvents(TimeSpan, NetlinkReplyHandler)"/>, and ECANCELED as soon as
    /// <paramref name="stop"/> (an eventfd) is signalled.</summary>
    internal KernelResult ReceiveEvents(TimeSpan timeout, NetlinkReplyHandler onMessage, FileDescriptorHandle? stop)
    {
        bool added = false, stopAdded = false;
        try
        {
            if (!TryAcquire(ref added, out int fd, out var closed))
                return closed;
            int stopFd = -1;
            if (stop is not null && !stop.TryAcquire(ref stopAdded, out stopFd))
                return Errno.Failure(Errno.ECANCELED, "receive netlink events: stopped");
            var received = ReceiveOnce(fd, FdPoll.Deadline(timeout), out int length, "receive netlink events", stopFd);
            if (!received.IsOk)
                return received;
            var reader = new NetlinkMessageReader(_receive.AsSpan(0, length));
            while (reader.TryRead(out var message))
                onMessage(message);
            return KernelResult.Ok;
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
            if (stopAdded)
                stop!.DangerousRelease();
        }
    }

    private unsafe KernelResult Send(int fd, ReadOnlySpan<byte> request, string doing)
    {
        Span<byte> to = stackalloc byte[SockaddrNlLength];
        to.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(to, AfNetlink);
        fixed (byte* data = request)
        fixed (byte* address = to)
        {
            while (true)
            {
                long sent = LibC.sendto(fd, data, request.Length, 0, (sockaddr*)address, SockaddrNlLength);
                if (sent == request.Length)
                    return KernelResult.Ok;
                var failure = sent < 0 ? Errno.LastFailure(doing) : Errno.Failure(Errno.EMSGSIZE, $"{doing}: short send");
                if (failure.Errno != Errno.EINTR)
                    return failure;
            }
        }
    }

    private unsafe KernelResult ReceiveOnce(int fd, long deadline, out int length, string doing, int stopFd = -1)
    {
        length = 0;
        fixed (byte* buffer = _receive)
        {
            while (true)
            {
                var ready = FdPoll.WaitReadable(fd, deadline, doing, stopFd);
                if (!ready.IsOk)
                    return ready.Errno == Errno.ETIMEDOUT ? Errno.Failure(Errno.ETIMEDOUT, $"{doing}: no answer from the kernel") : ready;
                long n = LibC.recv(fd, buffer, _receive.Length, LibC.MSG_TRUNC);
                if (n < 0)
                {
                    var e = Errno.LastFailure($"{doing}: recv");
                    if (e.Errno is Errno.EINTR or Errno.EAGAIN)
                        continue;
                    return e.Errno == ENOBUFS ? KernelResult.Fail(ENOBUFS, $"{doing}: the kernel dropped messages (ENOBUFS)") : e;
                }
                if (n > _receive.Length)
                    return Errno.Failure(Errno.EMSGSIZE, $"{doing}: a {n}-byte datagram does not fit {_receive.Length} bytes");
                length = (int)n;
                return KernelResult.Ok;
            }
        }
    }

    private bool TryAcquire(ref bool added, out int fd, out KernelResult error)
    {
        bool ok = _fd.TryAcquire(ref added, out fd);
        error = ok ? KernelResult.Ok : Errno.Failure(Errno.EBADF, "netlink socket is closed");
        return ok;
    }

    /// <summary>Closes the fd; a second call does nothing.</summary>
    public void Dispose() => _fd.Dispose();
}

using System.Runtime.InteropServices;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// The datagrams one recvmmsg(2) read from a raw socket, handed out one at a time: a backup of many instances hears
/// its master's adverts in bursts (several per wake-up of the receive thread), and one system call now reads the
/// whole burst instead of one recvmsg per datagram. Each slot has what recvmsg had: a separate buffer for the fixed
/// IPv4 header (so the VRRP message starts at offset 0 of the data), the data, room for the control messages and a
/// source address. All of it lives in one array pinned for the batch's life: a receive that is still in the kernel
/// when the socket is disposed writes into memory the garbage collector cannot free under it.
/// <para>Not thread-safe: one receiving thread per socket, as <see cref="RawVrrpSocket"/> documents.</para>
/// </summary>
internal sealed unsafe partial class ReceiveBatch
{
    /// <summary>The fixed IPv4 header, read apart from the data.</summary>
    public const int HeaderBytes = 20;

    /// <summary>Per slot: IP_PKTINFO or IPV6_PKTINFO, IPV6_HOPLIMIT and SCM_TIMESTAMPNS, with room to spare.</summary>
    public const int ControlBytes = 256;

    /// <summary>The smallest data capacity per slot: every valid VRRP message fits (an IPv6 advert of 255 addresses
    /// is 4,088 bytes), so a larger one is truncated only where the caller's own buffer would have truncated it.</summary>
    public const int MinimumCapacity = 4096;

    /// <summary>At most this many datagrams per system call.</summary>
    public const int MaxSlots = 16;

    private const int MaxBytes = 256 * 1024;
    private const int NameBytes = 32;                 // sockaddr_in6 is 28
    private const int Align = 16;

    private readonly byte[] _memory;
    private readonly MultiMessage* _messages;
    private readonly iovec* _iov;
    private readonly byte* _names;
    private readonly byte* _controls;
    private readonly byte* _headers;
    private readonly byte* _data;
    private readonly bool _splitHeader;
    private int _count;
    private int _next;
    private int _dirty;

    /// <summary>A batch whose slots hold at least <paramref name="capacity"/> data bytes each; with
    /// <paramref name="splitHeader"/> (IPv4) the first <see cref="HeaderBytes"/> of each datagram go to a buffer of
    /// their own.</summary>
    public ReceiveBatch(int capacity, bool splitHeader)
    {
        Capacity = Math.Max(MinimumCapacity, capacity);
        Slots = Math.Clamp(MaxBytes / Capacity, 1, MaxSlots);
        _splitHeader = splitHeader;
        int messages = Round(Slots * sizeof(MultiMessage));
        int iov = Round(Slots * 2 * sizeof(iovec));
        int names = Slots * NameBytes;
        int controls = Slots * ControlBytes;
        int headers = Round(Slots * HeaderBytes);
        long total = (long)messages + iov + names + controls + headers + (long)Slots * Round(Capacity) + Align;
        _memory = GC.AllocateArray<byte>(checked((int)total), pinned: true);
        byte* start = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_memory, 0);
        byte* at = (byte*)(((nuint)start + Align - 1) & ~(nuint)(Align - 1));
        _messages = (MultiMessage*)at; at += messages;
        _iov = (iovec*)at; at += iov;
        _names = at; at += names;
        _controls = at; at += controls;
        _headers = at; at += headers;
        _data = at;
        for (int i = 0; i < Slots; i++)
            Prepare(i);
    }

    /// <summary>Data bytes each slot holds (after the split IPv4 header, if any).</summary>
    public int Capacity { get; }

    /// <summary>Datagrams one <see cref="Fill"/> reads at most.</summary>
    public int Slots { get; }

    /// <summary>Datagrams read and not yet taken.</summary>
    public int Pending => _count - _next;

    /// <summary>Reads up to <see cref="Slots"/> datagrams with one recvmmsg(2) (<paramref name="flags"/>: MSG_WAITFORONE
    /// to wait for the first one, MSG_DONTWAIT not to wait). Only when nothing is pending. Returns the count, or -1
    /// with the errno in the last P/Invoke error.</summary>
    public int Fill(int fd, int flags)
    {
        if (Pending > 0)
            throw new InvalidOperationException("the batch still holds datagrams");
        // The kernel writes back lengths and flags only in the slots it filled: those of the last call are reset.
        for (int i = 0; i < _dirty; i++)
            Prepare(i);
        _count = _next = 0;
        int read = recvmmsg(fd, _messages, (uint)Slots, flags, null);
        _dirty = read > 0 ? read : 1;              // a failed call may have touched the first one
        if (read > 0)
            _count = read;
        return read;
    }

    /// <summary>The next datagram read and not yet taken: its recvmsg header (msg_flags and the control messages as
    /// the kernel left them), its length as recvmsg would have returned it (split header included), the split header
    /// (null without one) and the data.</summary>
    public bool TryTake(out msghdr* message, out int length, out byte* header, out byte* data)
    {
        if (_next >= _count)
        {
            message = null;
            length = 0;
            header = data = null;
            return false;
        }
        int slot = _next++;
        message = &_messages[slot].Header;
        length = (int)_messages[slot].Length;
        header = _splitHeader ? _headers + slot * HeaderBytes : null;
        data = _data + (long)slot * Round(Capacity);
        return true;
    }

    /// <summary>The recvmsg header of the last datagram the last <see cref="Fill"/> read (its control messages carry
    /// its arrival time); null when it read none.</summary>
    public msghdr* Newest => _count > 0 ? &_messages[_count - 1].Header : null;

    private void Prepare(int slot)
    {
        var iov = _iov + slot * 2;
        var message = &_messages[slot];
        int parts = 0;
        if (_splitHeader)
        {
            iov[parts].iov_base = _headers + slot * HeaderBytes;
            iov[parts].iov_len = HeaderBytes;
            parts++;
        }
        iov[parts].iov_base = _data + (long)slot * Round(Capacity);
        iov[parts].iov_len = Capacity;
        parts++;
        message->Header = default;
        message->Header.msg_name = _names + slot * NameBytes;
        message->Header.msg_namelen = NameBytes;
        message->Header.msg_iov = iov;
        message->Header.msg_iovlen = parts;
        message->Header.msg_control = _controls + slot * ControlBytes;
        message->Header.msg_controllen = ControlBytes;
        message->Length = 0;
    }

    private static int Round(int bytes) => (bytes + Align - 1) & ~(Align - 1);

    /// <summary>struct mmsghdr: a msghdr and the length recvmmsg read into it (Tmds.LibC has no recvmmsg).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MultiMessage
    {
        public msghdr Header;
        public uint Length;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int recvmmsg(int fd, MultiMessage* messages, uint count, int flags, timespec* timeout);
}

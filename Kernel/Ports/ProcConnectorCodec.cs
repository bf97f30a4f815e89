using System.Buffers.Binary;
using System.Text;

namespace KeepAlive.Kernel.Ports;

/// <summary>The <c>what</c> of a proc connector event (linux/cn_proc.h <c>enum what</c>).</summary>
public enum ProcEventKind : uint
{
    /// <summary>PROC_EVENT_NONE: the acknowledgement of a listen/ignore request.</summary>
    None = 0x0,
    Fork = 0x1,
    Exec = 0x2,
    Uid = 0x4,
    Gid = 0x40,
    Sid = 0x80,
    Ptrace = 0x100,
    Comm = 0x200,
    Coredump = 0x40000000,
    Exit = 0x80000000,
}

/// <summary>One decoded proc connector message: the connector header's sequence and ack, and the event's fields
/// (those that the event kind does not carry are zero).</summary>
public readonly record struct ProcConnectorEvent(
    ProcEventKind Kind,
    uint Cpu,
    uint Sequence,
    uint Ack,
    ulong TimestampNs,
    int Pid,
    int Tgid,
    int ParentPid,
    int ParentTgid,
    int ChildPid,
    int ChildTgid,
    string? Comm,
    uint ExitCode,
    uint ExitSignal,
    uint AckError);

/// <summary>
/// The bytes of the kernel's process event connector (NETLINK_CONNECTOR, group CN_IDX_PROC), from
/// linux/netlink.h, linux/connector.h and linux/cn_proc.h, host byte order:
/// <code>
/// nlmsghdr   0: u32 len, u16 type, u16 flags, u32 seq, u32 pid                        (16 bytes)
/// cn_msg    16: u32 idx, u32 val, u32 seq, u32 ack, u16 len, u16 flags                (20 bytes)
/// proc_event 36: u32 what, u32 cpu, u64 timestamp_ns, then event_data at +16:
///   fork {parent_pid, parent_tgid, child_pid, child_tgid}   exec {pid, tgid}
///   comm {pid, tgid, char comm[16]}                          exit {pid, tgid, code, signal, parent_pid, parent_tgid}
///   ack  {u32 err}
/// </code>
/// The proc_event follows cn_msg unpadded (36 is not 8-aligned), so it is read field by field; the kernel sends one
/// event per datagram. Pure: no socket here.
/// </summary>
public static class ProcConnectorCodec
{
    public const int NetlinkHeaderLength = 16;
    public const int ConnectorHeaderLength = 20;
    public const int EventHeaderLength = 16;

    /// <summary>Offset of the proc_event in a datagram.</summary>
    public const int EventOffset = NetlinkHeaderLength + ConnectorHeaderLength;

    /// <summary>Length of the listen/ignore request: the headers and a u32 op.</summary>
    public const int SubscribeLength = EventOffset + 4;

    /// <summary>NETLINK_CONNECTOR, the netlink protocol.</summary>
    public const int NetlinkConnector = 11;

    /// <summary>CN_IDX_PROC and CN_VAL_PROC; the index is also the multicast group to bind.</summary>
    public const uint IdxProc = 1;

    public const uint ValProc = 1;

    /// <summary>PROC_CN_MCAST_LISTEN and PROC_CN_MCAST_IGNORE.</summary>
    public const uint McastListen = 1;

    public const uint McastIgnore = 2;

    /// <summary>NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE.</summary>
    public const ushort NlmsgNoop = 1;

    public const ushort NlmsgError = 2;

    public const ushort NlmsgDone = 3;

    /// <summary>Bytes of the comm field in a PROC_EVENT_COMM (TASK_COMM_LEN).</summary>
    public const int CommFieldLength = 16;

    /// <summary>The largest datagram worth receiving: headers and the largest event_data (exit, 24 bytes; comm 24).</summary>
    public const int MaxDatagramLength = EventOffset + EventHeaderLength + 24;

    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);

    /// <summary>Writes the request that starts (<paramref name="listen"/>) or stops the event stream: nlmsghdr type
    /// NLMSG_DONE, cn_msg id {CN_IDX_PROC, CN_VAL_PROC} with <paramref name="sequence"/> and <paramref name="ack"/>,
    /// len 4, then the op. The kernel's acknowledgement (PROC_EVENT_NONE) carries ack + 1 (its sequence is the
    /// CPU's event counter, not ours) and goes to every listener, so a random ack tells ours from another
    /// program's. Returns the length written.</summary>
    public static int WriteSubscribe(Span<byte> destination, bool listen, uint portId, uint sequence = 0, uint ack = 0)
    {
        if (destination.Length < SubscribeLength)
            throw new ArgumentException($"needs {SubscribeLength} bytes", nameof(destination));
        var d = destination[..SubscribeLength];
        d.Clear();
        WriteU32(d, 0, SubscribeLength);
        WriteU16(d, 4, NlmsgDone);
        WriteU32(d, 12, portId);
        WriteU32(d, 16, IdxProc);
        WriteU32(d, 20, ValProc);
        WriteU32(d, 24, sequence);
        WriteU32(d, 28, ack);
        WriteU16(d, 32, 4);
        WriteU32(d, 36, listen ? McastListen : McastIgnore);
        return SubscribeLength;
    }

    /// <summary>Decodes one datagram. False for anything that is not a well-formed proc event: too short, a netlink
    /// length that disagrees with the datagram, NOOP/ERROR messages, another connector's id, a cn_msg length too
    /// short for the event kind.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, out ProcConnectorEvent decoded)
    {
        decoded = default;
        if (datagram.Length < EventOffset + EventHeaderLength)
            return false;
        var nlLength = ReadU32(datagram, 0);
        var nlType = ReadU16(datagram, 4);
        if (nlLength < EventOffset + EventHeaderLength || nlLength > datagram.Length)
            return false;
        if (nlType is NlmsgNoop or NlmsgError)
            return false;
        var message = datagram[..(int)nlLength];
        if (ReadU32(message, 16) != IdxProc || ReadU32(message, 20) != ValProc)
            return false;
        var sequence = ReadU32(message, 24);
        var ack = ReadU32(message, 28);
        int cnLength = ReadU16(message, 32);
        if (cnLength < EventHeaderLength || EventOffset + cnLength > message.Length)
            return false;
        var ev = message.Slice(EventOffset, cnLength);
        var kind = (ProcEventKind)ReadU32(ev, 0);
        var cpu = ReadU32(ev, 4);
        var timestamp = ReadU64(ev, 8);
        var data = ev[EventHeaderLength..];
        var needed = kind switch
        {
            ProcEventKind.None => 4,
            ProcEventKind.Fork => 16,
            ProcEventKind.Exec or ProcEventKind.Sid => 8,
            ProcEventKind.Comm => 8 + CommFieldLength,
            ProcEventKind.Exit => 16,
            ProcEventKind.Uid or ProcEventKind.Gid or ProcEventKind.Ptrace or ProcEventKind.Coredump => 16,
            _ => 0,
        };
        if (data.Length < needed)
            return false;
        decoded = kind switch
        {
            ProcEventKind.None => new(kind, cpu, sequence, ack, timestamp, 0, 0, 0, 0, 0, 0, null, 0, 0, ReadU32(data, 0)),
            ProcEventKind.Fork => new(kind, cpu, sequence, ack, timestamp, 0, 0, ReadI32(data, 0), ReadI32(data, 4), ReadI32(data, 8), ReadI32(data, 12), null, 0, 0, 0),
            ProcEventKind.Comm => new(kind, cpu, sequence, ack, timestamp, ReadI32(data, 0), ReadI32(data, 4), 0, 0, 0, 0, CommField(data.Slice(8, CommFieldLength)), 0, 0, 0),
            // exit's parent fields arrived in Linux 4.18; older kernels send 16 bytes.
            ProcEventKind.Exit => new(kind, cpu, sequence, ack, timestamp, ReadI32(data, 0), ReadI32(data, 4),
                data.Length >= 24 ? ReadI32(data, 16) : 0, data.Length >= 24 ? ReadI32(data, 20) : 0, 0, 0, null, ReadU32(data, 8), ReadU32(data, 12), 0),
            _ when needed >= 8 => new(kind, cpu, sequence, ack, timestamp, ReadI32(data, 0), ReadI32(data, 4), 0, 0, 0, 0, null, 0, 0, 0),
            _ => new(kind, cpu, sequence, ack, timestamp, 0, 0, 0, 0, 0, 0, null, 0, 0, 0),
        };
        return true;
    }

    /// <summary>
    /// What a decoded event means for process tracking, as keepalived's <c>handle_proc_ev</c> reads it: only whole
    /// processes count (fork with child pid = tgid, exec/comm/exit with pid = tgid; thread events are ignored). An
    /// exec is described by <paramref name="readProcess"/> (/proc, after the fact); when the process is already
    /// gone it yields nothing, its exit follows. Null for events that change nothing.
    /// </summary>
    public static ProcessEvent? ToProcessEvent(in ProcConnectorEvent e, Func<int, ProcessEntry?> readProcess)
    {
        ArgumentNullException.ThrowIfNull(readProcess);
        switch (e.Kind)
        {
            case ProcEventKind.Fork when e.ChildPid == e.ChildTgid && e.ChildTgid > 0:
                return new ProcessEvent.Fork(e.ParentTgid, e.ChildTgid);
            case ProcEventKind.Exec when e.Pid == e.Tgid && e.Tgid > 0:
                return readProcess(e.Tgid) is { } entry ? new ProcessEvent.Exec(entry) : null;
            case ProcEventKind.Comm when e.Pid == e.Tgid && e.Tgid > 0:
                return new ProcessEvent.CommChanged(e.Tgid, e.Comm ?? string.Empty);
            case ProcEventKind.Exit when e.Pid == e.Tgid && e.Tgid > 0:
                return new ProcessEvent.Exit(e.Tgid);
            default:
                return null;
        }
    }

    /// <summary>Whether <paramref name="e"/> acknowledges the request sent with <paramref name="ack"/>: a
    /// PROC_EVENT_NONE whose cn_msg ack is the request's + 1 (observed on Linux 6.18: the sequence is not echoed).</summary>
    public static bool IsAckOf(in ProcConnectorEvent e, uint ack) =>
        e.Kind == ProcEventKind.None && e.Ack == unchecked(ack + 1);

    private static string CommField(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return Utf8.GetString(nul < 0 ? field : field[..nul]);
    }

    private static uint ReadU32(ReadOnlySpan<byte> s, int offset) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(s[offset..])
        : BinaryPrimitives.ReadUInt32BigEndian(s[offset..]);

    private static int ReadI32(ReadOnlySpan<byte> s, int offset) => unchecked((int)ReadU32(s, offset));

    private static ushort ReadU16(ReadOnlySpan<byte> s, int offset) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt16LittleEndian(s[offset..])
        : BinaryPrimitives.ReadUInt16BigEndian(s[offset..]);

    private static ulong ReadU64(ReadOnlySpan<byte> s, int offset) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt64LittleEndian(s[offset..])
        : BinaryPrimitives.ReadUInt64BigEndian(s[offset..]);

    private static void WriteU32(Span<byte> s, int offset, uint value)
    {
        if (BitConverter.IsLittleEndian)
            BinaryPrimitives.WriteUInt32LittleEndian(s[offset..], value);
        else
            BinaryPrimitives.WriteUInt32BigEndian(s[offset..], value);
    }

    private static void WriteU16(Span<byte> s, int offset, ushort value)
    {
        if (BitConverter.IsLittleEndian)
            BinaryPrimitives.WriteUInt16LittleEndian(s[offset..], value);
        else
            BinaryPrimitives.WriteUInt16BigEndian(s[offset..], value);
    }
}

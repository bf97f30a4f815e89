using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

/// <summary>Datagrams written out by hand from linux/netlink.h, linux/connector.h and linux/cn_proc.h (x86-64,
/// little endian), in the shape the kernel's cn_proc.c sends: cn_msg.len = sizeof(struct proc_event) = 40, so
/// nlmsg_len = 16 + 20 + 40 = 76.</summary>
public class ProcConnectorCodecTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c) && c != '|')));

    // nlmsghdr: len 76, type NLMSG_DONE (3), flags 0, seq 0, pid 0
    private const string Nl = "4c000000 0300 0000 00000000 00000000";

    // cn_msg: idx CN_IDX_PROC, val CN_VAL_PROC, seq 0x2a, ack 0, len 40, flags 0
    private const string Cn = "01000000 01000000 2a000000 00000000 2800 0000";

    // proc_event header: what, cpu 1, timestamp_ns 0x0807060504030201
    private static string Header(string what) => what + " 01000000 0102030405060708";

    [Fact]
    public void Exec_event()
    {
        // exec: process_pid 12345 (0x3039), process_tgid 12345, then 16 unused bytes of the union
        var bytes = Hex(Nl + Cn + Header("02000000") + "39300000 39300000" + new string('0', 32));
        Assert.Equal(76, bytes.Length);
        Assert.True(ProcConnectorCodec.TryDecode(bytes, out var e));
        Assert.Equal(ProcEventKind.Exec, e.Kind);
        Assert.Equal(1u, e.Cpu);
        Assert.Equal(42u, e.Sequence);
        Assert.Equal(0u, e.Ack);
        Assert.Equal(0x0807060504030201ul, e.TimestampNs);
        Assert.Equal(12345, e.Pid);
        Assert.Equal(12345, e.Tgid);
        var entry = new ProcessEntry(12345, "sleep", ["sleep", "1"]);
        var translated = ProcConnectorCodec.ToProcessEvent(e, pid => pid == 12345 ? entry : null);
        Assert.Equal(new ProcessEvent.Exec(entry), translated);
        // gone before /proc could be read: nothing (its exit follows)
        Assert.Null(ProcConnectorCodec.ToProcessEvent(e, _ => null));
    }

    [Fact]
    public void Fork_event_of_a_process_and_of_a_thread()
    {
        // fork: parent_pid 100 (0x64), parent_tgid 100, child_pid 200 (0xc8), child_tgid 200
        var process = Hex(Nl + Cn + Header("01000000") + "64000000 64000000 c8000000 c8000000" + new string('0', 16));
        Assert.True(ProcConnectorCodec.TryDecode(process, out var e));
        Assert.Equal(ProcEventKind.Fork, e.Kind);
        Assert.Equal((100, 100, 200, 200), (e.ParentPid, e.ParentTgid, e.ChildPid, e.ChildTgid));
        Assert.Equal(new ProcessEvent.Fork(100, 200), ProcConnectorCodec.ToProcessEvent(e, _ => throw new InvalidOperationException()));

        // a new thread: child_pid 201 != child_tgid 100; parent fields name the creator's parent — ignored
        var thread = Hex(Nl + Cn + Header("01000000") + "01000000 01000000 c9000000 64000000" + new string('0', 16));
        Assert.True(ProcConnectorCodec.TryDecode(thread, out var t));
        Assert.Null(ProcConnectorCodec.ToProcessEvent(t, _ => throw new InvalidOperationException()));
    }

    [Fact]
    public void Comm_event()
    {
        // comm: pid 300 (0x12c), tgid 300, comm "Web Content\0" in 16 bytes
        var bytes = Hex(Nl + Cn + Header("00020000") + "2c010000 2c010000" + "57656220436f6e74656e7400 00000000");
        Assert.True(ProcConnectorCodec.TryDecode(bytes, out var e));
        Assert.Equal(ProcEventKind.Comm, e.Kind);
        Assert.Equal("Web Content", e.Comm);
        Assert.Equal(new ProcessEvent.CommChanged(300, "Web Content"), ProcConnectorCodec.ToProcessEvent(e, _ => null));

        // 15 characters fill the field with its NUL; a field without NUL (hostile) still yields 16 bytes at most
        var full = Hex(Nl + Cn + Header("00020000") + "2c010000 2c010000" + "41414141414141414141414141414141");
        Assert.True(ProcConnectorCodec.TryDecode(full, out var f));
        Assert.Equal(new string('A', 16), f.Comm);
    }

    [Fact]
    public void Exit_event_of_a_process_and_of_a_thread()
    {
        // exit: pid 400 (0x190), tgid 400, exit_code 0x100 (status 1), exit_signal 17 (SIGCHLD), parent 1/1
        var bytes = Hex(Nl + Cn + Header("00000080") + "90010000 90010000 00010000 11000000 01000000 01000000");
        Assert.True(ProcConnectorCodec.TryDecode(bytes, out var e));
        Assert.Equal(ProcEventKind.Exit, e.Kind);
        Assert.Equal((400, 400, 0x100u, 17u, 1, 1), (e.Pid, e.Tgid, e.ExitCode, e.ExitSignal, e.ParentPid, e.ParentTgid));
        Assert.Equal(new ProcessEvent.Exit(400), ProcConnectorCodec.ToProcessEvent(e, _ => null));

        var thread = Hex(Nl + Cn + Header("00000080") + "91010000 90010000 00000000 00000000 01000000 01000000");
        Assert.True(ProcConnectorCodec.TryDecode(thread, out var t));
        Assert.Null(ProcConnectorCodec.ToProcessEvent(t, _ => null));
    }

    [Fact]
    public void Exit_event_from_a_kernel_before_4_18_has_no_parent_fields()
    {
        // nlmsg_len 68, cn_msg.len 32: header 16 + exit {pid, tgid, code, signal}
        var bytes = Hex("44000000 0300 0000 00000000 00000000" + "01000000 01000000 2a000000 00000000 2000 0000" + Header("00000080") + "90010000 90010000 00000000 11000000");
        Assert.True(ProcConnectorCodec.TryDecode(bytes, out var e));
        Assert.Equal((400, 17u, 0), (e.Tgid, e.ExitSignal, e.ParentTgid));
    }

    [Fact]
    public void Listen_acknowledgement()
    {
        // PROC_EVENT_NONE with cn_msg.ack = request ack + 1 = 1, event_data.ack.err = 0; or 1 (EPERM) refused
        var ok = Hex(Nl + "01000000 01000000 00000000 01000000 2800 0000" + Header("00000000") + "00000000" + new string('0', 40));
        Assert.True(ProcConnectorCodec.TryDecode(ok, out var e));
        Assert.Equal((ProcEventKind.None, 1u, 0u), (e.Kind, e.Ack, e.AckError));
        Assert.Null(ProcConnectorCodec.ToProcessEvent(e, _ => null));
        var refused = Hex(Nl + "01000000 01000000 00000000 01000000 2800 0000" + Header("00000000") + "01000000" + new string('0', 40));
        Assert.True(ProcConnectorCodec.TryDecode(refused, out var r));
        Assert.Equal(1u, r.AckError);
    }

    [Fact]
    public void Uninteresting_events_decode_but_change_nothing()
    {
        // uid change (0x4) and sid (0x80) of pid 5
        foreach (var what in new[] { "04000000", "80000000", "00010000", "00000040" })
        {
            var bytes = Hex(Nl + Cn + Header(what) + "05000000 05000000 e8030000 e8030000" + new string('0', 16));
            Assert.True(ProcConnectorCodec.TryDecode(bytes, out var e));
            Assert.Equal(5, e.Tgid);
            Assert.Null(ProcConnectorCodec.ToProcessEvent(e, _ => throw new InvalidOperationException()));
        }
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "empty", "" },
        { "headers only", Nl + Cn },
        { "truncated event header", Nl + Cn + "02000000 01000000" },
        { "nlmsg_len beyond the datagram", "ff000000 0300 0000 00000000 00000000" + Cn + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "nlmsg_len too short", "10000000 0300 0000 00000000 00000000" + Cn + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "NLMSG_ERROR", "4c000000 0200 0000 00000000 00000000" + Cn + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "NLMSG_NOOP", "4c000000 0100 0000 00000000 00000000" + Cn + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "another connector (idx 2)", Nl + "02000000 01000000 2a000000 00000000 2800 0000" + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "another value (val 2)", Nl + "01000000 02000000 2a000000 00000000 2800 0000" + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "cn_msg.len beyond the message", Nl + "01000000 01000000 2a000000 00000000 ff00 0000" + Header("02000000") + "39300000 39300000" + new string('0', 32) },
        { "cn_msg.len too short for exec", "3c000000 0300 0000 00000000 00000000" + "01000000 01000000 2a000000 00000000 1400 0000" + Header("02000000") + "39300000" + new string('0', 16) },
        { "fork data cut", "44000000 0300 0000 00000000 00000000" + "01000000 01000000 2a000000 00000000 1800 0000" + Header("01000000") + "64000000 64000000" + new string('0', 16) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Malformed_datagrams_are_refused(string why, string hex)
    {
        Assert.False(ProcConnectorCodec.TryDecode(Hex(hex), out _), why);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var decoded = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 120)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= 36)
            {
                // plausible headers, random lengths and events
                Hex(Nl + Cn).AsSpan(0, 36).CopyTo(bytes);
                bytes[0] = (byte)random.Next(0, 130);
                bytes[32] = (byte)random.Next(0, 60);
            }
            if (ProcConnectorCodec.TryDecode(bytes, out var e))
            {
                decoded++;
                _ = ProcConnectorCodec.ToProcessEvent(e, pid => new ProcessEntry(pid, "x", []));
            }
        }
        Assert.True(decoded > 0);
    }

    [Fact]
    public void Listen_and_ignore_requests()
    {
        Span<byte> buffer = stackalloc byte[64];
        buffer.Fill(0xee);
        Assert.Equal(40, ProcConnectorCodec.WriteSubscribe(buffer, listen: true, portId: 0x01020304));
        // nlmsghdr len 40, NLMSG_DONE, flags 0, seq 0, pid | cn_msg {1,1} seq 0 ack 0 len 4 flags 0 | PROC_CN_MCAST_LISTEN
        Assert.Equal(Hex("28000000 0300 0000 00000000 04030201 | 01000000 01000000 00000000 00000000 0400 0000 | 01000000"), buffer[..40].ToArray());
        Assert.Equal(0xee, buffer[40]); // nothing written past the request
        ProcConnectorCodec.WriteSubscribe(buffer, listen: false, portId: 0);
        Assert.Equal(Hex("02000000"), buffer[36..40].ToArray());
        Assert.Throws<ArgumentException>(() => ProcConnectorCodec.WriteSubscribe(new byte[39], true, 0));
    }

    [Fact]
    public void The_acknowledgement_echoes_the_request_ack_plus_one()
    {
        Span<byte> request = stackalloc byte[40];
        ProcConnectorCodec.WriteSubscribe(request, listen: true, portId: 0, sequence: 0x11223344, ack: 0x7fffffff);
        // cn_msg seq and ack at offsets 24 and 28
        Assert.Equal(Hex("44332211 ffffff7f"), request[24..32].ToArray());

        // the kernel's answer (as captured on 6.18): cn_msg seq = the CPU's event counter 738, ack 0x80000000;
        // event NONE, err 0
        var answer = Hex(Nl + "01000000 01000000 e2020000 00000080 2800 0000" + Header("00000000") + "00000000" + new string('0', 40));
        Assert.True(ProcConnectorCodec.TryDecode(answer, out var e));
        Assert.True(ProcConnectorCodec.IsAckOf(e, 0x7fffffff));
        // another program's acknowledgement (another ack) or an event is not ours
        Assert.False(ProcConnectorCodec.IsAckOf(e, 0));
        Assert.False(ProcConnectorCodec.IsAckOf(e, 0x80000000));
        Assert.False(ProcConnectorCodec.IsAckOf(e with { Kind = ProcEventKind.Exec }, 0x7fffffff));
        Assert.True(ProcConnectorCodec.IsAckOf(e with { Ack = 0 }, uint.MaxValue)); // wraps
    }
}

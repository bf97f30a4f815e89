using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Netlink;
using KeepAlive.Kernel.Wire.Netlink.Nftables;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// NetlinkSocket's reply loop against the real kernel in a namespace of ours (ka-nl-…): a dump is read to
/// NLMSG_DONE, with or without the ACK it asked for; a single reply ends a request that asked for nothing
/// more; an ACK ends one that did; the kernel's error comes back as its errno; a batch waits for every ACK, fails
/// whole with the first error, and the answers it leaves behind do not confuse the next request.
/// </summary>
[Collection("privileged")]
public sealed class NetlinkSocketTests
{
    private const ushort NewLink = 16, DelLink = 17, GetLink = 18;
    private const int ENODEV = 19, ENOENT = 2;
    private const ushort Dump = 0x300;                                  // NLM_F_ROOT | NLM_F_MATCH

    [SkippableFact]
    public void A_dump_is_read_to_done_with_or_without_an_ack_and_a_single_reply_ends_a_plain_request()
    {
        Privilege.Require();
        using var ns = new NetworkNamespace("nl", "d0", "d1", "d2");     // lo and three veth pairs: 7 links
        var (plain, acked, single) = NamespaceThread.Run(ns.Name, () =>
        {
            using var socket = Open(NetlinkSocket.ProtocolRoute);
            return (Links(socket, Dump), Links(socket, Dump | FlagAck), Links(socket, 0, index: 1));
        });
        Assert.Equal((7, 7, 1), (plain, acked, single));
    }

    [SkippableFact]
    public void A_dump_that_asked_for_an_ack_ends_at_done_without_waiting_for_an_ack_the_kernel_never_sends()
    {
        // IPVS dumps ask for an ACK (as ipvsadm's do); waiting 0.5 s for it after NLMSG_DONE made every IPVS listing
        // crawl (found by the IPVS VM test). Ten dumps took at least 5 s then; they take milliseconds.
        Privilege.Require();
        using var ns = new NetworkNamespace("nl");
        var elapsed = NamespaceThread.Run(ns.Name, () =>
        {
            using var socket = Open(NetlinkSocket.ProtocolRoute);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < 10; i++)
                Assert.Equal(1, Links(socket, Dump | FlagAck));
            return clock.Elapsed;
        });
        Assert.True(elapsed < TimeSpan.FromSeconds(2.5), $"ten acked dumps took {elapsed.TotalMilliseconds:F0} ms");
    }

    [SkippableFact]
    public void The_kernel_s_refusal_is_its_errno_and_an_ack_is_success()
    {
        Privilege.Require();
        using var ns = new NetworkNamespace("nl");
        var (refused, acked) = NamespaceThread.Run(ns.Name, () =>
        {
            using var socket = Open(NetlinkSocket.ProtocolRoute);
            var gone = socket.Request(Link(socket, DelLink, FlagAck, index: 9999), null, "delete link 9999");
            var up = socket.Request(Link(socket, NewLink, FlagAck, index: 1, up: true), null, "set lo up");
            return (gone, up);
        });
        Assert.Equal(ENODEV, refused.Errno);
        Assert.True(acked.IsOk, acked.ToString());
    }

    [SkippableFact]
    public void A_batch_waits_for_every_ack_and_fails_whole_with_the_first_error()
    {
        Privilege.Require("nft");
        using var ns = new NetworkNamespace("nl");
        var (added, failed, after) = NamespaceThread.Run(ns.Name, () =>
        {
            using var socket = Open(NetlinkSocket.ProtocolNetfilter);
            var ok = Batch(socket, ("ka_a", true), ("ka_b", true));
            var bad = Batch(socket, ("ka_c", true), ("ka_missing", false), ("ka_d", true));
            var next = Batch(socket, ("ka_e", true));
            return (ok, bad, next);
        });
        Assert.True(added.IsOk, added.ToString());
        Assert.Equal(ENOENT, failed.Errno);
        Assert.True(after.IsOk, after.ToString());
        var (code, tables) = ns.Exec("nft", ["list", "tables"], TimeSpan.FromSeconds(10));
        Assert.Equal(0, code);
        Assert.Equal(["table ip ka_a", "table ip ka_b", "table ip ka_e"], tables.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Order());
    }

    private static NetlinkSocket Open(int protocol)
    {
        var opened = NetlinkSocket.Open(protocol, 0, 0, out var socket);
        Assert.True(opened.IsOk, opened.ToString());
        return socket!;
    }

    /// <summary>RTM_GETLINK with <paramref name="flags"/>; how many RTM_NEWLINK messages the answer had.</summary>
    private static int Links(NetlinkSocket socket, ushort flags, int index = 0)
    {
        int count = 0;
        var r = socket.Request(Link(socket, GetLink, flags, index), m => count += m.Type == NewLink ? 1 : 0, "get links");
        Assert.True(r.IsOk, r.ToString());
        return count;
    }

    /// <summary>A link message: struct ifinfomsg with the index (and IFF_UP when <paramref name="up"/>).</summary>
    private static byte[] Link(NetlinkSocket socket, ushort type, ushort flags, int index, bool up = false)
    {
        var buffer = new byte[64];
        var w = new NetlinkWriter(buffer);
        w.BeginMessage(type, (ushort)(FlagRequest | flags), socket.NextSequence(), 0);
        Span<byte> info = stackalloc byte[16];
        info.Clear();
        BitConverter.TryWriteBytes(info[4..], index);
        if (up)
        {
            info[8] = 1;                                                // ifi_flags IFF_UP
            info[12] = 1;                                               // ifi_change IFF_UP
        }
        w.WriteRaw(info);
        w.EndMessage();
        return w.Written.ToArray();
    }

    /// <summary>One batch adding (true) or deleting (false) ip tables.</summary>
    private static KernelResult Batch(NetlinkSocket socket, params (string Table, bool Add)[] changes)
    {
        var buffer = new byte[4096];
        var w = new NftBatchWriter(buffer, socket.ReserveSequences(changes.Length + 2), socket.PortId);
        w.Begin();
        foreach (var (table, add) in changes)
        {
            if (add)
                w.AddTable(FamilyIPv4, table);
            else
                w.DeleteTable(FamilyIPv4, table);
        }
        w.End();
        Assert.True(w.Ok);
        return socket.RequestBatch(w.Written, w.FirstSequence + 1, w.AckedMessages, "tables");
    }
}

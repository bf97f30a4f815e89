using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

/// <summary>Every golden reply line decodes, and decodes to what ipvsadm printed (stdout.txt) or the capture README
/// documents (errno, family id).</summary>
public sealed class IpvsGoldenReplyTests
{
    private static readonly ushort Family = IpvsGolden.FamilyId;

    public static TheoryData<string> ReplyCases() => new(IpvsGolden.Cases(".reply.hex"));

    [Theory]
    [MemberData(nameof(ReplyCases))]
    public void Every_reply_line_decodes_with_the_parser_its_header_names(string name)
    {
        var decoded = IpvsReplyDecoder.DecodeAll(name, Family);
        Assert.NotEmpty(decoded);
    }

    [Fact]
    public void Getfamily_reply_gives_the_dynamic_family_id_version_and_maxattr_then_an_ack()
    {
        var lines = IpvsReplyDecoder.DecodeAll("00-ctrl-getfamily", Family);
        Assert.Equal(new GenericNetlinkFamily(32, "IPVS", 1, 6), lines[0]);
        var ack = Assert.IsType<IpvsError>(lines[1]);
        Assert.True(ack.IsAck);
    }

    [Fact]
    public void Getinfo_reply_is_version_1_2_1_and_table_size_4096_as_ipvsadm_printed()
    {
        var info = Assert.IsType<IpvsInfo>(Assert.Single(IpvsReplyDecoder.DecodeAll("01-getinfo", Family)));
        Assert.Contains($"IPVS v{info.VersionText})", IpvsGolden.Stdout("01-getinfo")[1]);
        Assert.Contains($"version {info.VersionText} (size={info.ConnectionTableSize})", IpvsGolden.Stdout("19-list")[1]);
        Assert.Equal(0x010201u, info.Version);
    }

    public static TheoryData<string> AckCases() => new(IpvsGolden.Cases(".reply.hex").Where(IsAckCase));

    private static bool IsAckCase(string name) =>
        int.Parse(name[..2], System.Globalization.CultureInfo.InvariantCulture) is (>= 2 and <= 18) or 23 or 24 or 26 or 27 or 33 or 34;

    [Theory]
    [MemberData(nameof(AckCases))]
    public void Do_commands_are_answered_by_a_capped_ack_echoing_the_request_header(string name)
    {
        var reply = Assert.Single(IpvsGolden.Replies(name));
        var message = IpvsGolden.Single(reply);
        Assert.Equal(NetlinkDecodeError.None, message.TryGetError(out var error));
        Assert.True(error.IsAck);
        Assert.True(error.Capped);
        Assert.Equal(Family, error.RequestType);

        var request = IpvsGolden.Single(IpvsGolden.Request(name));
        Assert.Equal(request.Sequence, error.RequestSequence);
        Assert.Equal(request.Flags, error.RequestFlags);
        Assert.Equal(request.PortId, error.RequestPortId);
        Assert.Equal("(exit 0)", IpvsGolden.Stdout(name)[^1]);
    }

    [Theory]
    [InlineData("28-err-dup-svc", 17, IpvsOperation.AddService)]
    [InlineData("29-err-del-missing", 3, IpvsOperation.DeleteService)]
    [InlineData("30-err-dup-dest", 17, IpvsOperation.AddDestination)]
    [InlineData("31-err-del-missing-dest", 2, IpvsOperation.DeleteDestination)]
    [InlineData("32-err-bad-sched", 2, IpvsOperation.AddService)]
    public void Errors_carry_the_errno_and_the_message_ipvsadm_printed(string name, int errno, IpvsOperation operation)
    {
        var error = Assert.IsType<IpvsError>(Assert.Single(IpvsReplyDecoder.DecodeAll(name, Family)));
        Assert.Equal(errno, error.Errno);
        Assert.Equal(operation, error.Operation);
        var stdout = IpvsGolden.Stdout(name);
        Assert.Equal(stdout[1], error.Message);
        Assert.Equal("(exit 255)", stdout[^1]);

        var message = IpvsGolden.Single(Assert.Single(IpvsGolden.Replies(name)));
        Assert.Equal(NetlinkDecodeError.None, message.TryGetError(out var raw));
        Assert.False(raw.Capped);
        Assert.Equal(IpvsGolden.Request(name).Length + 20, message.Bytes.Length);
    }

    [Theory]
    [InlineData("19-list")]
    [InlineData("20-list-stats")]
    public void Service_and_destination_dumps_match_the_ipvsadm_listing(string prefix)
    {
        var services = IpvsReplyDecoder.DecodeAll(prefix + "-1-get-service", Family);
        Assert.IsType<IpvsReplyDecoder.Done>(services[^1]);
        var entries = services[..^1].Cast<IpvsServiceEntry>().ToArray();
        var listing = IpvsListing.Parse(IpvsGolden.Stdout(prefix), withStats: prefix.Contains("stats", StringComparison.Ordinal));
        Assert.Equal(listing.Count, entries.Length);

        // ipvsadm sorts what it lists, so services are matched by key; it then asks for each listed service's
        // destinations in listing order, which is the K of the "-K-get-dest" files.
        foreach (var entry in entries)
        {
            Assert.Single(listing, l => l.Identifies(entry.Service)).AssertMatches(entry.Service, entry.Stats);
        }

        for (var i = 0; i < listing.Count; i++)
        {
            var dests = IpvsReplyDecoder.DecodeAll($"{prefix}-{i + 2}-get-dest", Family);
            Assert.IsType<IpvsReplyDecoder.Done>(dests[^1]);
            listing[i].AssertDestinations(dests[..^1].Cast<IpvsDestinationEntry>().ToArray());
        }
    }

    [Fact]
    public void Single_service_query_matches_the_listing()
    {
        var service = Assert.IsType<IpvsServiceEntry>(Assert.Single(IpvsReplyDecoder.DecodeAll("21-list-one-1-get-service", Family)));
        var listing = IpvsListing.Parse(IpvsGolden.Stdout("21-list-one"), withStats: false);
        var expected = Assert.Single(listing);
        expected.AssertMatches(service.Service, service.Stats);
        expected.AssertDestinations(IpvsReplyDecoder.DecodeAll("21-list-one-2-get-dest", Family)[..^1].Cast<IpvsDestinationEntry>().ToArray());
    }

    [Fact]
    public void Dump_services_decode_the_documented_details()
    {
        var entries = IpvsReplyDecoder.DecodeAll("19-list-1-get-service", Family)[..^1].Cast<IpvsServiceEntry>().Select(e => e.Service).ToArray();
        var netmask = Assert.Single(entries, s => s.Port == 8080);
        Assert.Equal((byte)24, netmask.NetmaskPrefixLength);
        Assert.Equal(60u, netmask.PersistenceTimeout);
        var v6 = Assert.Single(entries, s => s.Family == AddressFamily.InterNetworkV6);
        Assert.Equal(IPAddress.Parse("fd00::10"), v6.Address);
        Assert.Null(v6.NetmaskPrefixLength);
        var fwm = Assert.Single(entries, s => s.IsFirewallMark);
        Assert.Equal(7u, fwm.FirewallMark);
        Assert.Equal(IpvsProtocol.None, fwm.Protocol);
        Assert.Null(fwm.Address);
    }

    [Fact]
    public void Gue_destination_decodes_tunnel_type_port_and_checksum()
    {
        var dests = IpvsReplyDecoder.DecodeAll("19-list-3-get-dest", Family)[..^1].Cast<IpvsDestinationEntry>().Select(e => e.Destination).ToArray();
        var gue = Assert.Single(dests, d => d.Address.Equals(IPAddress.Parse("192.168.200.32")));
        Assert.Equal(IpvsForwarding.Tunnel, gue.Forwarding);
        Assert.Equal(IpvsTunnelType.Gue, gue.TunnelType);
        Assert.Equal(6080, gue.TunnelPort);
        Assert.Equal(IpvsTunnelChecksum.Checksum, gue.TunnelChecksum);
        var thresholds = Assert.Single(dests, d => d.Address.Equals(IPAddress.Parse("192.168.200.31")));
        Assert.Equal(100u, thresholds.UpperThreshold);
        Assert.Equal(10u, thresholds.LowerThreshold);
    }

    [Fact]
    public void Timeouts_reply_matches_the_ipvsadm_listing()
    {
        var timeouts = Assert.IsType<IpvsTimeouts>(Assert.Single(IpvsReplyDecoder.DecodeAll("22-get-timeout", Family)));
        Assert.Equal($"Timeout (tcp tcpfin udp): {timeouts.Tcp} {timeouts.TcpFin} {timeouts.Udp}", IpvsGolden.Stdout("22-get-timeout")[1]);
    }

    [Fact]
    public void Daemon_dump_matches_the_ipvsadm_listing()
    {
        var lines = IpvsReplyDecoder.DecodeAll("25-list-daemon", Family);
        Assert.IsType<IpvsReplyDecoder.Done>(lines[^1]);
        var daemon = Assert.IsType<IpvsDaemon>(Assert.Single(lines[..^1]));
        Assert.Equal(
            $"{daemon.State.ToString().ToLowerInvariant()} sync daemon (mcast={daemon.Interface}, syncid={daemon.SyncId}, maxlen={daemon.MaxLength}, group={daemon.Group}, port={daemon.Port}, ttl={daemon.Ttl})",
            IpvsGolden.Stdout("25-list-daemon")[1]);
    }

    [Theory]
    [InlineData("00-ctrl-getfamily", 2)]
    [InlineData("19-list-1-get-service", 9)]
    [InlineData("19-list-2-get-dest", 3)]
    public void Reply_messages_packed_into_one_datagram_are_all_iterated(string name, int count)
    {
        // The kernel packs dump messages into one datagram; each nlmsg_len here is already a multiple of 4.
        var replies = IpvsGolden.Replies(name);
        var datagram = replies.SelectMany(m => m).ToArray();
        var reader = new NetlinkMessageReader(datagram);
        var seen = 0;
        var last = false;
        while (reader.TryRead(out var message))
        {
            seen++;
            last = message.IsDone || message.IsError;
            Assert.Equal(replies[seen - 1], message.Bytes.ToArray());
        }

        Assert.Equal(NetlinkDecodeError.None, reader.Error);
        Assert.Equal(count, seen);
        Assert.True(last); // a dump ends in NLMSG_DONE, GETFAMILY in its ACK
    }

    [Fact]
    public void Empty_service_dump_is_only_nlmsg_done()
    {
        Assert.IsType<IpvsReplyDecoder.Done>(Assert.Single(IpvsReplyDecoder.DecodeAll("35-list-empty", Family)));
    }

    [Fact]
    public void A_reply_for_another_family_id_is_rejected()
    {
        var message = IpvsGolden.Single(IpvsGolden.Replies("01-getinfo")[0]);
        Assert.Equal(NetlinkDecodeError.UnexpectedType, IpvsReplies.TryParseInfo(message, (ushort)(Family + 1), out var info));
        Assert.Null(info);
        Assert.Equal(NetlinkDecodeError.UnexpectedType, IpvsReplies.TryParseService(message, Family, out _));
    }
}

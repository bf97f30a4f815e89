using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Netlink;
using static KeepAlive.Kernel.Tests.Wire.Netlink.RtnlTestSupport;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Our rtnetlink builders against what iproute2 sends for the same command (Fixtures/Rtnl): byte-equal where
/// iproute2 makes the same choices, otherwise the same header, family header and attribute set apart from the
/// attributes listed as ours-only (we always send RTA_TABLE/FRA_TABLE and, for IPv6, IFA_FLAGS) and attribute order.</summary>
public sealed class Iproute2CaptureTests
{
    private static readonly MacvlanSpec Vmac = new("vrrp.51", 3, MacvlanMode.Private) { HardwareAddress = [0x00, 0x00, 0x5e, 0x00, 0x01, 0x33] };

    [Fact]
    public void Deladdr_is_byte_identical_to_iproute2()
    {
        var ours = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteDelete(ref w, new AddressInfo(3, IPAddress.Parse("10.9.0.100"), 32), 0));
        AssertSameExceptSequence(Theirs("deladdr4"), ours);
    }

    [Fact]
    public void Dellink_is_byte_identical_to_iproute2()
    {
        var ours = Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteDelete(ref w, 5, 0));
        AssertSameExceptSequence(Theirs("dellink"), ours);
    }

    [Fact]
    public void Macvlan_matches_iproute2_up_to_attribute_order_and_the_kind_nul()
    {
        var ours = Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteAddMacvlan(ref w, Vmac, 0));
        AssertEquivalent(Theirs("macvlan"), ours, headerLength: 16, nests: ["18", "18.2"], strings: ["3", "18.1"], oursOnly: []);
    }

    [Fact]
    public void Ipv4_address_with_label_matches_iproute2()
    {
        var ours = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, new AddressInfo(3, IPAddress.Parse("10.9.0.100"), 32) { Label = "ka0:vip" }, 0));
        AssertEquivalent(Theirs("addr4"), ours, headerLength: 8, nests: [], strings: ["3"], oursOnly: []);
    }

    [Fact]
    public void Ipv6_nodad_address_matches_iproute2_plus_our_ifa_flags()
    {
        var ours = Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, new AddressInfo(3, IPAddress.Parse("fd00::1"), 64) { Flags = AddressFlags.NoDad }, 0));
        AssertEquivalent(Theirs("addr6"), ours, headerLength: 8, nests: [], strings: [], oursOnly: ["8=02000000"]);
    }

    [Fact]
    public void Route_matches_iproute2_plus_our_rta_table()
    {
        var route = new RouteInfo(IPAddress.Parse("10.1.0.0"), 16)
        {
            Gateway = IPAddress.Parse("192.168.1.1"),
            OutputInterface = 3,
            Metric = 100,
            Table = 100,
            PreferredSource = IPAddress.Parse("192.168.1.10"),
            Protocol = RouteProtocol.Keepalived,
        };
        var ours = Build((ref NetlinkWriter w) => RtnlRouteCodec.WriteAdd(ref w, route, 0));
        AssertEquivalent(Theirs("route4"), ours, headerLength: 12, nests: [], strings: [], oursOnly: ["15=64000000"]);
    }

    [Fact]
    public void Rule_matches_iproute2_plus_our_fra_table()
    {
        var rule = new RuleInfo(AddressFamily.InterNetwork, 100)
        {
            Source = IPAddress.Parse("192.168.1.10"),
            SourcePrefixLength = 32,
            Priority = 100,
            FirewallMark = 5,
            FirewallMask = 0xff,
            InputInterface = "ka0",
        };
        var ours = Build((ref NetlinkWriter w) => RtnlRuleCodec.WriteAdd(ref w, rule, 0));
        AssertEquivalent(Theirs("rule4"), ours, headerLength: 12, nests: [], strings: ["3"], oursOnly: ["15=64000000"]);
    }

    public static TheoryData<string> Commands() => new(RtnlCaptures.Files("iproute2-*.request.hex").Select(f => f["iproute2-".Length..^".request.hex".Length]));

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_kernel_acked_each_iproute2_request_with_a_capped_ack(string command)
    {
        var request = Single(Theirs(command));
        var ack = Single(Assert.Single(RtnlCaptures.Messages($"iproute2-{command}.reply.hex")));
        Assert.Equal(NetlinkDecodeError.None, ack.TryGetError(out var error));
        Assert.True(error.IsAck);
        Assert.True(error.Capped);
        Assert.Equal(request.Type, error.RequestType);
        Assert.Equal(request.Sequence, error.RequestSequence);
    }

    [Fact]
    public void An_uncapped_kernel_error_gives_enodev_and_echoes_the_whole_request()
    {
        var message = Single(Assert.Single(RtnlCaptures.Messages("kernel-error-enodev.reply.hex")));
        Assert.Equal(NetlinkDecodeError.None, message.TryGetError(out var error));
        Assert.Equal(19, error.Errno);
        Assert.False(error.Capped);
        Assert.Equal(16, error.RequestType); // RTM_NEWLINK
        Assert.Equal(20 + 32, message.Bytes.Length);
        Assert.Equal("ENODEV (No such device)", error.Describe());
    }

    private static byte[] Theirs(string command) => Assert.Single(RtnlCaptures.Messages($"iproute2-{command}.request.hex"));

    private static void AssertSameExceptSequence(byte[] theirs, byte[] ours)
    {
        theirs = theirs.ToArray();
        theirs.AsSpan(8, 8).Clear();
        Assert.Equal(Hex.Format(theirs), Hex.Format(ours));
    }

    private static void AssertEquivalent(byte[] theirs, byte[] ours, int headerLength, string[] nests, string[] strings, string[] oursOnly)
    {
        var a = Single(theirs);
        var b = Single(ours);
        Assert.Equal(a.Type, b.Type);
        Assert.Equal(a.Flags, b.Flags);
        Assert.Equal(Hex.Format(a.Payload[..headerLength]), Hex.Format(b.Payload[..headerLength]));
        Assert.Equal(NetlinkDecodeError.None, a.TrySplit(headerLength, out _, out var theirAttributes));
        Assert.Equal(NetlinkDecodeError.None, b.TrySplit(headerLength, out _, out var ourAttributes));
        var theirSet = Flatten(theirAttributes, string.Empty, nests, strings);
        var ourSet = Flatten(ourAttributes, string.Empty, nests, strings);
        Assert.Equal(theirSet.Order(StringComparer.Ordinal), ourSet.Except(oursOnly).Order(StringComparer.Ordinal));
        Assert.All(oursOnly, extra => Assert.Contains(extra, ourSet));
    }

    /// <summary>"path=value" per attribute; nests are walked, string values lose their terminating NUL.</summary>
    private static List<string> Flatten(NetlinkAttributeReader reader, string prefix, string[] nests, string[] strings)
    {
        var result = new List<string>();
        while (reader.TryRead(out var a))
        {
            var path = prefix + a.Type.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (nests.Contains(path))
            {
                result.Add(path + "{}");
                result.AddRange(Flatten(a.Nested, path + ".", nests, strings));
            }
            else
            {
                var value = a.Value;
                if (strings.Contains(path) && value.Length > 0 && value[^1] == 0)
                {
                    value = value[..^1];
                }

                result.Add(path + "=" + Hex.Format(value));
            }
        }

        Assert.Equal(NetlinkDecodeError.None, reader.Error);
        return result;
    }
}

using KeepAlive.Kernel.Tests.Wire.Ipvs;
using KeepAlive.Kernel.Tests.Wire.Netlink;
using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Hostile;

/// <summary>Every public decoder of Kernel/Wire/Netlink and Kernel/Wire/Ipvs, each run over every message of an input.
/// A decoder returns how many results it accepted (messages, or attributes for the walk); it fails the test when it reports success without a value.</summary>
internal static class WireDecoders
{
    public delegate int Decoder(ReadOnlySpan<byte> input);

    public const ushort FamilyId = 32; // the id in the golden GETFAMILY reply; IpvsGolden.FamilyId re-derives it

    public static readonly IReadOnlyList<(string Name, Decoder Decode)> All =
    [
        ("netlink.walk", Walk),
        ("netlink.done", input => Each(input, static m => m.IsDone && m.Payload.Length >= 4)),
        ("netlink.error", input => Each(input, static m => m.TryGetError(out _) == NetlinkDecodeError.None)),
        ("genl.family", input => Each(input, static m => Accept(GenlControlCodec.TryParseFamily(m, out var v), v))),
        ("ipvs.info", input => Each(input, static m => Accept(IpvsReplies.TryParseInfo(m, FamilyId, out var v), v))),
        ("ipvs.service", input => Each(input, static m => Accept(IpvsReplies.TryParseService(m, FamilyId, out var v), v))),
        ("ipvs.destination", input => Each(input, static m => Accept(IpvsReplies.TryParseDestination(m, FamilyId, out var v), v))),
        ("ipvs.timeouts", input => Each(input, static m => Accept(IpvsReplies.TryParseTimeouts(m, FamilyId, out var v), v))),
        ("ipvs.daemon", input => Each(input, static m => Accept(IpvsReplies.TryParseDaemon(m, FamilyId, out var v), v))),
        ("ipvs.error", input => Each(input, static m => Accept(IpvsReplies.TryParseError(m, FamilyId, out var v), v))),
        ("rtnl.address", input => Each(input, static m => Accept(RtnlAddressCodec.TryParse(m, out var v, out _), v))),
        ("rtnl.link", input => Each(input, static m => Accept(RtnlLinkCodec.TryParse(m, out var v, out _), v))),
        ("rtnl.route", input => Each(input, static m => Accept(RtnlRouteCodec.TryParse(m, out var v, out _), v))),
        ("rtnl.rule", input => Each(input, static m => Accept(RtnlRuleCodec.TryParse(m, out var v, out _), v))),
    ];

    private delegate bool MessageDecoder(NetlinkMessage message);

    /// <summary>Runs every decoder; returns the number of accepted messages.</summary>
    public static int DecodeWithAll(ReadOnlySpan<byte> input)
    {
        var accepted = 0;
        foreach (var (_, decode) in All)
        {
            accepted += decode(input);
        }

        return accepted;
    }

    private static bool Accept(NetlinkDecodeError error, object? value)
    {
        if (error == NetlinkDecodeError.None)
        {
            Assert.NotNull(value);
            return true;
        }

        Assert.Null(value);
        return false;
    }

    private static int Each(ReadOnlySpan<byte> input, MessageDecoder decode)
    {
        var reader = new NetlinkMessageReader(input);
        var accepted = 0;
        while (reader.TryRead(out var message))
        {
            accepted += decode(message) ? 1 : 0;
        }

        return accepted;
    }

    /// <summary>Walks attribute trees at every plausible family-header offset and calls every typed getter.</summary>
    private static int Walk(ReadOnlySpan<byte> input)
    {
        var reader = new NetlinkMessageReader(input);
        var seen = 0;
        while (reader.TryRead(out var message))
        {
            foreach (var header in (ReadOnlySpan<int>)[4, 8, 12, 16])
            {
                if (message.TrySplit(header, out _, out var attributes) == NetlinkDecodeError.None)
                {
                    seen += WalkAttributes(attributes, depth: 0);
                }
            }
        }

        return seen;
    }

    private static int WalkAttributes(NetlinkAttributeReader reader, int depth)
    {
        var seen = 0;
        while (reader.TryRead(out var a))
        {
            seen++;
            _ = a.TryGetU8(out _) | a.TryGetU16(out _) | a.TryGetU32(out _) | a.TryGetS32(out _) | a.TryGetU64(out _) |
                a.TryGetBe16(out _) | a.TryGetBe32(out _) | a.TryGetString(out _) | a.TryGetAddress(out _) |
                a.TryGetAddress(2, out _) | a.TryGetAddress(10, out _);
            if (depth < 4)
            {
                seen += WalkAttributes(a.Nested, depth + 1);
            }
        }

        return seen;
    }
}

/// <summary>The inputs hostile tests start from: every golden IPVS reply message and request, every rtnetlink message
/// our builders produce (plus a hand-written link event), and every captured iproute2 request and kernel reply.</summary>
internal static class WireSeeds
{
    public static IReadOnlyList<(string Name, byte[] Bytes)> All { get; } = Load();

    private static List<(string Name, byte[] Bytes)> Load()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var name in IpvsGolden.Cases(".reply.hex"))
        {
            var replies = IpvsGolden.Replies(name);
            for (var i = 0; i < replies.Count; i++)
            {
                seeds.Add(($"{name}.reply[{i}]", replies[i]));
            }
        }

        foreach (var name in IpvsGolden.Cases(".request.hex"))
        {
            seeds.Add(($"{name}.request", IpvsGolden.Request(name)));
        }

        seeds.AddRange(RtnlMessages());
        foreach (var file in RtnlCaptures.Files("*.hex"))
        {
            var messages = RtnlCaptures.Messages(file);
            for (var i = 0; i < messages.Count; i++)
            {
                seeds.Add(($"{file}[{i}]", messages[i]));
            }
        }

        return seeds;
    }

    public static IEnumerable<(string Name, byte[] Bytes)> RtnlMessages()
    {
        yield return ("rtnl.newaddr4", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, RtnlAddressCodecTests.Vip4, 1)));
        yield return ("rtnl.newaddr6", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteAdd(ref w, RtnlAddressCodecTests.Vip6, 1)));
        yield return ("rtnl.deladdr4", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteDelete(ref w, RtnlAddressCodecTests.Broadcast4, 1)));
        yield return ("rtnl.getaddr", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlAddressCodec.WriteDump(ref w, System.Net.Sockets.AddressFamily.InterNetwork, 1)));
        yield return ("rtnl.newlink.macvlan", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteAddMacvlan(ref w, RtnlLinkCodecTests.Vmac, 1)));
        yield return ("rtnl.dellink", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteDelete(ref w, 7, 1)));
        yield return ("rtnl.getlink", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlLinkCodec.WriteDump(ref w, 1)));
        yield return ("rtnl.newroute4", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlRouteCodec.WriteAdd(ref w, RtnlRouteCodecTests.Route4, 1)));
        yield return ("rtnl.delroute6", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlRouteCodec.WriteDelete(ref w, RtnlRouteCodecTests.Default6, 1)));
        yield return ("rtnl.newrule4", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlRuleCodec.WriteAdd(ref w, RtnlRuleCodecTests.FromVip, 1)));
        yield return ("rtnl.delrule6", RtnlTestSupport.Build((ref NetlinkWriter w) => RtnlRuleCodec.WriteDelete(ref w, RtnlRuleCodecTests.ToUla, 1)));
        yield return ("rtnl.linkevent", Hex.Parse("50000000" + "1000" + "0000" + "00000000" + "00000000" + "0000010002000000" + "4310010000000000" +
            "0900030065746830000000000800040" + "0dc05000005001000060000000a000100525400123456000008000d00e8030000"));
    }
}

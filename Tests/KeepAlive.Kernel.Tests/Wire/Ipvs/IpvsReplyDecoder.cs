using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

/// <summary>Decodes one golden reply message with the parser its header calls for, failing the test on any error.</summary>
internal static class IpvsReplyDecoder
{
    public sealed record Done;

    public static object Decode(byte[] bytes, ushort familyId)
    {
        var message = IpvsGolden.Single(bytes);
        if (message.IsDone)
        {
            Assert.Equal(4, message.Payload.Length);
            return new Done();
        }

        if (message.IsError)
        {
            Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseError(message, familyId, out var error));
            return error!;
        }

        if (message.Type == 0x10)
        {
            Assert.Equal(NetlinkDecodeError.None, GenlControlCodec.TryParseFamily(message, out var family));
            return family!;
        }

        Assert.Equal(familyId, message.Type);
        Assert.Equal(NetlinkDecodeError.None, message.TryGetGenl(out var genl, out _));
        Assert.Equal(1, genl.Version);
        switch (genl.Command)
        {
            case 1:
                Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseService(message, familyId, out var service));
                return service!;
            case 5:
                Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseDestination(message, familyId, out var destination));
                return destination!;
            case 9:
                Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseDaemon(message, familyId, out var daemon));
                return daemon!;
            case 12:
                Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseTimeouts(message, familyId, out var timeouts));
                return timeouts!;
            case 14:
                Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseInfo(message, familyId, out var info));
                return info!;
            default:
                Assert.Fail($"unexpected IPVS reply command {genl.Command}");
                return null!;
        }
    }

    public static object[] DecodeAll(string name, ushort familyId) =>
        IpvsGolden.Replies(name).Select(r => Decode(r, familyId)).ToArray();
}

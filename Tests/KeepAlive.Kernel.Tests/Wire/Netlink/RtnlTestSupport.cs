using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Runs a builder into a fresh buffer and returns the written bytes.</summary>
internal static class RtnlTestSupport
{
    public delegate void WriterStep(ref NetlinkWriter writer);

    public static byte[] Build(WriterStep step)
    {
        var writer = new NetlinkWriter(new byte[512]);
        step(ref writer);
        Assert.True(writer.Ok);
        return writer.Written.ToArray();
    }

    public static NetlinkMessage Single(byte[] bytes)
    {
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var message));
        Assert.False(reader.TryRead(out _));
        Assert.Equal(NetlinkDecodeError.None, reader.Error);
        return message;
    }
}

using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

/// <summary>The golden ipvsadm captures copied into Fixtures/Ipvs (see its README).</summary>
internal static class IpvsGolden
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Ipvs");

    public static IEnumerable<string> Cases(string suffix) =>
        System.IO.Directory.GetFiles(Directory, "*" + suffix)
            .Select(f => Path.GetFileName(f)[..^suffix.Length])
            .Order(StringComparer.Ordinal);

    public static byte[] Request(string name) => Hex.Parse(File.ReadAllText(Path.Combine(Directory, name + ".request.hex")).Trim());

    public static IReadOnlyList<byte[]> Replies(string name) =>
        File.ReadAllLines(Path.Combine(Directory, name + ".reply.hex"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => Hex.Parse(l.Trim()))
            .ToArray();

    public static string[] Stdout(string name) => File.ReadAllLines(Path.Combine(Directory, name + ".stdout.txt"));

    /// <summary>The IPVS family id, taken from the captured CTRL_CMD_NEWFAMILY reply (never hard-coded).</summary>
    public static ushort FamilyId
    {
        get
        {
            var reader = new NetlinkMessageReader(Replies("00-ctrl-getfamily")[0]);
            Assert.True(reader.TryRead(out var message));
            Assert.Equal(NetlinkDecodeError.None, GenlControlCodec.TryParseFamily(message, out var family));
            return family!.Id;
        }
    }

    /// <summary>One message from bytes that must hold exactly one.</summary>
    public static NetlinkMessage Single(byte[] bytes)
    {
        var reader = new NetlinkMessageReader(bytes);
        Assert.True(reader.TryRead(out var message), $"no message: {reader.Error}");
        Assert.False(reader.TryRead(out _));
        Assert.Equal(NetlinkDecodeError.None, reader.Error);
        return message;
    }
}

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>The iproute2/kernel rtnetlink captures in Fixtures/Rtnl (see its README).</summary>
internal static class RtnlCaptures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Rtnl");

    public static IReadOnlyList<byte[]> Messages(string file) =>
        File.ReadAllLines(Path.Combine(Directory, file)).Where(l => l.Trim().Length > 0).Select(l => Hex.Parse(l.Trim())).ToArray();

    public static string[] Text(string file) => File.ReadAllLines(Path.Combine(Directory, file));

    public static IEnumerable<string> Files(string pattern) =>
        System.IO.Directory.GetFiles(Directory, pattern).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;
}

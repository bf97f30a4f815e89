using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using KeepAlive.Kernel.Wire.Netlink;
using static KeepAlive.Kernel.Tests.Wire.Netlink.RtnlTestSupport;

namespace KeepAlive.Kernel.Tests.Wire.Netlink;

/// <summary>Real kernel RTM_NEWLINK/RTM_NEWADDR dumps (Fixtures/Rtnl) decode to what `ip link show` / `ip addr show`
/// printed from the same bytes.</summary>
public sealed partial class KernelDumpCaptureTests
{
    [GeneratedRegex(@"^(\d+): ([^:@]+)(?:@\S+)?: <([^>]*)> mtu (\d+) .* state (\S+)")]
    private static partial Regex LinkLine();

    [GeneratedRegex(@"^\s+link/\S+ ([0-9a-f:]+)")]
    private static partial Regex EtherLine();

    [GeneratedRegex(@"^\s+inet6? ([^/ ]+)/(\d+)(?: brd (\S+))? scope (\S+)(.*)$")]
    private static partial Regex AddressLine();

    [Fact]
    public void Link_dump_matches_ip_link_show()
    {
        var lines = RtnlCaptures.Messages("kernel-linkdump.reply.hex");
        Assert.True(Single(lines[^1]).IsDone);
        var links = lines.Take(lines.Count - 1).Select(ParseLink).ToArray();
        var text = RtnlCaptures.Text("kernel-linkdump.ip-link-show.txt");
        var printed = text.Select((l, i) => (Line: LinkLine().Match(l), Ether: i + 1 < text.Length ? EtherLine().Match(text[i + 1]) : Match.Empty))
            .Where(p => p.Line.Success).ToArray();
        Assert.Equal(printed.Length, links.Length);

        for (var i = 0; i < links.Length; i++)
        {
            var (m, ether) = printed[i];
            var link = links[i];
            Assert.Equal(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), link.Index);
            Assert.Equal(m.Groups[2].Value, link.Name);
            var flags = m.Groups[3].Value.Split(',');
            Assert.Equal(flags.Contains("UP"), link.IsUp);
            Assert.Equal(flags.Contains("LOWER_UP"), link.IsLowerUp);
            Assert.Equal(uint.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), link.Mtu);
            Assert.Equal(Enum.Parse<OperState>(m.Groups[5].Value, ignoreCase: true), link.OperState);
            Assert.True(ether.Success);
            Assert.Equal(ether.Groups[1].Value, string.Join(':', link.HardwareAddress!.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))));
        }

        // "vrrp.51@ka0": a macvlan whose IFLA_LINK is ka0's index; the kernel reports its kind and mode.
        var ka0 = Assert.Single(links, l => l.Name == "ka0");
        var vmac = Assert.Single(links, l => l.Name == "vrrp.51");
        Assert.Equal(ka0.Index, vmac.ParentIndex);
        Assert.Equal("macvlan", vmac.Kind);
        Assert.Equal(MacvlanMode.Private, vmac.MacvlanMode);
        Assert.True(vmac.IsRunning);
        Assert.Equal("veth", ka0.Kind);
        Assert.False(Assert.Single(links, l => l.Name == "lo").IsUp);
    }

    [Fact]
    public void Single_link_reply_for_the_macvlan_decodes_kind_mode_parent_and_mac()
    {
        var link = ParseLink(Assert.Single(RtnlCaptures.Messages("kernel-getlink-vrrp51.reply.hex")));
        Assert.Equal("vrrp.51", link.Name);
        Assert.Equal(5, link.Index);
        Assert.Equal(3, link.ParentIndex);
        Assert.Equal("macvlan", link.Kind);
        Assert.Equal(MacvlanMode.Private, link.MacvlanMode);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 }, link.HardwareAddress);
    }

    [Fact]
    public void Address_dump_matches_ip_addr_show()
    {
        var lines = RtnlCaptures.Messages("kernel-addrdump.reply.hex");
        var addresses = new List<AddressInfo>();
        var done = 0;
        foreach (var bytes in lines)
        {
            var message = Single(bytes);
            if (message.IsDone)
            {
                done++;
            }
            else if (message.Type == 20)
            {
                Assert.Equal(NetlinkDecodeError.None, RtnlAddressCodec.TryParse(message, out var address, out var removed));
                Assert.False(removed);
                addresses.Add(address!);
            }
        }

        Assert.Equal(2, done); // ip dumps links, then addresses
        var expected = new List<(int Index, Match Line)>();
        var index = 0;
        foreach (var line in RtnlCaptures.Text("kernel-addrdump.ip-addr-show.txt"))
        {
            var link = LinkLine().Match(line);
            if (link.Success)
            {
                index = int.Parse(link.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            var address = AddressLine().Match(line);
            if (address.Success)
            {
                expected.Add((index, address));
            }
        }

        Assert.Equal(expected.Count, addresses.Count);
        foreach (var (ifindex, m) in expected)
        {
            var ip = IPAddress.Parse(m.Groups[1].Value);
            var decoded = Assert.Single(addresses, a => a.Address.Equals(ip));
            Assert.Equal(ifindex, decoded.InterfaceIndex);
            Assert.Equal(byte.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), decoded.PrefixLength);
            Assert.Equal(m.Groups[3].Success ? IPAddress.Parse(m.Groups[3].Value) : null, decoded.Broadcast);
            Assert.Equal(m.Groups[4].Value switch { "global" => RouteScope.Global, "link" => RouteScope.Link, _ => RouteScope.Host }, decoded.Scope);
            var rest = m.Groups[5].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(rest.Contains("nodad"), decoded.Flags.HasFlag(AddressFlags.NoDad));
            Assert.Equal(rest.Contains("tentative"), decoded.Flags.HasFlag(AddressFlags.Tentative));
            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                Assert.Equal(rest[^1], decoded.Label); // ip prints the IPv4 label last
            }
        }
    }

    private static LinkInfo ParseLink(byte[] bytes)
    {
        Assert.Equal(NetlinkDecodeError.None, RtnlLinkCodec.TryParse(Single(bytes), out var link, out var removed));
        Assert.False(removed);
        return link!;
    }
}

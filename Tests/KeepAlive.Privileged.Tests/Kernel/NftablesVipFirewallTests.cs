using System.Net;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// The accept-mode firewall on the real kernel's nf_tables, in two namespaces of ours: a VIP on A is reachable from
/// B until it is blocked, unreachable while blocked (IPv6 neighbour discovery still answered), reachable again after;
/// a predecessor's leftover table is replaced; a table deleted behind our back is rebuilt. <c>nft</c> (apt nftables)
/// confirms the ruleset keepalived would have.
/// </summary>
[Collection("privileged")]
public sealed class NftablesVipFirewallTests(ITestOutputHelper output) : NftablesNamespaceTest(output)
{
    private static readonly IPAddress Vip4 = IPAddress.Parse("10.7.0.100");
    private static readonly IPAddress Vip6 = IPAddress.Parse("fd00:7::100");
    private static readonly VipFirewallSettings Settings = new("ka_test");

    protected override void Prepare(VethNamespacePair pair)
    {
        Run(pair.A, "ip", "addr", "add", $"{Vip4}/32", "dev", VethNamespacePair.InterfaceA);
        Run(pair.A, "ip", "addr", "add", "10.7.0.101/32", "dev", VethNamespacePair.InterfaceA);
        Run(pair.A, "ip", "-6", "addr", "add", $"{Vip6}/128", "dev", VethNamespacePair.InterfaceA, "nodad");
    }

    [SkippableFact]
    public void A_blocked_vip_drops_traffic_and_an_unblocked_one_passes()
    {
        Privilege.Require("nft", "ping");
        var firewall = Open();
        Assert.True(Reachable(Vip4), "the VIP answers before it is blocked");
        Assert.True(Reachable(Vip6), "the IPv6 VIP answers before it is blocked");

        Check(firewall.Apply(Settings, [Vip4, Vip6], []));
        Assert.False(Reachable(Vip4), "a blocked VIP must not answer");
        Assert.False(Reachable(Vip6), "a blocked IPv6 VIP must not answer");
        Assert.True(Reachable(VethNamespacePair.IPv4A), "the primary address is not blocked");
        Assert.True(NeighbourResolved(Vip6), "neighbour discovery still works for a blocked IPv6 VIP");
        var ruleset = Nft("list", "ruleset");
        Output.WriteLine(ruleset);
        Assert.Contains("table ip ka_test", ruleset);
        Assert.Contains("table ip6 ka_test", ruleset);
        Assert.Contains("ip daddr @vips drop", ruleset);
        Assert.Contains("ip saddr @vips drop", ruleset);
        Assert.Contains("ip6 daddr @vips drop", ruleset);
        Assert.Contains("hook input priority filter - 1", ruleset);
        Assert.Contains("10.7.0.100", ruleset);

        Check(firewall.Apply(Settings, [], [Vip4, Vip6]));
        Assert.True(Reachable(Vip4), "an unblocked VIP answers again");
        Assert.True(Reachable(Vip6), "an unblocked IPv6 VIP answers again");
        Assert.Empty(firewall.Blocked);

        Check(firewall.Remove(Settings));
        Assert.DoesNotContain("ka_test", Nft("list", "ruleset"));
    }

    [SkippableFact]
    public void Changes_are_idempotent()
    {
        Privilege.Require("nft", "ping");
        var firewall = Open();
        Check(firewall.Apply(Settings, [Vip4], []));
        Check(firewall.Apply(Settings, [Vip4], []));
        Check(firewall.Apply(Settings, [], [Vip4]));
        Check(firewall.Apply(Settings, [], [Vip4, Vip6]));
        Assert.True(Reachable(Vip4));
        Check(firewall.Remove(Settings));
        Check(firewall.Remove(Settings));
    }

    [SkippableFact]
    public void A_killed_predecessors_table_is_replaced()
    {
        Privilege.Require("nft", "ping");
        var predecessor = Open();
        Check(predecessor.Apply(Settings, [Vip4], []));
        predecessor.Dispose();                        // killed: its table and its blocked VIP stay in the kernel
        Assert.False(Reachable(Vip4));

        var successor = Open();
        var other = IPAddress.Parse("10.7.0.101");
        Check(successor.Apply(Settings, [other], []));
        Assert.True(Reachable(Vip4), "the predecessor's drop entry is gone with its table");
        Assert.False(Reachable(other));
        var ruleset = Nft("list", "table", "ip", "ka_test");
        Assert.Single(ruleset.Split('\n'), l => l.Contains("ip daddr @vips drop"));
    }

    [SkippableFact]
    public void A_table_deleted_behind_its_back_is_rebuilt_with_what_it_holds()
    {
        Privilege.Require("nft", "ping");
        var firewall = Open();
        Check(firewall.Apply(Settings, [Vip4], []));
        Nft("delete", "table", "ip", "ka_test");
        Assert.True(Reachable(Vip4));

        var other = IPAddress.Parse("10.7.0.101");
        Check(firewall.Apply(Settings, [other], []));
        Assert.False(Reachable(Vip4), "the rebuilt table blocks what the firewall held");
        Assert.False(Reachable(other));
        Check(firewall.Apply(Settings, [], [Vip4]));
        Assert.True(Reachable(Vip4));
    }

    private bool NeighbourResolved(IPAddress address)
    {
        var (_, text) = Pair.B.Exec("ip", ["-6", "neigh", "show", address.ToString()], TimeSpan.FromSeconds(10));
        Output.WriteLine($"neighbour {address}: {text.Trim()}");
        return text.Contains("lladdr", StringComparison.Ordinal);
    }
}

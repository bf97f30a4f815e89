using System.Net;
using System.Text.Json;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// The use_vmac part of the firewall and a reload's table change on the real kernel's nf_tables, in namespaces of
/// ours: the kernel accepts the VMAC map, set and rules, and <c>nft -j</c> reads them back as keepalived 2.2.7
/// writes them (IGMP and MLDv2 reports duplicated to the base interface and dropped, router solicitations dropped,
/// elements VMAC index : base index); a table renamed or re-prioritised by a reload holds every VIP and VMAC, and the
/// old one is gone.
/// </summary>
[Collection("privileged")]
public sealed class NftablesVmacFirewallTests(ITestOutputHelper output) : NftablesNamespaceTest(output)
{
    private const string Vmac = "vrrp.7";
    private static readonly IPAddress Vip4 = IPAddress.Parse("10.7.0.100");
    private static readonly VipFirewallSettings Settings = new("ka_vmac");

    protected override void Prepare(VethNamespacePair pair)
    {
        Run(pair.A, "ip", "addr", "add", $"{Vip4}/32", "dev", VethNamespacePair.InterfaceA);
        Run(pair.A, "ip", "link", "add", Vmac, "link", VethNamespacePair.InterfaceA, "type", "macvlan", "mode", "private");
    }

    [SkippableFact]
    public void A_vmac_s_reports_are_moved_to_its_base_and_its_router_solicitations_dropped()
    {
        Privilege.Require("nft");
        var firewall = Open();
        var link = new VmacFirewallLink(Vmac, VmacIndex(), Pair.IndexA, new VmacFamilies(true, true));
        Check(firewall.AddVmac(Settings, link));
        Check(firewall.AddVmac(Settings, link));                       // idempotent

        var text = Nft("list", "ruleset");
        Output.WriteLine(text);
        Assert.Contains("ip protocol igmp meta oifkind \"macvlan\" dup to ip daddr device oif map @vmac_map counter packets 0 bytes 0 drop", text);
        Assert.Contains("icmpv6 type mld2-listener-report meta oifkind \"macvlan\" dup to ip6 daddr device oif map @vmac_map counter packets 0 bytes 0 drop", text);
        Assert.Contains("icmpv6 type nd-router-solicit meta oifkind \"macvlan\" oif @vmac_set counter packets 0 bytes 0 drop", text);

        var ruleset = Json();
        foreach (var family in new[] { "ip", "ip6" })
        {
            var map = Set(ruleset, family, "vmac_map");
            Assert.Equal("iface_index", map.GetProperty("type").GetString());
            Assert.Equal("iface_index", map.GetProperty("map").GetString());
            // nft names an iface_index it can resolve: the indexes are the VMAC's and its base's, in host order.
            var element = Assert.Single(map.GetProperty("elem").EnumerateArray());
            Assert.Equal([Vmac, VethNamespacePair.InterfaceA], element.EnumerateArray().Select(e => e.GetString()));
            Assert.Single(Rules(ruleset, family, "out"), r => r.Contains("\"dup\"", StringComparison.Ordinal));
        }
        var set = Set(ruleset, "ip6", "vmac_set");
        Assert.Equal(Vmac, Assert.Single(set.GetProperty("elem").EnumerateArray()).GetString());

        Check(firewall.RemoveVmac(Settings, Vmac));
        Assert.False(Set(Json(), "ip", "vmac_map").TryGetProperty("elem", out _), "the VMAC's element is gone");
        Assert.Empty(firewall.Vmacs);
        Check(firewall.Remove(Settings));
        Assert.DoesNotContain("ka_vmac", Nft("list", "ruleset"));
    }

    [SkippableFact]
    public void An_ipv4_only_vmac_leaves_the_ipv6_table_alone_and_a_rebuild_keeps_it()
    {
        Privilege.Require("nft");
        var firewall = Open();
        var link = new VmacFirewallLink(Vmac, VmacIndex(), Pair.IndexA, new VmacFamilies(true, false));
        Check(firewall.Apply(Settings, [Vip4], []));
        Check(firewall.AddVmac(Settings, link));
        Assert.DoesNotContain("table ip6 ka_vmac", Nft("list", "ruleset"));
        Nft("delete", "table", "ip", "ka_vmac");                      // behind its back
        Check(firewall.Apply(Settings, [IPAddress.Parse("10.7.0.101")], []));
        var ruleset = Json();
        Assert.Equal(2, Set(ruleset, "ip", "vips").GetProperty("elem").GetArrayLength());
        Assert.Single(Set(ruleset, "ip", "vmac_map").GetProperty("elem").EnumerateArray());
    }

    [SkippableFact]
    public void A_reload_that_renames_the_table_moves_every_vip_and_vmac_and_deletes_the_old_one()
    {
        Privilege.Require("nft", "ping");
        var firewall = Open();
        var link = new VmacFirewallLink(Vmac, VmacIndex(), Pair.IndexA, new VmacFamilies(true, false));
        Check(firewall.Apply(Settings, [Vip4], []));
        Check(firewall.AddVmac(Settings, link));
        Assert.False(Reachable(Vip4));

        var renamed = new VipFirewallSettings("ka_vmac2", -5);
        Check(firewall.Move(Settings, renamed));
        var text = Nft("list", "ruleset");
        Output.WriteLine(text);
        Assert.DoesNotContain("table ip ka_vmac\n", text + "\n");
        Assert.Contains("hook input priority filter - 5", text);
        var ruleset = Json();
        Assert.Equal("10.7.0.100", Assert.Single(Set(ruleset, "ip", "vips", "ka_vmac2").GetProperty("elem").EnumerateArray()).GetString());
        Assert.Single(Set(ruleset, "ip", "vmac_map", "ka_vmac2").GetProperty("elem").EnumerateArray());
        Assert.False(Reachable(Vip4), "the VIP stays blocked in the new table");

        Check(firewall.Apply(renamed, [], [Vip4]));
        Assert.True(Reachable(Vip4), "unblocked in the table in use");
        Check(firewall.RemoveVmac(renamed, Vmac));
        Check(firewall.Remove(renamed));
        Assert.DoesNotContain("ka_vmac", Nft("list", "ruleset"));
    }

    [SkippableFact]
    public void A_reload_that_changes_only_the_priority_rebuilds_the_table_in_place_with_its_vips()
    {
        Privilege.Require("nft", "ping");
        var firewall = Open();
        Check(firewall.Apply(Settings, [Vip4], []));
        Check(firewall.Move(Settings, Settings with { Priority = 10 }));
        var text = Nft("list", "table", "ip", "ka_vmac");
        Assert.Contains("hook input priority filter + 10", text);
        Assert.Contains("10.7.0.100", text);
        Assert.False(Reachable(Vip4));
    }

    private int VmacIndex()
    {
        var (code, text) = Pair.A.Exec("ip", ["-j", "link", "show", Vmac], TimeSpan.FromSeconds(10));
        Assert.True(code == 0, text);
        return JsonDocument.Parse(text).RootElement[0].GetProperty("ifindex").GetInt32();
    }

    private JsonElement Json() => JsonDocument.Parse(Nft("-j", "list", "ruleset")).RootElement.GetProperty("nftables");

    private static JsonElement Set(JsonElement ruleset, string family, string name, string table = "ka_vmac")
    {
        foreach (var item in ruleset.EnumerateArray())
        {
            if ((item.TryGetProperty("set", out var set) || item.TryGetProperty("map", out set))
                && set.GetProperty("family").GetString() == family && set.GetProperty("table").GetString() == table
                && set.GetProperty("name").GetString() == name)
                return set;
        }
        Assert.Fail($"no set {name} in {family} {table}");
        return default;
    }

    private static List<string> Rules(JsonElement ruleset, string family, string chain) =>
        ruleset.EnumerateArray()
            .Where(i => i.TryGetProperty("rule", out var r) && r.GetProperty("family").GetString() == family && r.GetProperty("chain").GetString() == chain)
            .Select(i => i.GetProperty("rule").GetRawText())
            .ToList();
}

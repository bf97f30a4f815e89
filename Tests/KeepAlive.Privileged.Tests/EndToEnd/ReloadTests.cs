using System.Diagnostics;
using KeepAlive.Privileged.Tests.Interop;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.EndToEnd;

/// <summary>
/// SIGHUP on a running master of two instances (and a backup peer), on a bridged LAN of our namespaces: a reload that
/// adds one VIP to one instance and removes another moves nothing else — no transition is logged on either node, the
/// other instance's VIP never leaves the master, and in a capture the other instance's adverts keep their cadence (the
/// largest gap is reported; the bound allows a loaded CI machine, the benchmark measures the exact figure). A reload
/// whose configuration has a fatal error changes nothing: the daemon keeps running the old configuration.
/// </summary>
[Collection("privileged")]
public sealed class ReloadTests(ITestOutputHelper output) : IDisposable
{
    private BridgeLab? _lab;
    private readonly List<KeepAliveProcess> _daemons = [];

    public void Dispose()
    {
        foreach (var d in _daemons)
            d.Dispose();
        _lab?.Dispose();
    }

    private static string Config(int priority, IEnumerable<string> firstVips) => $$"""
        global_defs {
            vrrp_version 3
        }
        vrrp_instance VI_1 {
            state BACKUP
            interface {{BridgeLab.Interface}}
            virtual_router_id 81
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                {{string.Join("\n        ", firstVips)}}
            }
        }
        vrrp_instance VI_2 {
            state BACKUP
            interface {{BridgeLab.Interface}}
            virtual_router_id 82
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                10.8.0.120/24
            }
        }
        """;

    [SkippableFact]
    public void A_reload_that_adds_and_removes_one_vip_moves_nothing_else()
    {
        Privilege.Require("ip", "dotnet", "tcpdump");
        _lab = new BridgeLab(2);
        string[] before = ["10.8.0.110/24", "10.8.0.111/24"];
        string[] after = ["10.8.0.110/24", "10.8.0.112/24"];
        var master = Start(0, Config(150, before));
        var backup = Start(1, Config(100, before));
        var all = before.Append("10.8.0.120/24").ToList();
        Assert.True(Poll.Until(() => _lab.Addresses(0).IsSupersetOf(all), TimeSpan.FromSeconds(20)), "the master never held its VIPs\n" + Logs());
        Thread.Sleep(1500);
        int masterEntering = master.Count("Entering"), backupEntering = backup.Count("Entering");
        var timeline = AdvertTimeline.Start(_lab.Nodes[1].Name, BridgeLab.Interface, System.Net.IPAddress.Parse(BridgeLab.Address(0)), vrid: 82);
        Thread.Sleep(2500);

        File.WriteAllText(Path.Combine(master.Directory, "keepalived.conf"), Config(150, after));
        var clock = Stopwatch.StartNew();
        var violations = new List<string>();
        master.Signal("HUP");
        while (clock.Elapsed < TimeSpan.FromSeconds(4))
        {
            var now = _lab.Addresses(0);
            if (!now.Contains("10.8.0.110/24") || !now.Contains("10.8.0.120/24"))
                violations.Add("an unchanged VIP left the master");
            if (_lab.Addresses(1).Overlaps(all.Append("10.8.0.112/24")))
                violations.Add("the backup took a VIP");
            Thread.Sleep(50);
        }
        var adverts = timeline.Stop();
        double gap = AdvertTimeline.MaxGap(adverts);
        output.WriteLine($"VI_2 (unchanged) adverts around the reload: {adverts.Count}, largest gap {gap * 1000:0.0} ms (interval 1000 ms)");
        Assert.Empty(violations.Distinct());
        var held = _lab.Addresses(0);
        Assert.Contains("10.8.0.112/24", held);
        Assert.DoesNotContain("10.8.0.111/24", held);
        Assert.Equal(masterEntering, master.Count("Entering"));
        Assert.Equal(backupEntering, backup.Count("Entering"));
        Assert.True(gap < 1.1, $"VI_2's adverts paused {gap * 1000:0} ms across the reload\n" + Logs());
        Assert.All(adverts, a => Assert.Equal(150, a.Priority));
    }

    [SkippableFact]
    public void A_reload_with_a_fatal_error_changes_nothing()
    {
        Privilege.Require("ip", "dotnet");
        _lab = new BridgeLab(1);
        string[] vips = ["10.8.0.110/24"];
        var master = Start(0, Config(150, vips));
        Assert.True(Poll.Until(() => _lab.Addresses(0).Contains("10.8.0.110/24"), TimeSpan.FromSeconds(20)), "no VIP\n" + Logs());
        int entering = master.Count("Entering");
        File.WriteAllText(Path.Combine(master.Directory, "keepalived.conf"), "vrrp_instance BROKEN {\n    virtual_router_id 999\n");
        master.Signal("HUP");
        Assert.True(master.WaitFor("Reload refused", TimeSpan.FromSeconds(15)), "no refusal logged\n" + Logs());
        Thread.Sleep(1000); // a second more: still running, nothing moved
        Assert.False(master.HasExited, "the daemon exited on a bad reload\n" + Logs());
        Assert.True(_lab.Addresses(0).IsSupersetOf(["10.8.0.110/24", "10.8.0.120/24"]), "the bad reload changed the VIPs\n" + Logs());
        Assert.Equal(entering, master.Count("Entering"));
        Assert.Contains(master.Log, l => l.Contains("keepalived.conf:", StringComparison.Ordinal));
    }

    private KeepAliveProcess Start(int node, string config)
    {
        var d = new KeepAliveProcess(_lab!.Nodes[node].Name, config);
        _daemons.Add(d);
        return d;
    }

    private string Logs() => string.Join("\n", _daemons.Select((d, i) => $"--- daemon {i}:\n{d}"));
}

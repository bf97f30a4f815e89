using System.Diagnostics;
using KeepAlive.Privileged.Tests.Interop;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.EndToEnd;

/// <summary>
/// Our daemons (<c>keepalive -n</c>) on a bridged LAN of our namespaces, VRRPv3 with 0.1 s adverts: the highest
/// priority of three elected; kill -9 → the next owns every VIP; SIGTERM → priority-0 handover; a returning higher
/// priority preempts, unless nopreempt; a sync group of 50 VIPs moves together when the master's link goes down and
/// comes back when it returns. Bounds are generous (a loaded CI machine); exact timings are the lab's.
/// </summary>
[Collection("privileged")]
public sealed class FailoverTests(ITestOutputHelper output) : IDisposable
{
    private BridgeLab? _lab;
    private readonly List<KeepAliveProcess> _daemons = [];

    public void Dispose()
    {
        foreach (var d in _daemons)
            d.Dispose();
        _lab?.Dispose();
    }

    private static string Instance(string name, int vrid, int priority, IEnumerable<string> vips, bool nopreempt = false) => $$"""
        vrrp_instance {{name}} {
            state BACKUP
            interface {{BridgeLab.Interface}}
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int 0.1
            {{(nopreempt ? "nopreempt" : "")}}
            virtual_ipaddress {
                {{string.Join("\n        ", vips)}}
            }
        }
        """;

    private static string Config(params string[] blocks) => "global_defs {\n    vrrp_version 3\n}\n" + string.Join('\n', blocks);

    private static IEnumerable<string> Vips(int first, int count) => Enumerable.Range(first, count).Select(i => $"10.8.0.{i}/24");

    private KeepAliveProcess Start(int node, string config)
    {
        var d = new KeepAliveProcess(_lab!.Nodes[node].Name, config);
        _daemons.Add(d);
        return d;
    }

    private bool Holds(int node, IEnumerable<string> vips) => _lab!.Addresses(node).IsSupersetOf(vips);

    private bool HoldsNone(int node, IEnumerable<string> vips) => !_lab!.Addresses(node).Overlaps(vips);

    private string Logs() => string.Join("\n", _daemons.Select((d, i) => $"--- daemon {i}:\n{d}"));

    [SkippableFact]
    public void Three_nodes_elect_the_highest_and_fail_over_in_priority_order()
    {
        Privilege.Require("ip", "dotnet");
        _lab = new BridgeLab(3);
        var vips = Vips(100, 3).ToList();
        var n0 = Start(0, Config(Instance("VI_3", 64, 150, vips)));
        var n1 = Start(1, Config(Instance("VI_3", 64, 120, vips)));
        var n2 = Start(2, Config(Instance("VI_3", 64, 100, vips)));
        Assert.True(Poll.Until(() => Holds(0, vips), TimeSpan.FromSeconds(20)), "the highest priority never held the VIPs\n" + Logs());
        Thread.Sleep(1000);
        Assert.True(Holds(0, vips) && HoldsNone(1, vips) && HoldsNone(2, vips), "more than one master\n" + Logs());

        var clock = Stopwatch.StartNew();
        n0.KillHard();
        Assert.True(Poll.Until(() => Holds(1, vips), TimeSpan.FromSeconds(5)), "priority 120 did not take over from a killed master\n" + Logs());
        output.WriteLine($"kill -9 of the master → priority 120 holds the VIPs: {clock.ElapsedMilliseconds} ms (master-down 353 ms; the VIPs the dead master left are the kernel's, it was killed)");
        Thread.Sleep(1000);
        Assert.True(HoldsNone(2, vips), "priority 100 also became master\n" + Logs());

        clock.Restart();
        n1.SignalTerm();
        Assert.True(Poll.Until(() => Holds(2, vips), TimeSpan.FromSeconds(5)), "priority 100 did not take over on SIGTERM\n" + Logs());
        output.WriteLine($"SIGTERM of the new master → priority 100 holds the VIPs: {clock.ElapsedMilliseconds} ms (skew 61 ms)");
        Assert.True(n1.WaitForExit(TimeSpan.FromSeconds(20)), "SIGTERM did not stop the daemon\n" + Logs());
        Assert.Equal(0, n1.ExitCode);
        Assert.True(HoldsNone(1, vips), "the stopped daemon left its VIPs");
    }

    [SkippableFact]
    public void Sigint_hands_over_and_releases_as_sigterm_does()
    {
        Privilege.Require("ip", "dotnet");
        _lab = new BridgeLab(2);
        var vips = Vips(110, 2).ToList();
        var n0 = Start(0, Config(Instance("VI_6", 67, 150, vips)));
        var n1 = Start(1, Config(Instance("VI_6", 67, 100, vips)));
        Assert.True(Poll.Until(() => Holds(0, vips) && HoldsNone(1, vips), TimeSpan.FromSeconds(20)), "the higher priority never held the VIPs alone\n" + Logs());

        n0.Signal("INT");                                              // Ctrl+C in the foreground
        Assert.True(Poll.Until(() => Holds(1, vips), TimeSpan.FromSeconds(5)), "the backup did not take over on SIGINT\n" + Logs());
        Assert.True(n0.WaitForExit(TimeSpan.FromSeconds(20)), "SIGINT did not stop the daemon\n" + Logs());
        Assert.Equal(0, n0.ExitCode);
        Assert.True(HoldsNone(0, vips), "the stopped daemon left its VIPs");
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_returning_higher_priority_preempts_unless_nopreempt(bool nopreempt)
    {
        Privilege.Require("ip", "dotnet");
        _lab = new BridgeLab(2);
        var vips = Vips(100, 2).ToList();
        Start(1, Config(Instance("VI_P", 67, 100, vips)));
        Assert.True(Poll.Until(() => Holds(1, vips), TimeSpan.FromSeconds(20)), "the only node never became master\n" + Logs());
        var higher = Start(0, Config(Instance("VI_P", 67, 150, vips, nopreempt)));
        if (!nopreempt)
        {
            Assert.True(Poll.Until(() => Holds(0, vips), TimeSpan.FromSeconds(20)), "the higher priority did not preempt\n" + Logs());
            Assert.True(Poll.Until(() => HoldsNone(1, vips), TimeSpan.FromSeconds(2)), "the preempted master kept its VIPs\n" + Logs());
            return;
        }
        Assert.True(Poll.Until(() => higher.Log.Any(l => l.Contains("running", StringComparison.Ordinal)), TimeSpan.FromSeconds(20)), "the daemon did not start\n" + Logs());
        Thread.Sleep(3000);                                   // 30 adverts: plenty of time to preempt if it would
        Assert.True(Holds(1, vips) && HoldsNone(0, vips), "nopreempt preempted\n" + Logs());
    }

    [SkippableFact]
    public void A_sync_group_of_50_vips_moves_together_when_the_masters_link_goes_down()
    {
        Privilege.Require("ip", "dotnet");
        _lab = new BridgeLab(2);
        var first = Vips(101, 25).ToList();
        var second = Vips(126, 25).ToList();
        var all = first.Concat(second).ToList();
        string group = "vrrp_sync_group G50 {\n    group {\n        VI_A\n        VI_B\n    }\n}";
        Start(0, Config(group, Instance("VI_A", 65, 150, first), Instance("VI_B", 66, 150, second)));
        Start(1, Config(group, Instance("VI_A", 65, 100, first), Instance("VI_B", 66, 100, second)));
        Assert.True(Poll.Until(() => Holds(0, all), TimeSpan.FromSeconds(20)), "node 0 never held the 50 VIPs\n" + Logs());
        Thread.Sleep(1000);
        Assert.True(HoldsNone(1, all), "node 1 holds VIPs while node 0 is master\n" + Logs());

        var clock = Stopwatch.StartNew();
        _lab.SetLink(0, up: false);
        Assert.True(Poll.Until(() => Holds(1, all), TimeSpan.FromSeconds(5)), "node 1 did not take all 50 VIPs\n" + Logs());
        output.WriteLine($"link down on the master → the backup holds all 50 VIPs: {clock.ElapsedMilliseconds} ms (master-down 361 ms)");
        Assert.True(Poll.Until(() => HoldsNone(0, all), TimeSpan.FromSeconds(2)), "the faulted master kept VIPs\n" + Logs());

        clock.Restart();
        _lab.SetLink(0, up: true);
        Assert.True(Poll.Until(() => Holds(0, all), TimeSpan.FromSeconds(10)), "node 0 did not take the group back\n" + Logs());
        Assert.True(Poll.Until(() => HoldsNone(1, all), TimeSpan.FromSeconds(2)), "node 1 kept VIPs after the preemption\n" + Logs());
        output.WriteLine($"link up → node 0 holds all 50 VIPs again: {clock.ElapsedMilliseconds} ms");
    }

    [SkippableFact]
    public void With_V_a_stopped_master_leaves_its_vips_in_place()
    {
        Privilege.Require("ip", "dotnet");
        _lab = new BridgeLab(1);
        var vips = Vips(100, 2).ToList();
        var d = new KeepAliveProcess(_lab.Nodes[0].Name, Config(Instance("VI_V", 68, 150, vips)), ["-n", "-l", "-G", "-V", "-p", "{dir}/keepalive.pid"]);
        _daemons.Add(d);
        Assert.True(Poll.Until(() => Holds(0, vips), TimeSpan.FromSeconds(30)), "never master\n" + Logs());
        d.SignalTerm();
        Assert.True(d.WaitForExit(TimeSpan.FromSeconds(20)), "did not stop\n" + Logs());
        Assert.Equal(0, d.ExitCode);
        Assert.True(Holds(0, vips), "-V released the VIPs\n" + Logs());
        Assert.DoesNotContain(d.Log, l => l.Contains("Entering", StringComparison.Ordinal) && l.Contains("STOP", StringComparison.Ordinal));
    }
}

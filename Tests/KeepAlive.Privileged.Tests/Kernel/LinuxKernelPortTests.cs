using System.Diagnostics;
using System.Net;
using System.Text.Json;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>LinuxKernelPort against the real kernel in a namespace of ours, checked with <c>ip -j</c>.</summary>
[Collection("privileged")]
public sealed class LinuxKernelPortTests(ITestOutputHelper output) : IDisposable
{
    private const string Dev = "kp0";
    private NetworkNamespace? _ns;
    private LinuxKernelPort? _port;

    private NetworkNamespace Ns => _ns ??= new NetworkNamespace("kp", Dev);

    private LinuxKernelPort Port(int eventBuffer = 0)
    {
        if (_port is not null)
            return _port;
        var r = NamespaceThread.Run(Ns.Name, () => (LinuxKernelPort.Open(out var p, eventBuffer), p));
        Assert.True(r.Item1.IsOk, r.Item1.ToString());
        return _port = r.Item2!;
    }

    public void Dispose()
    {
        _port?.Dispose();
        _ns?.Dispose();
    }

    private JsonElement IpJson(params string[] args)
    {
        var (code, text) = Ns.Exec("ip", ["-j", .. args], TimeSpan.FromSeconds(20));
        Assert.True(code == 0, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private List<(string Address, int Prefix, string? Label, JsonElement Info)> KernelAddresses(string dev = Dev) =>
        IpJson("addr", "show", "dev", dev).EnumerateArray().SelectMany(l => l.GetProperty("addr_info").EnumerateArray())
            .Select(a => (a.GetProperty("local").GetString()!, a.GetProperty("prefixlen").GetInt32(),
                a.TryGetProperty("label", out var label) ? label.GetString() : null, a))
            .ToList();

    [SkippableFact]
    public void Prepare_opens_the_frame_sockets_and_changes_no_address()
    {
        Privilege.Require("ip");
        var port = Port();
        var before = IpJson("addr", "show").ToString();
        Assert.True(port.Prepare([Dev]).IsOk);
        Assert.Equal(before, IpJson("addr", "show").ToString());
        Assert.False(port.Prepare(["no-such0"]).IsOk);
        Assert.True(port.SendFrame(Dev, new byte[60]).IsOk);
    }

    [SkippableFact]
    public void Vip_add_and_remove_are_real_and_idempotent()
    {
        Privilege.Require("ip");
        var port = Port();
        var v4 = new InterfaceAddress(Dev, IPAddress.Parse("10.9.0.100"), 24, IPAddress.Parse("10.9.0.255"), Label: "kp0:vip");
        var v6 = new InterfaceAddress(Dev, IPAddress.Parse("fd00:9::100"), 64);

        Assert.True(port.AddAddress(v4).IsOk);
        Assert.True(port.AddAddress(v4).IsOk);
        Assert.True(port.AddAddress(v6).IsOk);
        var now = KernelAddresses();
        var added = now.Single(a => a.Address == "10.9.0.100");
        Assert.Equal((24, "kp0:vip"), (added.Prefix, added.Label));
        Assert.Equal("10.9.0.255", added.Info.GetProperty("broadcast").GetString());
        var added6 = now.Single(a => a.Address == "fd00:9::100");
        Assert.True(added6.Info.TryGetProperty("nodad", out var nodad) && nodad.GetBoolean(), added6.Info.ToString());

        Assert.True(port.Addresses(out var seen).IsOk);
        output.WriteLine(string.Join("\n", seen.Select(a => $"{a} label={a.Label} nodad={a.NoDad} brd={a.Broadcast}")));
        Assert.Contains(seen, a => a.Key == v4.Key && a.Label == "kp0:vip");
        Assert.Contains(seen, a => a.Key == v6.Key && a.NoDad);

        Assert.True(port.RemoveAddress(v4).IsOk);
        Assert.True(port.RemoveAddress(v4).IsOk);
        Assert.True(port.RemoveAddress(v6).IsOk);
        Assert.DoesNotContain(KernelAddresses(), a => a.Address is "10.9.0.100" or "fd00:9::100");

        var missing = port.AddAddress(v4 with { Interface = "nope0" });
        Assert.Equal(19, missing.Errno);
        Assert.True(port.RemoveAddress(v4 with { Interface = "nope0" }).IsOk);
    }

    [SkippableFact]
    public void A_batch_of_addresses_goes_in_with_each_ones_result_and_a_failure_stops_none_of_the_others()
    {
        Privilege.Require("ip");
        var port = Port();
        var present = new InterfaceAddress(Dev, IPAddress.Parse("10.9.1.1"), 16);
        Assert.True(port.AddAddress(present).IsOk);
        // 150 addresses cross the 64-per-datagram boundary twice; among them: one already there (EEXIST is success),
        // one on a device that does not exist (never sent), one the kernel refuses (prefix 33), and an IPv6 one.
        var batch = Enumerable.Range(2, 150).Select(i => new InterfaceAddress(Dev, IPAddress.Parse($"10.9.1.{i}"), 16)).ToList();
        batch.Insert(10, present);
        batch.Insert(70, new InterfaceAddress("nope0", IPAddress.Parse("10.9.2.1"), 24));
        batch.Insert(100, new InterfaceAddress(Dev, IPAddress.Parse("10.9.2.2"), 33));
        batch.Add(new InterfaceAddress(Dev, IPAddress.Parse("fd00:9::200"), 64));

        var results = port.AddAddresses(batch);

        Assert.Equal(batch.Count, results.Count);
        Assert.Equal(19, results[70].Errno);                       // ENODEV
        Assert.Equal(22, results[100].Errno);                      // EINVAL
        Assert.Contains("10.9.2.2", results[100].Message, StringComparison.Ordinal);
        Assert.All(results.Where((_, i) => i is not (70 or 100)), r => Assert.True(r.IsOk, r.ToString()));
        var now = KernelAddresses().Select(a => a.Address).ToHashSet();
        Assert.All(batch.Where((_, i) => i is not (70 or 100)), a => Assert.Contains(a.Address.ToString(), now));
        Assert.DoesNotContain("10.9.2.2", now);

        // Done again, everything is already there: all succeed, nothing changes.
        Assert.All(port.AddAddresses(batch).Where((_, i) => i is not (70 or 100)), r => Assert.True(r.IsOk, r.ToString()));
        Assert.Equal(now, KernelAddresses().Select(a => a.Address).ToHashSet());
        Assert.Empty(port.AddAddresses([]));
    }

    [SkippableFact]
    public void Links_match_what_ip_reports()
    {
        Privilege.Require("ip");
        Assert.True(Port().Links(out var links).IsOk);
        var ip = IpJson("link", "show").EnumerateArray().ToDictionary(l => l.GetProperty("ifname").GetString()!, l => l);
        Assert.Equal(ip.Keys.Order(), links.Select(l => l.Name).Order());
        foreach (var link in links)
        {
            Assert.Equal(ip[link.Name].GetProperty("ifindex").GetInt32(), link.Index);
            Assert.Equal(ip[link.Name].GetProperty("mtu").GetInt32(), link.Mtu);
            if (ip[link.Name].TryGetProperty("address", out var mac) && link.Mac.Length == 6)
                Assert.Equal(mac.GetString(), string.Join(':', link.Mac.Select(b => b.ToString("x2"))));
        }
    }

    [SkippableFact]
    public void Macvlan_virtual_mac_is_created_up_idempotently_and_deleted()
    {
        Privilege.Require("ip");
        var port = Port();
        var vmac = new MacvlanSpec("vrrp.51", Dev, [0x00, 0x00, 0x5e, 0x00, 0x01, 0x33]);

        Assert.True(port.CreateMacvlan(vmac).IsOk);
        Assert.True(port.CreateMacvlan(vmac).IsOk);
        var link = IpJson("-d", "link", "show", "vrrp.51").EnumerateArray().Single();
        Assert.Equal("00:00:5e:00:01:33", link.GetProperty("address").GetString());
        Assert.Equal("macvlan", link.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal("private", link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
        Assert.Contains("UP", link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(17, port.CreateMacvlan(vmac with { Mac = [0x00, 0x00, 0x5e, 0x00, 0x01, 0x34] }).Errno);

        Assert.True(port.DeleteLink("vrrp.51").IsOk);
        Assert.True(port.DeleteLink("vrrp.51").IsOk);
        Assert.DoesNotContain(IpJson("link", "show").EnumerateArray(), l => l.GetProperty("ifname").GetString() == "vrrp.51");
    }

    [SkippableFact]
    public void Routes_and_rules_are_installed_and_removed()
    {
        Privilege.Require("ip");
        var port = Port();
        Assert.True(port.AddAddress(new InterfaceAddress(Dev, IPAddress.Parse("10.9.0.1"), 24)).IsOk);
        var route = new RouteSpec(IPAddress.Parse("192.168.77.0"), 24, IPAddress.Parse("10.9.0.254"), Dev, Metric: 50, Table: 100);
        var rule = new RuleSpec(System.Net.Sockets.AddressFamily.InterNetwork, 1000, 100, From: IPAddress.Parse("10.9.0.100"), FromPrefixLength: 32);

        Assert.True(port.AddRoute(route).IsOk, port.AddRoute(route).ToString());
        Assert.True(port.AddRoute(route).IsOk);
        Assert.True(port.AddRule(rule).IsOk);
        Assert.True(port.AddRule(rule).IsOk);
        var routes = IpJson("route", "show", "table", "100").EnumerateArray().ToList();
        var r = Assert.Single(routes);
        Assert.Equal(("192.168.77.0/24", "10.9.0.254", 50), (r.GetProperty("dst").GetString(), r.GetProperty("gateway").GetString(), r.GetProperty("metric").GetInt32()));
        Assert.Contains(IpJson("rule", "show").EnumerateArray(), x => x.GetProperty("priority").GetInt32() == 1000 && x.GetProperty("src").GetString() == "10.9.0.100");

        Assert.True(port.RemoveRoute(route).IsOk);
        Assert.True(port.RemoveRoute(route).IsOk);
        Assert.True(port.RemoveRule(rule).IsOk);
        Assert.True(port.RemoveRule(rule).IsOk);
        Assert.Empty(IpJson("route", "show", "table", "100").EnumerateArray());
        Assert.DoesNotContain(IpJson("rule", "show").EnumerateArray(), x => x.GetProperty("priority").GetInt32() == 1000);
    }

    [SkippableFact]
    public void Link_down_and_an_address_removed_behind_our_back_arrive_as_events()
    {
        Privilege.Require("ip");
        var port = Port();
        var vip = new InterfaceAddress(Dev, IPAddress.Parse("10.9.0.200"), 24);
        Assert.True(port.AddAddress(vip).IsOk);
        var events = new List<KernelEvent>();
        using var subscription = port.Subscribe(e =>
        {
            lock (events)
                events.Add(e);
        });
        Thread.Sleep(200);

        Assert.Equal(0, Ns.Exec("ip", ["addr", "del", "10.9.0.200/24", "dev", Dev], TimeSpan.FromSeconds(5)).Code);
        Assert.Equal(0, Ns.Exec("ip", ["link", "set", Dev, "down"], TimeSpan.FromSeconds(5)).Code);

        var ok = WaitFor(() => events.OfType<KernelEvent.AddressRemoved>().Any(e => e.Address.Key == vip.Key)
            && events.OfType<KernelEvent.LinkChanged>().Any(e => e.Link.Name == Dev && !e.Link.AdminUp), events);
        lock (events)
            output.WriteLine(string.Join("\n", events));
        Assert.True(ok);
    }

    /// <summary>The event thread wakes for events only (it used to time out once a second to notice a stop): with
    /// nothing changing in the namespace it stays asleep, and Dispose still ends it (an eventfd wakes it).</summary>
    [SkippableFact]
    public void The_event_thread_sleeps_until_an_event_and_dispose_ends_it()
    {
        Privilege.Require("ip");
        var before = MonitorThreads();
        var port = Port();
        using var subscription = port.Subscribe(_ => { });
        Assert.True(WaitFor(() => MonitorThreads().Except(before).Any(), []), "no netlink-monitor thread");
        int tid = MonitorThreads().Except(before).Single();
        Thread.Sleep(2000);                                                    // the new link's own events settle
        long woken = VoluntarySwitches(tid);
        Thread.Sleep(3500);
        long wakes = VoluntarySwitches(tid) - woken;
        output.WriteLine($"netlink-monitor {tid}: {wakes} wake-up(s) in 3.5 s without changes");
        Assert.True(wakes < 3, $"{wakes} wake-ups in 3.5 s with nothing changing");

        var clock = Stopwatch.StartNew();
        _port!.Dispose();
        _port = null;
        output.WriteLine($"Dispose: {clock.Elapsed.TotalMilliseconds:0.0} ms");
        // (The kernel reaps the thread just after the runtime's Join returns.)
        Assert.True(Poll.Until(() => !Directory.Exists($"/proc/self/task/{tid}"), TimeSpan.FromSeconds(3)), "the event thread outlived Dispose");
    }

    private static List<int> MonitorThreads() =>
        Directory.GetDirectories("/proc/self/task")
            .Select(d => (Tid: int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture), Comm: ReadOrEmpty(Path.Combine(d, "comm")).Trim()))
            .Where(t => t.Comm == "netlink-monitor").Select(t => t.Tid).ToList();

    private static long VoluntarySwitches(int tid) =>
        long.Parse(ReadOrEmpty($"/proc/self/task/{tid}/status").Split('\n').Single(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
            .Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }

    [SkippableFact]
    public void After_a_burst_of_10000_address_events_into_a_tiny_buffer_the_view_converges_to_the_kernel()
    {
        Privilege.Require("ip");
        var port = Port(eventBuffer: 4096);
        var view = new KernelStateView();
        var pending = new System.Collections.Concurrent.ConcurrentQueue<KernelEvent>();
        using var subscription = port.Subscribe(pending.Enqueue);
        Assert.True(port.Links(out var links).IsOk);
        Assert.True(port.Addresses(out var addresses).IsOk);
        view.Reset(links, addresses);

        var batch = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(batch, Enumerable.Range(0, 10_000).Select(i => $"address add 10.{100 + i / 65536}.{i / 256 % 256}.{i % 256}/32 dev {Dev}"));
            var burst = Stopwatch.StartNew();
            var (code, text) = Ns.Exec("ip", ["-batch", batch], TimeSpan.FromSeconds(120));
            Assert.True(code == 0, text);
            output.WriteLine($"10,000 addresses added by ip -batch in {burst.Elapsed.TotalSeconds:F2} s");
        }
        finally
        {
            File.Delete(batch);
        }

        // The owner's loop: apply events; on Resync re-read the kernel. Converged when the queue is quiet and the
        // view is fresh.
        var quiet = Stopwatch.StartNew();
        int resyncs = 0;
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromSeconds(60) && (quiet.Elapsed < TimeSpan.FromSeconds(1) || view.Stale))
        {
            if (pending.TryDequeue(out var e))
            {
                quiet.Restart();
                view.Apply(e);
                continue;
            }
            if (view.Stale)
            {
                resyncs++;
                Assert.True(port.Links(out links).IsOk);
                Assert.True(port.Addresses(out addresses).IsOk);
                view.Reset(links, addresses);
                continue;
            }
            Thread.Sleep(10);
        }
        var truth = KernelAddresses();
        output.WriteLine($"lost-event bursts {port.LostEventBursts}, resyncs {resyncs}, view {view.Addresses.Count(a => a.Interface == Dev)}, kernel {truth.Count}");

        Assert.True(port.LostEventBursts > 0, "the burst was meant to overflow the 4 KB event buffer");
        Assert.Equal(truth.Select(a => $"{a.Address}/{a.Prefix}").Order(),
            view.Addresses.Where(a => a.Interface == Dev).Select(a => $"{a.Address}/{a.PrefixLength}").Order());
    }

    [SkippableFact]
    public void Address_add_and_ack_round_trip_is_measured()
    {
        Privilege.Require("ip");
        var port = Port();
        var vip = new InterfaceAddress(Dev, IPAddress.Parse("10.9.1.1"), 32);
        var times = new List<double>();
        for (int i = 0; i < 1000; i++)
        {
            var sw = Stopwatch.StartNew();
            Assert.True(port.AddAddress(vip).IsOk);
            times.Add(sw.Elapsed.TotalMicroseconds);
            Assert.True(port.RemoveAddress(vip).IsOk);
        }
        times.Sort();
        output.WriteLine($"address add + ACK: p50 {times[500]:F1} µs, p99 {times[990]:F1} µs");
        Assert.DoesNotContain(KernelAddresses(), a => a.Address == "10.9.1.1");
    }

    private static bool WaitFor(Func<bool> condition, List<KernelEvent> events)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(5))
        {
            lock (events)
                if (condition())
                    return true;
            Thread.Sleep(20);
        }
        return false;
    }
}

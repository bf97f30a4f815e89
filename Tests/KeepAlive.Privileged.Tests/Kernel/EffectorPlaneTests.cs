using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Plane;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config;
using KeepAlive.Config.Host;
using KeepAlive.Config.Model;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// The address plane on the real kernel, in a ka-* namespace of ours: the netlink effector actor over LinuxKernelPort
/// creates the VMAC and puts VIPs on it, holds the static set across an effector crash, and installs virtual routes
/// and rules with MASTER and removes them with BACKUP. Adverts travel on the in-memory network (no peer); addresses,
/// routes, rules, links and gratuitous ARPs are real and checked with <c>ip -j</c> and tcpdump.
/// </summary>
[Collection("privileged")]
public sealed class EffectorPlaneTests : TestKit
{
    private const string Dev = "kpl0";
    private readonly ITestOutputHelper _output;
    private NetworkNamespace? _ns;
    private LinuxKernelPort? _port;

    public EffectorPlaneTests(ITestOutputHelper output)
        : base(output: output) => _output = output;

    private NetworkNamespace Ns => _ns ??= new NetworkNamespace("plane", Dev);

    private LinuxKernelPort Port()
    {
        if (_port is not null)
            return _port;
        var r = NamespaceThread.Run(Ns.Name, () => (LinuxKernelPort.Open(out var p), p));
        Assert.True(r.Item1.IsOk, r.Item1.ToString());
        return _port = r.Item2!;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);                                        // the actors stop before their port closes
        if (!disposing)
            return;
        _port?.Dispose();
        _ns?.Dispose();
    }

    private static KeepAliveConfig Config(string text)
    {
        const string path = "/etc/keepalived/keepalived.conf";
        var loaded = ConfigLoader.Load(path, new InMemoryConfigSource().Add(path, text),
            new ConfigLoadOptions(new ReaderOptions(RandomSeed: 1), StaticHostFacts.WithInterfaces("lo", Dev)));
        return loaded.Config;
    }

    private JsonElement IpJson(params string[] args)
    {
        var (code, text) = Ns.Exec("ip", ["-j", .. args], TimeSpan.FromSeconds(20));
        Assert.True(code == 0, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private void Ip(params string[] args)
    {
        var (code, text) = Ns.Exec("ip", args, TimeSpan.FromSeconds(20));
        Assert.True(code == 0, text);
    }

    private List<JsonElement> Addresses(string dev) =>
        IpJson("addr", "show", "dev", dev).EnumerateArray().SelectMany(l => l.GetProperty("addr_info").EnumerateArray()).ToList();

    private bool HasAddress(string dev, string address) => Addresses(dev).Any(a => a.GetProperty("local").GetString() == address);

    private bool HasRoute(string table, string destination) =>
        IpJson("route", "show", "table", table).EnumerateArray().Any(r => r.GetProperty("dst").GetString() == destination);

    private bool HasRule(int priority) =>
        IpJson("rule", "show").EnumerateArray().Any(r => r.GetProperty("priority").GetInt32() == priority);

    private bool HasLink(string name) => IpJson("link", "show").EnumerateArray().Any(l => l.GetProperty("ifname").GetString() == name);

    private IActorRef Instance(InstancePlane plane, string name, int priority, long intervalMicros, IActorRef effector)
    {
        var network = new InMemoryVrrpNetwork();
        var source = IPAddress.Parse("10.9.0.1");
        var io = Sys.ActorOf(VrrpIoActor.Props(network.Attach("lan", 2, source)), "io-" + name);
        var setup = new VrrpInstanceSetup
        {
            Name = name,
            Settings = new VrrpSettings { Version = 3, Vrid = 51, Priority = priority, AdvertIntervalMicros = intervalMicros, PrimaryAddress = source.GetAddressBytes(), GarpMasterDelayMicros = 0 },
            Interface = plane.AddressInterface!,
            InterfaceMac = plane.VmacAddress ?? [2, 0, 0, 0, 0, 1],
            UseVmac = plane.Vmac is not null,
            Source = source,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = plane.VirtualAddresses,
            MasterSet = plane.MasterSet,
            NotTracked = plane.NotTracked,
        };
        var start = Stopwatch.GetTimestamp();
        return Sys.ActorOf(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector),
            () => (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds), "vrrp-" + name);
    }

    private InstanceStateChanged ExpectTransition(VrrpState to, TimeSpan within) =>
        FishForMessage<InstanceStateChanged>(c => c.To == to, within);

    [SkippableFact]
    public void Use_vmac_creates_the_macvlan_with_the_virtual_mac_puts_the_vip_on_it_and_announces_from_it()
    {
        Privilege.Require("ip", "tcpdump");
        var plane = InstancePlane.For(Assert.Single(Config($$"""
            vrrp_instance VI_1 {
              interface {{Dev}}
              virtual_router_id 51
              use_vmac
              virtual_ipaddress {
                10.9.5.100/24
              }
            }
            """).VrrpInstances));
        Assert.Empty(plane.Errors);
        Assert.Equal(("vrrp.51", "vrrp.51"), (plane.AddressInterface, plane.AdvertInterface));
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(Port(), null, plane.MasterSet), "effector");

        // The node creates the VMAC before it opens the advert socket on it; twice is harmless.
        effector.Tell(new EnsureMacvlan(1, "VI_1", plane.Vmac!));
        effector.Tell(new EnsureMacvlan(2, "VI_1", plane.Vmac!));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        var link = IpJson("-d", "link", "show", "vrrp.51").EnumerateArray().Single();
        _output.WriteLine(link.ToString());
        Assert.Equal("00:00:5e:00:01:33", link.GetProperty("address").GetString());
        Assert.Equal(Dev, link.GetProperty("link").GetString());
        Assert.Equal("macvlan", link.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal("private", link.GetProperty("linkinfo").GetProperty("info_data").GetProperty("mode").GetString());
        Assert.Contains("UP", link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        // MASTER: the VIP goes on the VMAC and the gratuitous ARP leaves from it with the virtual MAC.
        using var capture = PacketCapture.Start(Ns.Name, "p" + Dev, "arp and ether src 00:00:5e:00:01:33");
        Sys.EventStream.Subscribe(TestActor, typeof(InstanceStateChanged));
        var instance = Instance(plane, "VI_1", 200, 100_000, effector);
        ExpectTransition(VrrpState.Master, TimeSpan.FromSeconds(5));
        AwaitAssert(() => Assert.True(HasAddress("vrrp.51", "10.9.5.100")), TimeSpan.FromSeconds(5));
        Assert.False(HasAddress(Dev, "10.9.5.100"));
        var arp = capture.WaitForExit();
        _output.WriteLine(arp);
        Assert.Contains("10.9.5.100", arp, StringComparison.Ordinal);

        // Stop: the instance releases its VIP, the node deletes the VMAC.
        instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        ExpectTransition(VrrpState.Stopped, TimeSpan.FromSeconds(5));
        effector.Tell(new RemoveMacvlan(3, "VI_1", "vrrp.51"));
        Assert.True(FishForMessage<OpCompleted>(c => c.OpId == 3, TimeSpan.FromSeconds(5)).Result.IsOk);
        Assert.False(HasLink("vrrp.51"));
    }

    [SkippableFact]
    public void Virtual_routes_and_rules_come_with_master_go_with_backup_and_a_deleted_vip_sends_master_to_backup_and_back()
    {
        Privilege.Require("ip");
        var plane = InstancePlane.For(Assert.Single(Config($$"""
            vrrp_instance VI_2 {
              interface {{Dev}}
              virtual_router_id 51
              virtual_ipaddress {
                10.9.6.100/24
              }
              virtual_routes {
                192.168.66.0/24 via 10.9.6.254 dev {{Dev}} table 100
              }
              virtual_rules {
                from 10.9.6.100 table 100 priority 1066
              }
            }
            """).VrrpInstances));
        Assert.Empty(plane.Errors);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(Port(), null, plane.MasterSet), "effector");
        Sys.EventStream.Subscribe(TestActor, typeof(InstanceStateChanged));
        var instance = Instance(plane, "VI_2", 200, 1_000_000, effector);

        ExpectTransition(VrrpState.Master, TimeSpan.FromSeconds(6));
        AwaitAssert(() => Assert.True(HasAddress(Dev, "10.9.6.100") && HasRoute("100", "192.168.66.0/24") && HasRule(1066)), TimeSpan.FromSeconds(5));

        // Someone deletes the VIP: keepalived's set_vrrp_backup — BACKUP at once, MASTER again after Skew_Time (218 ms).
        // (timed from the delete: the BACKUP event may wait in the queue while the ip process is reaped, and a clock
        // started on its receipt could read less than Skew_Time)
        var sw = Stopwatch.StartNew();
        Ip("addr", "del", "10.9.6.100/24", "dev", Dev);
        var left = ExpectTransition(VrrpState.Backup, TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpReason.AddressDeleted, left.Reason);
        ExpectTransition(VrrpState.Master, TimeSpan.FromSeconds(3));
        _output.WriteLine($"back to MASTER {sw.ElapsedMilliseconds} ms after the delete");
        Assert.InRange(sw.ElapsedMilliseconds, 150, 2_000);
        AwaitAssert(() => Assert.True(HasAddress(Dev, "10.9.6.100") && HasRoute("100", "192.168.66.0/24") && HasRule(1066)), TimeSpan.FromSeconds(5));

        // BACKUP (the sync group's order): the VIP, the route and the rule go; the next election is 3.2 s away.
        instance.Tell(new InstanceCommand(VrrpInputKind.Force, State: VrrpState.Backup));
        ExpectTransition(VrrpState.Backup, TimeSpan.FromSeconds(5));
        AwaitAssert(() => Assert.False(HasAddress(Dev, "10.9.6.100") || HasRoute("100", "192.168.66.0/24") || HasRule(1066)), TimeSpan.FromSeconds(2));

        instance.Tell(new InstanceCommand(VrrpInputKind.Shutdown));
        ExpectTransition(VrrpState.Stopped, TimeSpan.FromSeconds(5));
    }

    [SkippableFact]
    public void Static_addresses_routes_and_rules_are_there_after_start_come_back_when_deleted_and_after_an_effector_crash()
    {
        Privilege.Require("ip");
        var plane = StaticPlane.For(Config($$"""
            static_ipaddress {
              10.9.7.1/24 dev {{Dev}}
              fd00:97::1/64 dev {{Dev}}
              fd00:97::2 dev {{Dev}}
            }
            static_routes {
              10.97.0.0/16 via 10.9.7.254 dev {{Dev}}
            }
            static_rules {
              from 10.9.7.1 table 97 priority 1097
            }
            """));
        Assert.Empty(plane.Errors);
        var port = new CrashingKernelPort(Port(), crashFirstSend: false);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(port), "effector");
        var statics = Sys.ActorOf(StaticPlaneActor.Props(plane, effector), "static");

        AwaitAssert(() => Assert.True(HasAddress(Dev, "10.9.7.1") && HasAddress(Dev, "fd00:97::1") && HasRoute("main", "10.97.0.0/16") && HasRule(1097)),
            TimeSpan.FromSeconds(5));
        var v6 = Addresses(Dev).ToDictionary(a => a.GetProperty("local").GetString()!, a => a);
        _output.WriteLine(string.Join("\n", v6.Values));
        Assert.True(v6["fd00:97::1"].TryGetProperty("nodad", out var nodad) && nodad.GetBoolean());
        Assert.Equal(0, v6["fd00:97::2"].GetProperty("preferred_life_time").GetInt64());    // a /128 is deprecated

        // Someone deletes a static address (the kernel flushes the route through its subnet): both are put back.
        Ip("addr", "del", "10.9.7.1/24", "dev", Dev);
        AwaitAssert(() => Assert.True(HasAddress(Dev, "10.9.7.1") && HasRoute("main", "10.97.0.0/16")), TimeSpan.FromSeconds(5));

        // The effector crashes; the restarted one converges to what "static" holds (a route deleted meanwhile too).
        Ip("route", "del", "10.97.0.0/16", "via", "10.9.7.254", "dev", Dev);
        port.CrashNext = true;
        effector.Tell(new SendFrames(1, Dev, [new byte[60]]));
        AwaitAssert(() => Assert.True(port.Crashed), TimeSpan.FromSeconds(5));
        AwaitAssert(() => Assert.True(HasRoute("main", "10.97.0.0/16") && HasAddress(Dev, "10.9.7.1") && HasRule(1097)), TimeSpan.FromSeconds(5));

        // At exit (keepalived vrrp_terminate_phase2): rules, routes and addresses removed.
        statics.Tell(ReleaseStaticPlane.Instance);
        Assert.True(ExpectMsg<StaticPlaneReleased>(TimeSpan.FromSeconds(5)).Result.IsOk);
        Assert.False(HasAddress(Dev, "10.9.7.1") || HasAddress(Dev, "fd00:97::1") || HasRoute("main", "10.97.0.0/16") || HasRule(1097));
    }
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Lvs;

public class IpvsMappingTests
{
    private static (MappedVirtualServer Mapped, VirtualServerConfig Vs) Map(string text)
    {
        var config = LvsConfig.Load(text);
        var vs = Assert.Single(config.VirtualServers);
        return (IpvsMapping.Services(vs, config.VirtualServerGroups), vs);
    }

    private static IpvsService One(string text) => Assert.Single(Map(text).Mapped.Services);

    private static string Vs(string body, string head = "192.168.1.1 80", string rs = "10.0.0.1 80") => $"virtual_server {head} {{\n{body}\nreal_server {rs} {{\n}}\n}}\n";

    [Fact]
    public void An_address_service_with_persistence_and_granularity()
    {
        var s = One(Vs("protocol TCP\nlb_algo rr\nlb_kind NAT\npersistence_timeout 600\npersistence_granularity 255.255.255.0\npersistence_engine sip"));
        Assert.Equal(new IpvsService
        {
            Family = AddressFamily.InterNetwork,
            Protocol = IpvsProtocol.Tcp,
            Address = IPAddress.Parse("192.168.1.1"),
            Port = 80,
            Scheduler = "rr",
            PersistenceTimeout = 600,
            NetmaskPrefixLength = 24,
            PersistenceEngine = "sip",
        }, s);
    }

    [Theory]
    [InlineData("rr")]
    [InlineData("wrr")]
    [InlineData("lc")]
    [InlineData("wlc")]
    [InlineData("lblc")]
    [InlineData("lblcr")]
    [InlineData("dh")]
    [InlineData("sh")]
    [InlineData("sed")]
    [InlineData("nq")]
    [InlineData("mh")]
    [InlineData("fo")]
    [InlineData("ovf")]
    [InlineData("twos")]
    public void Every_keepalived_scheduler_is_passed_on(string scheduler) =>
        Assert.Equal(scheduler, One(Vs($"protocol TCP\nlvs_sched {scheduler}")).Scheduler);

    [Theory]
    // check_parser.c lbflags_handler: sh-/mh- flags only with their scheduler; flag-N always; hashed does nothing.
    [InlineData("lb_algo sh\nsh-port\nsh-fallback", IpvsSchedulerFlags.ShPort | IpvsSchedulerFlags.ShFallback)]
    [InlineData("lb_algo mh\nmh-port", IpvsSchedulerFlags.ShPort)]
    [InlineData("lb_algo mh\nmh-fallback", IpvsSchedulerFlags.ShFallback)]
    [InlineData("lb_algo rr\nsh-port\nmh-fallback", IpvsSchedulerFlags.None)]
    [InlineData("lb_algo rr\nflag-1\nflag-2\nflag-3", IpvsSchedulerFlags.ShFallback | IpvsSchedulerFlags.ShPort | IpvsSchedulerFlags.Flag3)]
    [InlineData("lb_algo sh\nhashed", IpvsSchedulerFlags.None)]
    public void Scheduler_flags(string lines, IpvsSchedulerFlags flags) =>
        Assert.Equal(flags, One(Vs("protocol TCP\n" + lines)).SchedulerFlags);

    [Fact]
    public void One_packet_scheduling_only_for_UDP_and_fwmark()
    {
        Assert.True(One(Vs("protocol UDP\nops")).OnePacket);
        Assert.True(One(Vs("ops", "fwmark 3")).OnePacket);
        var tcp = VirtualServer(new VirtualServerKey.Address(IPAddress.Parse("192.168.1.1"), 80, LvsProtocol.Tcp)) with { OnePacketScheduling = true };
        var mapped = IpvsMapping.Services(tcp, []);
        Assert.False(Assert.Single(mapped.Services).OnePacket);
        Assert.Contains(mapped.Warnings, w => w.Contains("UDP", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("TCP", IpvsProtocol.Tcp)]
    [InlineData("UDP", IpvsProtocol.Udp)]
    [InlineData("SCTP", IpvsProtocol.Sctp)]
    public void Protocols(string protocol, IpvsProtocol expected) => Assert.Equal(expected, One(Vs($"protocol {protocol}")).Protocol);

    [Fact]
    public void IPv6_with_a_prefix_granularity()
    {
        var s = One(Vs("protocol TCP\npersistence_granularity 64", "2001:db8::10 443", "2001:db8::100 443"));
        Assert.Equal(AddressFamily.InterNetworkV6, s.Family);
        Assert.Equal((byte)64, s.NetmaskPrefixLength);
        Assert.Equal(IpvsMapping.DefaultPersistenceSeconds, s.PersistenceTimeout); // pgr_handler: granularity implies persistence
    }

    [Fact]
    public void Fwmark_services_have_no_protocol_and_follow_ip_family()
    {
        var v4 = One(Vs("protocol TCP", "fwmark 5"));
        Assert.Equal((5u, IpvsProtocol.None, (IPAddress?)null, AddressFamily.InterNetwork), (v4.FirewallMark, v4.Protocol, v4.Address, v4.Family));
        Assert.Equal(AddressFamily.InterNetworkV6, One(Vs("ip_family inet6", "fwmark 5", "2001:db8::100 80")).Family);
    }

    [Fact]
    public void A_zero_port_service_is_made_persistent()
    {
        var vs = VirtualServer(new VirtualServerKey.Address(IPAddress.Parse("192.168.1.1"), 0, LvsProtocol.Tcp));
        var mapped = IpvsMapping.Services(vs, []);
        Assert.Equal(IpvsMapping.DefaultPersistenceSeconds, Assert.Single(mapped.Services).PersistenceTimeout);
        Assert.NotEmpty(mapped.Warnings);
    }

    [Fact]
    public void A_group_expands_into_one_service_per_address_and_mark()
    {
        var (mapped, _) = Map("""
            virtual_server_group G {
                10.0.0.1-3 80
                10.0.1.0/31 443
                2001:db8::1-2 80
                fwmark 7 inet
                fwmark 8 inet6
            }
            virtual_server group G {
                protocol TCP
                lb_algo wrr
                real_server 10.1.0.1 80 {
                }
            }
            """);
        Assert.Equal(
            ["10.0.0.1:TCP:80", "10.0.0.2:TCP:80", "10.0.0.3:TCP:80", "10.0.1.0:TCP:443", "10.0.1.1:TCP:443", "[2001:db8::1]:TCP:80", "[2001:db8::2]:TCP:80", "FWM 7 (IPv4)", "FWM 8 (IPv6)"],
            mapped.Services.Select(s => IpvsServiceKey.Of(s).ToString()));
        Assert.All(mapped.Services, s => Assert.Equal("wrr", s.Scheduler));
    }

    [Fact]
    public void Destination_ports_follow_the_forwarding_method()
    {
        var svc = IpvsReconcilerTests.Svc("192.168.1.1", 80);
        var fwm = IpvsReconcilerTests.Fwm(4);
        var rs = IPAddress.Parse("10.0.0.1");
        var dr = new ForwardingConfig(ForwardingMethod.DirectRouting);
        // ipvs_cmd: NAT keeps the real server's port; DR/TUN take the service's, 0 on a fwmark service.
        Assert.Equal(8080, IpvsMapping.Destination(svc, rs, 8080, ForwardingConfig.Nat, 0, 0, 1).Port);
        Assert.Equal(80, IpvsMapping.Destination(svc, rs, 0, ForwardingConfig.Nat, 0, 0, 1).Port);
        Assert.Equal(80, IpvsMapping.Destination(svc, rs, 8080, dr, 0, 0, 1).Port);
        Assert.Equal(0, IpvsMapping.Destination(fwm, rs, 8080, dr, 0, 0, 1).Port);
        Assert.Equal(8080, IpvsMapping.Destination(fwm, rs, 8080, null, 0, 0, 1).Port);
    }

    [Fact]
    public void Tunnel_type_port_and_checksum()
    {
        var svc = IpvsReconcilerTests.Svc("192.168.1.1", 80);
        var gue = IpvsMapping.Destination(svc, IPAddress.Parse("10.0.0.1"), 80, new ForwardingConfig(ForwardingMethod.Tunnel, TunnelType.Gue, 6080, TunnelChecksum.RemCsum), 0, 0, 1);
        Assert.Equal((IpvsForwarding.Tunnel, IpvsTunnelType.Gue, (ushort)6080, IpvsTunnelChecksum.RemoteChecksum), (gue.Forwarding, gue.TunnelType, gue.TunnelPort, gue.TunnelChecksum));
        var gre = IpvsMapping.Destination(svc, IPAddress.Parse("10.0.0.1"), 80, new ForwardingConfig(ForwardingMethod.Tunnel, TunnelType.Gre, 6080, TunnelChecksum.Csum), 0, 0, 1);
        Assert.Equal((IpvsTunnelType.Gre, (ushort)0, IpvsTunnelChecksum.Checksum), (gre.TunnelType, gre.TunnelPort, gre.TunnelChecksum));
        var nat = IpvsMapping.Destination(svc, IPAddress.Parse("10.0.0.1"), 80, ForwardingConfig.Nat with { TunnelType = TunnelType.Gue, Checksum = TunnelChecksum.Csum }, 0, 0, 1);
        Assert.Equal((IpvsForwarding.Masquerade, IpvsTunnelType.Ipip, IpvsTunnelChecksum.NoChecksum), (nat.Forwarding, nat.TunnelType, nat.TunnelChecksum));
    }

    [Fact]
    public void The_config_lb_kind_reaches_the_destinations_with_weights_and_thresholds()
    {
        var (mapped, vs) = Map("""
            virtual_server 192.168.1.1 80 {
                protocol TCP
                lb_kind DR
                sorry_server 10.0.0.99 8080
                sorry_server_lvs_method NAT
                real_server 10.0.0.1 8080 {
                    weight 5
                    uthreshold 100
                    lthreshold 10
                }
                real_server 10.0.0.2 80 {
                    lvs_method TUN type gue port 6080
                }
            }
            """);
        var pool = new DesiredDestination[]
        {
            // check_check_config: a DR real server's port differing from the service's is reset to it.
            new(new RealServerKey(IPAddress.Parse("10.0.0.1"), 80), 5, false),
            new(new RealServerKey(IPAddress.Parse("10.0.0.2"), 80), 0, false),
            new(new RealServerKey(IPAddress.Parse("10.0.0.99"), 8080), 1, true),
            new(new RealServerKey(IPAddress.Parse("10.0.0.77"), 80), 1, false), // not configured: dropped
        };
        var table = Assert.Single(IpvsMapping.Table(vs, mapped.Services, pool));
        Assert.Equal(
            ["10.0.0.1:80 DirectRoute w5 u100 l10", "10.0.0.2:80 Tunnel w0 u0 l0", "10.0.0.99:8080 Masquerade w1 u0 l0"],
            table.Destinations.Select(d => $"{d.Address}:{d.Port} {d.Forwarding} w{d.Weight} u{d.UpperThreshold} l{d.LowerThreshold}"));
        Assert.Equal((IpvsTunnelType.Gue, (ushort)6080), (table.Destinations[1].TunnelType, table.Destinations[1].TunnelPort));
    }

    [Fact]
    public void Quorum_pool_to_kernel_ops_end_to_end()
    {
        var (mapped, vs) = Map("""
            virtual_server 192.168.1.1 80 {
                protocol TCP
                inhibit_on_failure
                real_server 10.0.0.1 80 {
                    TCP_CHECK {
                    }
                }
                real_server 10.0.0.2 80 {
                    TCP_CHECK {
                    }
                }
            }
            """);
        var spec = VirtualServerSpec.From(vs);
        var (state, _) = QuorumPolicy.Start(spec);
        IReadOnlyList<IpvsServiceState> Desired() => IpvsMapping.Table(vs, mapped.Services, QuorumPolicy.Desired(spec, state));
        var owned = mapped.Services.Select(IpvsServiceKey.Of).ToHashSet();
        var start = IpvsReconciler.Reconcile(Desired(), [], owned);
        Assert.Equal(3, start.Ops.Count);
        var applier = new IpvsApplier([]);
        applier.Apply(start.Ops);
        (state, _) = QuorumPolicy.RealServerChanged(spec, state, vs.RealServers[1].Key, false);
        var failed = IpvsReconciler.Reconcile(Desired(), applier.Table, owned);
        var edit = Assert.IsType<IpvsOp.EditDestination>(Assert.Single(failed.Ops)); // inhibit: weight 0, one op
        Assert.Equal(0, edit.Destination.Weight);
    }

    [Fact]
    public void A_reload_changing_one_weight_is_exactly_one_op()
    {
        static string Conf(int weight) => $$"""
            virtual_server_group G {
                10.0.0.1-4 80
            }
            virtual_server group G {
                protocol TCP
                lb_kind DR
                real_server 10.1.0.1 80 {
                }
                real_server 10.1.0.2 80 {
                    weight {{weight}}
                }
            }
            virtual_server 192.168.1.1 443 {
                protocol TCP
                real_server 10.1.0.3 443 {
                }
            }
            """;
        static List<IpvsServiceState> Tables(string text)
        {
            var config = LvsConfig.Load(text);
            var tables = new List<IpvsServiceState>();
            foreach (var vs in config.VirtualServers)
            {
                var spec = VirtualServerSpec.From(vs);
                var services = IpvsMapping.Services(vs, config.VirtualServerGroups).Services;
                tables.AddRange(IpvsMapping.Table(vs, services, QuorumPolicy.Desired(spec, QuorumPolicy.Start(spec).State)));
            }
            return tables;
        }
        var before = Tables(Conf(1));
        Assert.Equal(5, before.Count);
        var owned = before.Select(t => t.Key).ToHashSet();
        Assert.Empty(IpvsReconciler.Reconcile(Tables(Conf(1)), before, owned).Ops);
        // One real server of a group of 4 services: one edit per service it is laid on, nothing else.
        var ops = IpvsReconciler.Reconcile(Tables(Conf(3)), before, owned).Ops;
        Assert.Equal(4, ops.Count);
        Assert.All(ops, op => Assert.Equal(3, Assert.IsType<IpvsOp.EditDestination>(op).Destination.Weight));
    }

    [Fact]
    public void A_large_table_with_one_change_is_one_op()
    {
        // The size of the slow-reload config in keepalived-reference.md §6.2: 2,277 services, 37,205 destinations.
        var rng = new Random(7);
        var desired = new List<IpvsServiceState>();
        var left = 37205;
        for (var i = 0; i < 2277; i++)
        {
            var service = IpvsReconcilerTests.Svc($"10.{i / 250}.{i % 250}.1", 80);
            var count = i == 2276 ? left : Math.Min(left, 16 + rng.Next(2));
            left -= count;
            desired.Add(new IpvsServiceState(service, Enumerable.Range(0, count).Select(j => IpvsReconcilerTests.Dst($"172.16.{j / 250}.{j % 250 + 1}")).ToList()));
        }
        Assert.Equal(37205, desired.Sum(d => d.Destinations.Count));
        var owned = desired.Select(d => d.Key).ToHashSet();
        var changed = desired.ToList();
        changed[1000] = changed[1000] with { Destinations = changed[1000].Destinations.Select((d, j) => j == 5 ? d with { Weight = 9 } : d).ToList() };
        var op = Assert.Single(IpvsReconciler.Reconcile(changed, desired, owned).Ops);
        Assert.Equal(9, Assert.IsType<IpvsOp.EditDestination>(op).Destination.Weight);
    }

    private static VirtualServerConfig VirtualServer(VirtualServerKey key) => new() { Key = key, Protocol = LvsProtocol.Tcp };

    private static VirtualServerGroupEntry Range(string first, string last, int port = 80) => new(IPAddress.Parse(first), IPAddress.Parse(last), port, null, null, default);

    private static MappedVirtualServer Group(params VirtualServerGroupEntry[] entries) =>
        IpvsMapping.Services(VirtualServer(new VirtualServerKey.Group("G", LvsProtocol.Tcp)), [new VirtualServerGroupConfig("G", new ValueList<VirtualServerGroupEntry>(entries), default)]);

    [Fact]
    public void Hostile_groups_give_warnings_not_exceptions()
    {
        Assert.Empty(IpvsMapping.Services(VirtualServer(new VirtualServerKey.Group("missing", LvsProtocol.Tcp)), []).Services);
        var empty = Group();
        Assert.Empty(empty.Services);
        Assert.Contains(empty.Warnings, w => w.Contains("empty", StringComparison.Ordinal));
        Assert.Empty(Group(Range("10.0.0.9", "10.0.0.1")).Services);                 // reversed
        Assert.Empty(Group(Range("10.0.0.1", "2001:db8::1")).Services);              // mixed families
        Assert.Empty(Group(Range("10.0.0.1", "10.0.0.1", 70000)).Services);          // port out of range
        Assert.Empty(Group(new VirtualServerGroupEntry(null, null, 0, 0, null, default)).Services); // fwmark 0
        Assert.Empty(Group(new VirtualServerGroupEntry(null, null, 80, null, null, default)).Services);
        var dup = Group(Range("10.0.0.1", "10.0.0.2"), Range("10.0.0.2", "10.0.0.3"));
        Assert.Equal(3, dup.Services.Length);
        Assert.Contains(dup.Warnings, w => w.Contains("twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Huge_ranges_are_capped()
    {
        var v4 = Group(Range("10.0.0.0", "10.255.255.255"));
        Assert.Equal(IpvsMapping.MaxGroupServices, v4.Services.Length);
        Assert.Contains(v4.Warnings, w => w.Contains("skipped", StringComparison.Ordinal));
        var v6 = Group(Range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), Range("::", "::", 70000));
        Assert.Equal(IpvsMapping.MaxGroupServices, v6.Services.Length);
        Assert.Equal("::ffff", v6.Services[^1].Address!.ToString());
    }

    [Fact]
    public void Hostile_values_are_corrected()
    {
        var vs = VirtualServer(new VirtualServerKey.Address(IPAddress.Parse("192.168.1.1"), 80, LvsProtocol.Tcp)) with
        {
            Scheduler = "bogus",
            SchedulerFlags = ["no-such-flag"],
            PersistenceTimeout = TimeSpan.FromDays(400),
            PersistenceGranularity = "255.0.255.0",
        };
        var mapped = IpvsMapping.Services(vs, []);
        var s = Assert.Single(mapped.Services);
        Assert.Equal("wlc", s.Scheduler);
        Assert.Equal(IpvsMapping.MaxPersistenceSeconds, s.PersistenceTimeout);
        Assert.Null(s.NetmaskPrefixLength);
        Assert.Equal(3, mapped.Warnings.Length);
        Assert.Null(Assert.Single(IpvsMapping.Services(vs with { PersistenceGranularity = "64" }, []).Services).NetmaskPrefixLength);
        Assert.Empty(IpvsMapping.Services(VirtualServer(new VirtualServerKey.Address(IPAddress.Parse("192.168.1.1"), 65536, LvsProtocol.Tcp)), []).Services);
        Assert.Empty(IpvsMapping.Services(VirtualServer(new VirtualServerKey.Fwmark(0, false)), []).Services);

        var d = IpvsMapping.Destination(IpvsReconcilerTests.Svc("192.168.1.1", 80), IPAddress.Parse("10.0.0.1"), -4, new ForwardingConfig(ForwardingMethod.Tunnel, TunnelType.Gue, 99999), -1, long.MaxValue, -7);
        Assert.Equal((80, 0, 0u, uint.MaxValue, (ushort)0), (d.Port, d.Weight, d.UpperThreshold, d.LowerThreshold, d.TunnelPort));
    }

    [Theory]
    [InlineData("255.255.255.255", AddressFamily.InterNetwork, 32)]
    [InlineData("255.255.255.0", AddressFamily.InterNetwork, 24)]
    [InlineData("255.255.128.0", AddressFamily.InterNetwork, 17)]
    [InlineData("0.0.0.0", AddressFamily.InterNetwork, null)]
    [InlineData("255.0.255.0", AddressFamily.InterNetwork, null)]
    [InlineData("255.255.255.0", AddressFamily.InterNetworkV6, null)]
    [InlineData("24", AddressFamily.InterNetwork, 24)]
    [InlineData("33", AddressFamily.InterNetwork, null)]
    [InlineData("128", AddressFamily.InterNetworkV6, 128)]
    [InlineData("0", AddressFamily.InterNetworkV6, null)]
    [InlineData("-1", AddressFamily.InterNetworkV6, null)]
    [InlineData("99999999999999", AddressFamily.InterNetworkV6, null)]
    public void Granularity_to_prefix(string granularity, AddressFamily family, int? prefix) =>
        Assert.Equal(prefix is null ? null : (byte?)prefix, IpvsMapping.Prefix(granularity, family));
}

using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

/// <summary>Every request ipvsadm sent in the golden captures is rebuilt from the command's meaning (the command line
/// in the fixture) and must match byte for byte, nlmsg_seq and nlmsg_pid excepted.</summary>
public sealed class IpvsGoldenRequestTests
{
    private delegate void Build(ref NetlinkWriter writer, ushort familyId);

    private static readonly IPAddress Vip = IPAddress.Parse("192.168.200.10");
    private static readonly IPAddress Vip6 = IPAddress.Parse("fd00::10");

    private static IpvsService Tcp(int port, string scheduler = "wlc") => Svc(IpvsProtocol.Tcp, Vip, port, scheduler);

    private static IpvsService Udp(int port, string scheduler = "wlc") => Svc(IpvsProtocol.Udp, Vip, port, scheduler);

    private static IpvsService Svc(IpvsProtocol protocol, IPAddress address, int port, string scheduler) => new()
    {
        Family = address.AddressFamily,
        Protocol = protocol,
        Address = address,
        Port = (ushort)port,
        Scheduler = scheduler,
    };

    private static readonly IpvsService Fwmark7 = new() { Family = AddressFamily.InterNetwork, FirewallMark = 7, Scheduler = "sh" };

    private static IpvsDestination Dest(string address, int port, IpvsForwarding forwarding, int weight) =>
        new(IPAddress.Parse(address), (ushort)port) { Forwarding = forwarding, Weight = weight };

    /// <summary>The command each capture ran, expressed with our builders.</summary>
    private static readonly Dictionary<string, Build> Builders = new()
    {
        ["00-ctrl-getfamily"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteResolveFamily(ref w, 1),
        ["01-getinfo"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetInfo(ref w, f, 1),
        ["02-add-svc-tcp-rr"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Tcp(80, "rr"), 1),
        ["03-add-svc-persist"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Tcp(443) with { PersistenceTimeout = 300 }, 1),
        ["04-add-svc-fwmark"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Fwmark7, 1),
        ["05-add-dest-masq"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Tcp(80), Dest("192.168.200.21", 8080, IpvsForwarding.Masquerade, 3), 1),
        ["06-add-dest-dr"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Tcp(80), Dest("192.168.200.22", 80, IpvsForwarding.DirectRoute, 1), 1),
        ["07-add-dest-tun-w0"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Tcp(80), Dest("192.168.200.23", 80, IpvsForwarding.Tunnel, 0), 1),
        ["08-edit-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteEditDestination(ref w, f, Tcp(80), Dest("192.168.200.21", 8080, IpvsForwarding.Masquerade, 5), 1),
        ["09-del-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteDeleteDestination(ref w, f, Tcp(80), Dest("192.168.200.22", 80, IpvsForwarding.DirectRoute, 1), 1),
        ["10-add-svc-udp"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Udp(53, "rr"), 1),
        ["11-add-svc-ipv6"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Svc(IpvsProtocol.Tcp, Vip6, 80, "rr"), 1),
        ["12-add-dest-ipv6"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Svc(IpvsProtocol.Tcp, Vip6, 80, "rr"), Dest("fd00::21", 8080, IpvsForwarding.Masquerade, 2), 1),
        ["13-add-dest-thresh"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Tcp(443), Dest("192.168.200.31", 443, IpvsForwarding.DirectRoute, 4) with { UpperThreshold = 100, LowerThreshold = 10 }, 1),
        ["14-add-dest-gue"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Tcp(443), Dest("192.168.200.32", 443, IpvsForwarding.Tunnel, 1) with { TunnelType = IpvsTunnelType.Gue, TunnelPort = 6080, TunnelChecksum = IpvsTunnelChecksum.Checksum }, 1),
        ["15-add-svc-netmask"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Tcp(8080, "wrr") with { PersistenceTimeout = 60, NetmaskPrefixLength = 24 }, 1),
        ["16-add-svc-schedflags"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Tcp(8443, "sh") with { SchedulerFlags = IpvsSchedulerFlags.ShFallback | IpvsSchedulerFlags.ShPort }, 1),
        ["17-add-svc-ops"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Udp(5060, "rr") with { OnePacket = true }, 1),
        ["18-edit-svc"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteEditService(ref w, f, Tcp(80, "wlc"), 1),
        ["19-list-1-get-service"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetServices(ref w, f, 1),
        ["19-list-2-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Tcp(80), 1),
        ["19-list-3-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Tcp(443), 1),
        ["19-list-4-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Tcp(8080), 1),
        ["19-list-5-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Tcp(8443), 1),
        ["19-list-6-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Udp(53), 1),
        ["19-list-7-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Udp(5060), 1),
        ["19-list-8-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Svc(IpvsProtocol.Tcp, Vip6, 80, "rr"), 1),
        ["19-list-9-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Fwmark7, 1),
        ["21-list-one-1-get-service"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetService(ref w, f, Tcp(80), 1),
        ["21-list-one-2-get-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDestinations(ref w, f, Tcp(80), 1),
        ["22-get-timeout"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetTimeouts(ref w, f, 1),
        ["23-set-timeout"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteSetTimeouts(ref w, f, new IpvsTimeouts(900, 120, 300), 1),
        ["24-start-daemon"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteStartDaemon(ref w, f, new IpvsDaemon(IpvsSyncState.Master, "lo", 5), 1),
        ["25-list-daemon"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetDaemons(ref w, f, 1),
        ["26-stop-daemon"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteStopDaemon(ref w, f, IpvsSyncState.Master, 1),
        ["27-zero"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteZero(ref w, f, 1),
        ["28-err-dup-svc"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Tcp(80, "rr"), 1),
        ["29-err-del-missing"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteDeleteService(ref w, f, Svc(IpvsProtocol.Tcp, IPAddress.Parse("192.168.200.99"), 80, "wlc"), 1),
        ["30-err-dup-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddDestination(ref w, f, Tcp(80), Dest("192.168.200.21", 8080, IpvsForwarding.Masquerade, 1), 1),
        ["31-err-del-missing-dest"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteDeleteDestination(ref w, f, Tcp(80), Dest("192.168.200.99", 80, IpvsForwarding.DirectRoute, 1), 1),
        ["32-err-bad-sched"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteAddService(ref w, f, Tcp(81, "nosuch"), 1),
        ["33-del-svc"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteDeleteService(ref w, f, Tcp(443) with { PersistenceTimeout = 300 }, 1),
        ["34-flush"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteFlush(ref w, f, 1),
        ["35-list-empty"] = (ref NetlinkWriter w, ushort f) => IpvsRequests.WriteGetServices(ref w, f, 1),
    };

    /// <summary>`ipvsadm -Ln --stats` sends exactly what `ipvsadm -Ln` sends.</summary>
    private static Build? For(string name) =>
        Builders.TryGetValue(name, out var build) ? build
        : name.StartsWith("20-list-stats-", StringComparison.Ordinal) && Builders.TryGetValue("19-list-" + name["20-list-stats-".Length..], out build) ? build
        : null;

    public static TheoryData<string> RequestCases() => new(IpvsGolden.Cases(".request.hex"));

    [Theory]
    [MemberData(nameof(RequestCases))]
    public void Builder_reproduces_the_ipvsadm_request_except_seq_and_pid(string name)
    {
        var build = For(name);
        Assert.True(build is not null, $"no builder case for golden request {name}");
        var expected = IpvsGolden.Request(name);
        var buffer = new byte[1024];
        var writer = new NetlinkWriter(buffer);
        build!(ref writer, IpvsGolden.FamilyId);
        Assert.True(writer.Ok);
        var actual = writer.Written.ToArray();

        ZeroSeqAndPid(expected);
        ZeroSeqAndPid(actual);
        Assert.Equal(Hex.Format(expected), Hex.Format(actual));
    }

    [Fact]
    public void Every_golden_request_is_covered_and_every_case_has_a_file()
    {
        var files = IpvsGolden.Cases(".request.hex").ToArray();
        Assert.Equal(53, files.Length);
        Assert.All(files, f => Assert.NotNull(For(f)));
        Assert.All(Builders.Keys, k => Assert.Contains(k, files));
    }

    [Fact]
    public void Builder_overflow_is_reported_not_thrown_for_every_short_buffer()
    {
        var full = IpvsGolden.Request("14-add-dest-gue").Length;
        for (var size = 0; size < full; size++)
        {
            var writer = new NetlinkWriter(new byte[size]);
            Builders["14-add-dest-gue"](ref writer, IpvsGolden.FamilyId);
            Assert.True(writer.Overflow);
            Assert.False(writer.Ok);
        }
    }

    private static void ZeroSeqAndPid(byte[] message) => message.AsSpan(8, 8).Clear();
}

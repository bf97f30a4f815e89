using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

/// <summary>NEW_SERVICE, NEW_DEST and NEW_DAEMON requests use the same command numbers as the kernel's dump messages,
/// so what we build must decode back to the record we started from (for values the golden captures do not cover).</summary>
public sealed class IpvsRoundTripTests
{
    private const ushort Family = 0x1c;

    public static TheoryData<IpvsService> Services() => new()
    {
        new IpvsService { Family = AddressFamily.InterNetwork, Protocol = IpvsProtocol.Sctp, Address = IPAddress.Parse("10.0.0.1"), Port = 3868, Scheduler = "mh", SchedulerFlags = IpvsSchedulerFlags.Flag3 | IpvsSchedulerFlags.ShPort },
        new IpvsService { Family = AddressFamily.InterNetworkV6, Protocol = IpvsProtocol.Udp, Address = IPAddress.Parse("2001:db8::5"), Port = 5060, Scheduler = "rr", PersistenceTimeout = 30, NetmaskPrefixLength = 64, OnePacket = true, PersistenceEngine = "sip" },
        new IpvsService { Family = AddressFamily.InterNetworkV6, FirewallMark = 0xfffffffe, Scheduler = "wrr", PersistenceTimeout = 0, NetmaskPrefixLength = 0 },
        new IpvsService { Family = AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse("192.0.2.1"), Port = 65535, Scheduler = "wlc", NetmaskPrefixLength = 17 },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Services_round_trip(IpvsService service)
    {
        var writer = new NetlinkWriter(new byte[512]);
        IpvsRequests.WriteAddService(ref writer, Family, service, 1);
        Assert.True(writer.Ok);
        var message = IpvsGolden.Single(writer.Written.ToArray());
        Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseService(message, Family, out var entry));
        Assert.Equal(service, entry!.Service);
    }

    public static TheoryData<IpvsDestination> Destinations() => new()
    {
        new IpvsDestination(IPAddress.Parse("10.0.0.9"), 0) { Forwarding = IpvsForwarding.Local, Weight = int.MaxValue },
        new IpvsDestination(IPAddress.Parse("2001:db8::9"), 443) { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Gre, TunnelChecksum = IpvsTunnelChecksum.RemoteChecksum, UpperThreshold = 7, LowerThreshold = 3 },
    };

    [Theory]
    [MemberData(nameof(Destinations))]
    public void Destinations_round_trip(IpvsDestination destination)
    {
        var service = new IpvsService { Family = AddressFamily.InterNetwork, FirewallMark = 1 };
        var writer = new NetlinkWriter(new byte[512]);
        IpvsRequests.WriteAddDestination(ref writer, Family, service, destination, 1);
        Assert.True(writer.Ok);
        var message = IpvsGolden.Single(writer.Written.ToArray());
        Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseDestination(message, Family, out var entry));
        Assert.Equal(destination, entry!.Destination);
    }

    [Fact]
    public void Daemon_with_every_optional_field_round_trips()
    {
        foreach (var group in new[] { IPAddress.Parse("239.1.2.3"), IPAddress.Parse("ff02::12") })
        {
            var daemon = new IpvsDaemon(IpvsSyncState.Backup, "eth1", 42) { MaxLength = 1400, Group = group, Port = 8849, Ttl = 4 };
            var writer = new NetlinkWriter(new byte[512]);
            IpvsRequests.WriteStartDaemon(ref writer, Family, daemon, 1);
            Assert.True(writer.Ok);
            var message = IpvsGolden.Single(writer.Written.ToArray());
            Assert.Equal(NetlinkDecodeError.None, IpvsReplies.TryParseDaemon(message, Family, out var parsed));
            Assert.Equal(daemon, parsed);
        }
    }

    [Fact]
    public void A_non_contiguous_ipv4_netmask_is_rejected()
    {
        // The 02-add-svc-tcp-rr request with NETMASK ff00ff00 patched in: not a prefix, so not a valid service.
        var bytes = IpvsGolden.Request("02-add-svc-tcp-rr");
        Hex.Parse("ff00ff00").CopyTo(bytes, bytes.Length - 4);
        bytes.AsSpan(4, 2).Clear();
        bytes[4] = (byte)IpvsGolden.FamilyId;
        Assert.Equal(NetlinkDecodeError.InvalidValue, IpvsReplies.TryParseService(IpvsGolden.Single(bytes), IpvsGolden.FamilyId, out var entry));
        Assert.Null(entry);
    }
}

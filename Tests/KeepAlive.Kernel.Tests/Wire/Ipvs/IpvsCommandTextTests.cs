using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

public sealed class IpvsCommandTextTests
{
    private static IpvsService Tcp(string address, ushort port) => new()
    {
        Family = IPAddress.Parse(address).AddressFamily, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse(address), Port = port, Scheduler = "wlc",
    };

    public static TheoryData<IpvsService, string> Services => new()
    {
        { Tcp("10.0.0.10", 80), "ipvsadm -A -t 10.0.0.10:80 -s wlc" },
        { Tcp("2001:db8::10", 443) with { Scheduler = "sh", SchedulerFlags = IpvsSchedulerFlags.ShFallback | IpvsSchedulerFlags.ShPort }, "ipvsadm -A -t [2001:db8::10]:443 -s sh -b flag-1,flag-2" },
        { Tcp("10.0.0.10", 53) with { Protocol = IpvsProtocol.Udp, OnePacket = true, Scheduler = "rr" }, "ipvsadm -A -u 10.0.0.10:53 -s rr -o" },
        { Tcp("10.0.0.10", 9) with { Protocol = IpvsProtocol.Sctp }, "ipvsadm -A --sctp-service 10.0.0.10:9 -s wlc" },
        { Tcp("10.0.0.10", 80) with { PersistenceTimeout = 360, NetmaskPrefixLength = 24 }, "ipvsadm -A -t 10.0.0.10:80 -s wlc -p 360 -M 255.255.255.0" },
        { Tcp("10.0.0.10", 80) with { PersistenceTimeout = 50, NetmaskPrefixLength = 32 }, "ipvsadm -A -t 10.0.0.10:80 -s wlc -p 50" },
        { Tcp("2001:db8::1", 80) with { PersistenceTimeout = 50, NetmaskPrefixLength = 64 }, "ipvsadm -A -t [2001:db8::1]:80 -s wlc -p 50 -M 64" },
        { Tcp("10.0.0.10", 5060) with { Protocol = IpvsProtocol.Udp, PersistenceTimeout = 10, PersistenceEngine = "sip" }, "ipvsadm -A -u 10.0.0.10:5060 -s wlc -p 10 --pe sip" },
        { new IpvsService { Family = AddressFamily.InterNetwork, FirewallMark = 7, Scheduler = "rr" }, "ipvsadm -A -f 7 -s rr" },
        { new IpvsService { Family = AddressFamily.InterNetworkV6, FirewallMark = 7, Scheduler = "rr" }, "ipvsadm -A -f 7 -6 -s rr" },
        { Tcp("10.0.0.10", 80) with { NetmaskPrefixLength = 0, PersistenceTimeout = 1 }, "ipvsadm -A -t 10.0.0.10:80 -s wlc -p 1 -M 0.0.0.0" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void AddService_PrintsIpvsadmOptionsInAFixedOrder(IpvsService service, string expected) =>
        Assert.Equal(expected, IpvsCommandText.AddService(service));

    [Fact]
    public void EditAndDeleteService_PrintTheirCommand_DeleteWithoutSettings()
    {
        var s = Tcp("10.0.0.10", 80) with { PersistenceTimeout = 360 };
        Assert.Equal("ipvsadm -E -t 10.0.0.10:80 -s wlc -p 360", IpvsCommandText.EditService(s));
        Assert.Equal("ipvsadm -D -t 10.0.0.10:80", IpvsCommandText.DeleteService(s));
    }

    public static TheoryData<IpvsDestination, string> Destinations => new()
    {
        { new IpvsDestination(IPAddress.Parse("192.168.1.1"), 8080) { Weight = 3 }, "-r 192.168.1.1:8080 -m -w 3" },
        { new IpvsDestination(IPAddress.Parse("192.168.1.1"), 80) { Forwarding = IpvsForwarding.DirectRoute, Weight = 0 }, "-r 192.168.1.1:80 -g -w 0" },
        { new IpvsDestination(IPAddress.Parse("192.168.1.1"), 80) { Forwarding = IpvsForwarding.Tunnel, UpperThreshold = 100, LowerThreshold = 10 }, "-r 192.168.1.1:80 -i -w 1 -x 100 -y 10" },
        { new IpvsDestination(IPAddress.Parse("2001:db8::2"), 80) { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Gue, TunnelPort = 6080, TunnelChecksum = IpvsTunnelChecksum.RemoteChecksum },
            "-r [2001:db8::2]:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum" },
        { new IpvsDestination(IPAddress.Parse("192.168.1.1"), 80) { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Gre, TunnelChecksum = IpvsTunnelChecksum.Checksum },
            "-r 192.168.1.1:80 -i -w 1 --tun-type gre --tun-csum" },
        { new IpvsDestination(IPAddress.Parse("192.168.1.1"), 80) { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Gre }, "-r 192.168.1.1:80 -i -w 1 --tun-type gre --tun-nocsum" },
    };

    [Theory]
    [MemberData(nameof(Destinations))]
    public void AddDestination_PrintsTheServiceThenTheServerAndItsSettings(IpvsDestination destination, string expected) =>
        Assert.Equal("ipvsadm -a -t 10.0.0.10:80 " + expected, IpvsCommandText.AddDestination(Tcp("10.0.0.10", 80), destination));

    [Fact]
    public void EditAndDeleteDestination_PrintTheirCommand_DeleteWithoutSettings()
    {
        var fwm = new IpvsService { Family = AddressFamily.InterNetwork, FirewallMark = 9 };
        var d = new IpvsDestination(IPAddress.Parse("192.168.1.1"), 0) { Forwarding = IpvsForwarding.DirectRoute, Weight = 2 };
        Assert.Equal("ipvsadm -e -f 9 -r 192.168.1.1:0 -g -w 2", IpvsCommandText.EditDestination(fwm, d));
        Assert.Equal("ipvsadm -d -f 9 -r 192.168.1.1:0", IpvsCommandText.DeleteDestination(fwm, d));
    }

    [Fact]
    public void GlobalCommands_PrintIpvsadmSetAndDaemonOptions()
    {
        Assert.Equal("ipvsadm --set 7200 0 60", IpvsCommandText.SetTimeouts(new IpvsTimeouts(7200, 0, 60)));
        Assert.Equal("ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 5",
            IpvsCommandText.StartDaemon(new IpvsDaemon(IpvsSyncState.Backup, "eth0", 5)));
        Assert.Equal("ipvsadm --start-daemon master --mcast-interface eth1 --syncid 0 --sync-maxlen 1472 --mcast-group 224.0.0.81 --mcast-port 8848 --mcast-ttl 2",
            IpvsCommandText.StartDaemon(new IpvsDaemon(IpvsSyncState.Master, "eth1", 0) { MaxLength = 1472, Group = IPAddress.Parse("224.0.0.81"), Port = 8848, Ttl = 2 }));
        Assert.Equal("ipvsadm --stop-daemon master", IpvsCommandText.StopDaemon(IpvsSyncState.Master));
    }

    [Fact]
    public void HostileRecords_StillGiveALine()
    {
        var odd = new IpvsService { Family = AddressFamily.Unknown, Protocol = (IpvsProtocol)99, Scheduler = "" };
        Assert.Equal("ipvsadm -A --protocol-99 0.0.0.0:0 -s ", IpvsCommandText.AddService(odd));
        Assert.Equal("ipvsadm --stop-daemon 0", IpvsCommandText.StopDaemon(IpvsSyncState.None));
    }
}

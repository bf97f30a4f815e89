using System.Net;
using KeepAlive.Controller.Daemon;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Controller.Tests.Daemon;

public class KernelPortWrappersTests
{
    private static readonly InterfaceAddress Vip = new("eth0", IPAddress.Parse("10.7.0.100"), 24);

    [Fact]
    public void DryRun_PrintsChanges_AndAppliesNone_ButReadsTheKernel()
    {
        var real = new RecordingKernelPort().WithLink("eth0");
        var printed = new List<string>();
        var dry = new DryRunKernelPort(real, printed.Add);
        Assert.True(dry.AddAddress(Vip).IsOk);
        Assert.True(dry.RemoveAddress(Vip).IsOk);
        Assert.True(dry.SendFrame("eth0", new byte[42]).IsOk);
        Assert.True(dry.DeleteLink("vrrp.61").IsOk);
        Assert.True(dry.Ipvs.Flush().IsOk);
        Assert.Equal(
            ["dry-run: would add address 10.7.0.100/24 dev eth0", "dry-run: would remove address 10.7.0.100/24 dev eth0",
             "dry-run: would send a 42-byte frame on eth0", "dry-run: would delete link vrrp.61", "dry-run: ipvsadm -C"],
            printed);
        Assert.Empty(real.Log);
        Assert.Empty(real.Frames);
        Assert.True(dry.Links(out var links).IsOk);
        Assert.Equal("eth0", Assert.Single(links).Name);
        Assert.True(dry.Addresses(out var addresses).IsOk);
        Assert.Empty(addresses);
    }

    [Fact]
    public void AddressMonitoring_LogsAddressEvents_AndPassesEveryEventOn()
    {
        var real = new RecordingKernelPort().WithLink("eth0");
        var logged = new List<string>();
        var seen = new List<KernelEvent>();
        var monitored = new AddressMonitorKernelPort(real, logged.Add);
        using var subscription = monitored.Subscribe(seen.Add);
        Assert.True(monitored.AddAddress(Vip).IsOk);
        Assert.True(monitored.RemoveAddress(Vip).IsOk);
        Assert.Equal(["Netlink reports address 10.7.0.100/24 added on eth0", "Netlink reports address 10.7.0.100/24 removed from eth0"], logged);
        Assert.Equal(2, seen.Count);
        Assert.Null(AddressMonitorKernelPort.Describe(new KernelEvent.LinkRemoved(3, "eth9")));
    }

    [Fact]
    public void DryRun_ForwardsOnlyWhatReadsOrWarmsUp()
    {
        Assert.Equal(
            [nameof(IKernelPort.AddAddress), nameof(IKernelPort.AddAddresses), nameof(IKernelPort.RemoveAddress), nameof(IKernelPort.AddRoute), nameof(IKernelPort.RemoveRoute),
             nameof(IKernelPort.AddRule), nameof(IKernelPort.RemoveRule), nameof(IKernelPort.CreateMacvlan), nameof(IKernelPort.DeleteLink),
             nameof(IKernelPort.SendFrame), nameof(IKernelPort.Ipvs), nameof(IKernelPort.Firewall)],
            ForwardingProbeKernelPort.NotForwarded(inner => new DryRunKernelPort(inner, _ => { })));
    }

    [Fact]
    public void AddressMonitoring_ForwardsEveryMember() =>
        Assert.Empty(ForwardingProbeKernelPort.NotForwarded(inner => new AddressMonitorKernelPort(inner, _ => { })));
}

using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>IPVS through the Linux port on this kernel: without ip_vs, a clear error and no exception; with it, a
/// service round trip. The real-kernel suite runs under qemu: Lvs/IpvsVmTests.</summary>
[Collection("privileged")]
public sealed class LinuxIpvsPortTests : IDisposable
{
    private NetworkNamespace? _ns;

    public void Dispose() => _ns?.Dispose();

    [SkippableFact]
    public void Ipvs_answers_with_the_clear_error_when_the_kernel_lacks_it()
    {
        Privilege.Require("ip");
        _ns = new NetworkNamespace("ipvs");
        var (opened, port) = NamespaceThread.Run(_ns.Name, () => (LinuxKernelPort.Open(out var p), p));
        Assert.True(opened.IsOk, opened.ToString());
        using (port)
        {
            var ipvs = port!.Ipvs;
            var info = ipvs.Info(out var version);
            var service = new IpvsService { Family = System.Net.Sockets.AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = System.Net.IPAddress.Parse("10.1.1.1"), Port = 80, Scheduler = "rr" };
            if (File.Exists("/proc/net/ip_vs"))
            {
                Assert.True(info.IsOk, info.ToString());
                Assert.NotNull(version);
                Assert.True(ipvs.AddService(service).IsOk);
                Assert.Equal(17, ipvs.AddService(service).Errno);
                Assert.True(ipvs.DeleteService(service).IsOk);
                return;
            }
            Assert.Equal(IIpvsPort.NotAvailable, info);
            Assert.Contains("load the ip_vs kernel module", info.Message);
            Assert.Equal(IIpvsPort.NotAvailable, ipvs.AddService(service));
            Assert.Equal(IIpvsPort.NotAvailable, ipvs.Services(out var none));
            Assert.Empty(none);
        }
    }
}

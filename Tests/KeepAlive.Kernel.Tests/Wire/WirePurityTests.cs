using System.Net;
using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;
using NetArchTest.Rules;

namespace KeepAlive.Kernel.Tests.Wire;

/// <summary>Kernel/Wire is pure: no Tmds.LibC, no Akka, no sockets or files, no clock; the hot paths do not allocate.</summary>
public sealed class WirePurityTests
{
    [Theory]
    [InlineData("KeepAlive.Kernel.Wire.Netlink")]
    [InlineData("KeepAlive.Kernel.Wire.Ipvs")]
    public void Wire_namespaces_depend_on_no_syscall_actor_io_or_clock_library(string ns)
    {
        var result = Types.InAssembly(typeof(NetlinkWriter).Assembly)
            .That().ResideInNamespace(ns)
            .ShouldNot().HaveDependencyOnAny(
                "Tmds", "Akka", "System.IO", "System.Net.Sockets.Socket", "System.Net.Sockets.SafeSocketHandle",
                "System.Threading", "System.Diagnostics.Stopwatch", "System.TimeProvider", "KeepAlive.Kernel.Linux",
                "KeepAlive.Kernel.Ports")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
        Assert.NotEmpty(Types.InAssembly(typeof(NetlinkWriter).Assembly).That().ResideInNamespace(ns).GetTypes());
    }

    [Fact]
    public void Writing_a_request_and_walking_a_reply_allocate_nothing()
    {
        var service = new IpvsService { Family = System.Net.Sockets.AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse("192.168.200.10"), Port = 443 };
        var destination = new IpvsDestination(IPAddress.Parse("192.168.200.32"), 443) { Forwarding = IpvsForwarding.Tunnel, TunnelType = IpvsTunnelType.Gue, TunnelPort = 6080 };
        var reply = Ipvs.IpvsGolden.Replies("19-list-1-get-service")[0];
        var buffer = new byte[512];
        Exercise(buffer, service, destination, reply); // JIT and static initialisation first

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = 0;
        for (var i = 0; i < 100; i++)
        {
            sum += Exercise(buffer, service, destination, reply);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    private static int Exercise(byte[] buffer, IpvsService service, IpvsDestination destination, byte[] reply)
    {
        var writer = new NetlinkWriter(buffer);
        IpvsRequests.WriteAddDestination(ref writer, 32, service, destination, 1);
        var seen = writer.Length;
        var messages = new NetlinkMessageReader(reply);
        while (messages.TryRead(out var message))
        {
            message.TryGetGenl(out _, out var attributes);
            while (attributes.TryRead(out var a))
            {
                var nested = a.Nested;
                while (nested.TryRead(out var inner))
                {
                    seen += inner.TryGetU32(out var v) ? (int)(v & 1) + 1 : 1;
                }
            }
        }

        return seen;
    }
}

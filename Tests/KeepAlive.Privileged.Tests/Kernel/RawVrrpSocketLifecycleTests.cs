using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary><see cref="RawVrrpSocket"/> edges: timeouts, disposal, and kernel refusals that must come back as
/// <see cref="KernelResult"/> values, never as exceptions.</summary>
[Collection("privileged")]
public sealed class RawVrrpSocketLifecycleTests : IClassFixture<VethPairFixture>
{
    private const int EBADF = 9;
    private const int ENODEV = 19;
    private const int EMSGSIZE = 90;
    private const int EAFNOSUPPORT = 97;
    private const int ETIMEDOUT = 110;
    private readonly VethPairFixture _fixture;

    public RawVrrpSocketLifecycleTests(VethPairFixture fixture) => _fixture = fixture;

    [SkippableFact]
    public void TryReceive_on_an_idle_socket_returns_false_with_ETIMEDOUT_after_the_timeout_and_not_much_later()
    {
        var pair = Pair();
        using var b = Open(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetworkV6);

        var clock = Stopwatch.StartNew();
        bool received = b.TryReceive(new byte[1500], TimeSpan.FromMilliseconds(200), out _, out var error);
        clock.Stop();

        Assert.False(received);
        Assert.Equal(ETIMEDOUT, error.Errno);
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 199, 1500);
    }

    [SkippableFact]
    public void Dispose_closes_the_fd_once_and_a_second_Dispose_and_later_calls_are_harmless()
    {
        var pair = Pair();
        var before = SocketFds.Current();
        var socket = Open(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork);
        var mine = SocketFds.Current().Where(kv => !before.Contains(kv)).ToList();
        Assert.Single(mine);

        socket.Dispose();
        socket.Dispose();

        Assert.DoesNotContain(mine[0], SocketFds.Current());
        Assert.Equal(EBADF, socket.Send(GoldenVrrp.V2IPv4, VethNamespacePair.IPv4B, RawVrrpSocket.IPv4Group).Errno);
        Assert.False(socket.TryReceive(new byte[1500], TimeSpan.FromMilliseconds(10), out _, out var error));
        Assert.Equal(EBADF, error.Errno);
    }

    [SkippableTheory]
    [InlineData(AddressFamily.InterNetwork)]
    [InlineData(AddressFamily.InterNetworkV6)]
    public void Dispose_on_another_thread_ends_a_TryReceive_that_waits_for_ever_with_EBADF_and_closes_the_fd(AddressFamily family)
    {
        var pair = Pair();
        var before = SocketFds.Current();
        var socket = Open(pair.InB, VethNamespacePair.InterfaceB, family);
        var mine = SocketFds.Current().Where(kv => !before.Contains(kv)).ToList();
        var (ended, received, error) = WaitingReceive.EndedByDispose(socket);

        Assert.True(ended, "the receive did not end");
        Assert.False(received);
        Assert.Equal(EBADF, error.Errno);
        Assert.DoesNotContain(mine[0], SocketFds.Current());
    }

    [SkippableFact]
    public void Open_on_a_missing_interface_is_ENODEV_without_an_exception_or_a_leaked_fd()
    {
        var pair = Pair();
        var before = SocketFds.Current();

        var opened = pair.InB(() => RawVrrpSocket.Open("ka-nosuch0", AddressFamily.InterNetwork, VrrpSocketOptions.Multicast));

        Assert.False(opened.IsOk);
        Assert.Equal(ENODEV, opened.Error.Errno);
        Assert.Contains("ka-nosuch0", opened.Error.Message);
        Assert.DoesNotContain(SocketFds.Current(), kv => !before.Contains(kv));
    }

    [SkippableFact]
    public void Open_for_a_family_other_than_IPv4_or_IPv6_is_EAFNOSUPPORT()
    {
        var pair = Pair();

        var opened = pair.InB(() => RawVrrpSocket.Open(VethNamespacePair.InterfaceB, AddressFamily.Unix, VrrpSocketOptions.Multicast));

        Assert.False(opened.IsOk);
        Assert.Equal(EAFNOSUPPORT, opened.Error.Errno);
    }

    [SkippableFact]
    public void Send_from_an_address_this_host_does_not_own_is_a_kernel_error_not_an_exception()
    {
        var pair = Pair();
        using var a = Open(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork);

        var result = a.Send(GoldenVrrp.V2IPv4, IPAddress.Parse("10.7.0.99"), RawVrrpSocket.IPv4Group);

        Assert.False(result.IsOk);
        Assert.Contains("10.7.0.99", result.Message);
    }

    [SkippableFact]
    public void Send_with_addresses_of_the_other_family_is_EAFNOSUPPORT()
    {
        var pair = Pair();
        using var a = Open(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork);

        Assert.Equal(EAFNOSUPPORT, a.Send(GoldenVrrp.V2IPv4, VethNamespacePair.IPv6A, RawVrrpSocket.IPv6Group).Errno);
    }

    [SkippableFact]
    public void A_datagram_larger_than_the_buffer_is_EMSGSIZE_and_the_next_one_is_received()
    {
        var pair = Pair();
        using var a = Open(pair.InA, VethNamespacePair.InterfaceA, AddressFamily.InterNetwork);
        using var b = Open(pair.InB, VethNamespacePair.InterfaceB, AddressFamily.InterNetwork);

        Assert.Equal(KernelResult.Ok, a.Send(GoldenVrrp.V2IPv4, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group));
        Assert.Equal(KernelResult.Ok, a.Send(GoldenVrrp.V3IPv4, VethNamespacePair.IPv4A, RawVrrpSocket.IPv4Group));

        var small = new byte[GoldenVrrp.V3IPv4.Length]; // 16: the 20-byte v2 advert does not fit
        Assert.False(b.TryReceive(small, TimeSpan.FromSeconds(5), out _, out var error));
        Assert.Equal(EMSGSIZE, error.Errno);
        Assert.True(b.TryReceive(small, TimeSpan.FromSeconds(5), out var got, out error), error.ToString());
        Assert.Equal(GoldenVrrp.V3IPv4, got.Payload.ToArray());
    }

    [SkippableFact]
    public void LinuxInterfaces_reads_the_namespace_of_the_calling_thread()
    {
        var pair = Pair();

        var (result, index) = pair.InB(() => (LinuxInterfaces.TryGetIndex(VethNamespacePair.InterfaceB, out int i), i));
        var primary = pair.InB(() => LinuxInterfaces.PrimaryIPv4(VethNamespacePair.InterfaceB));
        var missingHere = LinuxInterfaces.TryGetIndex(VethNamespacePair.InterfaceB, out _);

        Assert.Equal(KernelResult.Ok, result);
        Assert.Equal(pair.IndexB, index);
        Assert.Equal(VethNamespacePair.IPv4B, primary);
        Assert.Equal(ENODEV, missingHere.Errno);
    }

    [SkippableFact]
    public void V3_F3_Advert_source_is_the_primary_IPv4_address_and_the_IPv6_link_local()
    {
        var pair = Pair();
        // A VIP in the same subnet becomes a secondary address: the primary stays the advert source.
        Assert.Equal(0, pair.B.Exec("ip", ["addr", "add", "10.7.0.222/24", "dev", VethNamespacePair.InterfaceB], TimeSpan.FromSeconds(5)).Code);
        try
        {
            Assert.Equal(VethNamespacePair.IPv4B, pair.InB(() => LinuxInterfaces.PrimaryIPv4(VethNamespacePair.InterfaceB)));
            var linkLocal = pair.InB(() => LinuxInterfaces.LinkLocalIPv6(VethNamespacePair.InterfaceB));
            Assert.NotNull(linkLocal);
            Assert.True(linkLocal.IsIPv6LinkLocal);
            Assert.Equal(VethNamespacePair.LinkLocalB, new IPAddress(linkLocal.GetAddressBytes()));
        }
        finally
        {
            pair.B.Exec("ip", ["addr", "del", "10.7.0.222/24", "dev", VethNamespacePair.InterfaceB], TimeSpan.FromSeconds(5));
        }
    }

    private VethNamespacePair Pair()
    {
        Privilege.Require("ip");
        return _fixture.Pair;
    }

    private static RawVrrpSocket Open(Func<Func<VrrpSocketOpenResult>, VrrpSocketOpenResult> inNamespace, string ifName, AddressFamily family) =>
        RawVrrpSocketTests.OpenIn(inNamespace, ifName, family, VrrpSocketOptions.Multicast);
}

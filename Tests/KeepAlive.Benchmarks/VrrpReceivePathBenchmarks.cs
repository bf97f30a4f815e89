using System.Net;
using BenchmarkDotNet.Attributes;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Benchmarks;

/// <summary>The receive thread's managed cost per datagram for a backup at rest: its master's advert, the same every
/// interval, absorbed into the instance's inbox without a message (IoRegistrations.TryAbsorb = codec + instance
/// checks + peer checks + inbox). Goal: no allocation; it is paid 255 times a second by a backup of 255 instances.</summary>
[MemoryDiagnoser]
public class VrrpReceivePathBenchmarks
{
    private static readonly IPAddress Master = IPAddress.Parse("10.7.0.1");
    private static readonly IPAddress Self = IPAddress.Parse("10.7.0.2");
    private readonly IoRegistrations _registrations = new();
    private VrrpDatagram _v2;
    private VrrpDatagram _v3;

    [GlobalSetup]
    public void Setup()
    {
        byte[] vips = [10, 7, 0, 100];
        var buffer = new byte[1500];
        VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(2, 51, 150, 100), vips, Master, VrrpConstants.MulticastGroupV4, out int n2, out _);
        _v2 = new VrrpDatagram(buffer[..n2], 2, Master, VrrpConstants.MulticastGroupV4, 255);
        VrrpCodec.TryEncode(buffer, new VrrpAdvertSpec(3, 52, 150, 10), vips, Master, VrrpConstants.MulticastGroupV4, out int n3, out _);
        _v3 = new VrrpDatagram(buffer[..n3], 2, Master, VrrpConstants.MulticastGroupV4, 255);
        Register(2, 51, 100, vips, VrrpChecksumFlavour.MessageOnly);
        Register(3, 52, 10, vips, VrrpChecksumFlavour.PseudoHeader);
    }

    private void Register(byte version, byte vrid, int interval, byte[] vips, VrrpChecksumFlavour flavour)
    {
        var inbox = new AdvertInbox(() => 1_000_000);
        var context = new VrrpReceiveContext(version, Self, VrrpConstants.MulticastGroupV4, 255);
        _registrations.Route(vrid, new RegisterInstance(vrid, context, new VrrpInstanceReceiveSettings(vrid, 100, interval, vips)) { Inbox = inbox });
        inbox.Publish(new AdvertIn(150, interval, Master.GetAddressBytes(), VrrpAdvertNotes.None, flavour, 255), 3_600_000);
    }

    [Benchmark(Description = "absorb a repeated v2 advert")]
    public bool AbsorbV2() => _registrations.TryAbsorb(_v2) ? true : throw new InvalidOperationException("not absorbed");

    [Benchmark(Description = "absorb a repeated v3 advert")]
    public bool AbsorbV3() => _registrations.TryAbsorb(_v3) ? true : throw new InvalidOperationException("not absorbed");
}

using System.Net;
using BenchmarkDotNet.Attributes;
using KeepAlive.Kernel.Wire.Frames;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Benchmarks;

/// <summary>Per-advert cost of the VRRP codec and the GARP/NA builders (goal: no allocation).</summary>
[MemoryDiagnoser]
public class VrrpCodecBenchmarks
{
    private static readonly IPAddress Source = IPAddress.Parse("10.7.0.1");
    private static readonly IPAddress Source6 = IPAddress.Parse("fe80::ff:fe07:1");
    private readonly byte[] _buffer = new byte[1500];
    private readonly byte[] _vips4 = [10, 7, 0, 100, 10, 7, 0, 101];
    private readonly byte[] _vips6 = IPAddress.Parse("fd00:7::100").GetAddressBytes();
    private readonly byte[] _mac = [2, 0, 0, 7, 0, 1];
    private byte[] _v2 = [];
    private byte[] _v3 = [];
    private byte[] _v6 = [];
    private VrrpReceiveContext _v2Context;
    private VrrpReceiveContext _v3Context;
    private VrrpReceiveContext _v6Context;

    [GlobalSetup]
    public void Setup()
    {
        _v2 = Encode(new VrrpAdvertSpec(2, 51, 100, 100, VrrpAuthentication.Password("secret")), _vips4, Source, VrrpConstants.MulticastGroupV4);
        _v3 = Encode(new VrrpAdvertSpec(3, 51, 100, 10), _vips4, Source, VrrpConstants.MulticastGroupV4);
        _v6 = Encode(new VrrpAdvertSpec(3, 52, 100, 100), _vips6, Source6, VrrpConstants.MulticastGroupV6);
        _v2Context = new VrrpReceiveContext(2, Source, VrrpConstants.MulticastGroupV4, 255, Authentication: VrrpAuthentication.Password("secret"));
        _v3Context = new VrrpReceiveContext(3, Source, VrrpConstants.MulticastGroupV4, 255);
        _v6Context = new VrrpReceiveContext(3, Source6, VrrpConstants.MulticastGroupV6, 255);
    }

    private byte[] Encode(VrrpAdvertSpec spec, byte[] vips, IPAddress src, IPAddress dst)
    {
        VrrpCodec.TryEncode(_buffer, spec, vips, src, dst, out int n, out _);
        return _buffer[..n];
    }

    [Benchmark(Description = "encode v2 PASS, 2 VIPs")]
    public int EncodeV2()
    {
        VrrpCodec.TryEncode(_buffer, new VrrpAdvertSpec(2, 51, 100, 100, _v2Context.Authentication), _vips4, Source, VrrpConstants.MulticastGroupV4, out int n, out _);
        return n;
    }

    [Benchmark(Description = "encode v3 IPv4, 2 VIPs")]
    public int EncodeV3() =>
        VrrpCodec.TryEncode(_buffer, new VrrpAdvertSpec(3, 51, 100, 10), _vips4, Source, VrrpConstants.MulticastGroupV4, out int n, out _) ? n : -1;

    [Benchmark(Description = "decode v2 PASS")]
    public VrrpDiscard DecodeV2() => VrrpCodec.TryDecode(_v2, _v2Context, out _);

    [Benchmark(Description = "decode v3 IPv4")]
    public VrrpDiscard DecodeV3() => VrrpCodec.TryDecode(_v3, _v3Context, out _);

    [Benchmark(Description = "decode v3 IPv6")]
    public VrrpDiscard DecodeV6() => VrrpCodec.TryDecode(_v6, _v6Context, out _);

    [Benchmark(Description = "build GARP")]
    public int Garp() => GratuitousFrames.TryBuildArp(_buffer, _mac, _vips4.AsSpan(0, 4), out int n) ? n : -1;

    [Benchmark(Description = "build unsolicited NA")]
    public int Na() => GratuitousFrames.TryBuildNeighborAdvertisement(_buffer, _mac, _vips6, false, out int n) ? n : -1;
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace KeepAlive.Controller.Tests.Demo;

/// <summary>
/// The numbers ./demo.sh prints come from demo/demo.py reading its capture. Here it reads a capture written by the
/// test, with adverts, gratuitous ARPs and echo requests at known instants, and must print exactly the intervals
/// between them, beside the master-down interval and skew time of the demo's configurations (bound by keepalive).
/// </summary>
public sealed class DemoTimingsTests : IDisposable
{
    private const long Base = 1_764_100_000;                     // epoch seconds of the synthetic capture
    private static readonly byte[] Lb1Mac = Mac(DemoLab.Layout["LB1_MAC"]);
    private static readonly byte[] Lb2Mac = Mac(DemoLab.Layout["LB2_MAC"]);
    private static readonly byte[] ClientMac = Mac(DemoLab.Layout["CLIENT_MAC"]);
    private static readonly IPAddress Lb1 = IPAddress.Parse(DemoLab.Layout["LB1_ADDR"]);
    private static readonly IPAddress Lb2 = IPAddress.Parse(DemoLab.Layout["LB2_ADDR"]);
    private static readonly IPAddress Client = IPAddress.Parse(DemoLab.Layout["CLIENT_ADDR"]);
    private static readonly IPAddress[] Vips = new[] { "10.61.0.101", "10.61.0.102", "10.61.0.103", "10.61.0.104" }.Select(IPAddress.Parse).ToArray();

    private readonly string _dir = Directory.CreateTempSubdirectory("ka-demo-timings-").FullName;
    private readonly List<(long Nanos, byte[] Frame)> _frames = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Takeover_after_a_kill_is_measured_from_the_masters_last_advert()
    {
        for (long t = 0; t <= 1_000_000_000; t += 200_000_000)                      // lb1 MASTER until 1.0 s
            Adverts(t, Lb1, Lb1Mac, 150);
        Echo(1_150_000_000, Lb1Mac, 1, answered: true);
        Echo(1_500_000_000, Lb1Mac, 2, answered: false);
        long first2 = 1_725_000_000;                                                 // 725.0 ms after the last one
        Adverts(first2, Lb2, Lb2Mac, 100);
        Garps(first2 + 1_200_000, Lb2Mac);                                           // +1.2 ms
        Echo(1_750_000_000, Lb2Mac, 3, answered: true);
        Echo(1_770_000_000, Lb2Mac, 4, answered: true);

        var output = await Timings("kill", 1_100_000_000);                           // the kill at 1.1 s

        Assert.Contains("lb1's last advert: 100.0 ms before the kill", output, StringComparison.Ordinal);
        Assert.Contains("lb2's first advert: +625.0 ms after the kill", output, StringComparison.Ordinal);
        // Master-down of priority 100 at 0.2 s (VRRPv3): 3 × 200 ms + (256 − 100) × 200 ms / 256 = 721.875 ms.
        Assert.Contains("takeover: lb2 sent its first advert 725.0 ms after lb1's last one (master-down interval: 3 x 200.0 ms + skew 121.9 ms = 721.9 ms)", output, StringComparison.Ordinal);
        Assert.Contains("lb2 announced all 4 VIPs with gratuitous ARP at +626.2 ms (1.2 ms after its first advert)", output, StringComparison.Ordinal);
        Assert.Contains("client: 4 echo requests to 10.61.0.101 went to lb1, then lb2 from +650.0 ms; 1 unanswered (at +400.0 ms)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handover_on_sigterm_is_measured_from_the_priority_zero_advert()
    {
        for (long t = 0; t <= 800_000_000; t += 200_000_000)
            Adverts(t, Lb1, Lb1Mac, 150);
        long term = 900_000_000;
        Adverts(term + 13_100_000, Lb1, Lb1Mac, 0);                                  // priority 0, 13.1 ms after
        Adverts(term + 13_100_000 + 123_700_000, Lb2, Lb2Mac, 100);                  // 123.7 ms after that
        Garps(term + 137_400_000, Lb2Mac);

        var output = await Timings("term", term);

        Assert.Contains("lb1's priority-0 adverts (VRIDs 61, 62, 63, 64): +13.1 ms after the SIGTERM", output, StringComparison.Ordinal);
        Assert.Contains("handover: lb2 sent its first advert 123.7 ms after lb1's priority-0 advert (skew time: 121.9 ms; without priority 0 it would wait out 721.9 ms)", output, StringComparison.Ordinal);
        Assert.Contains("lb2 announced all 4 VIPs with gratuitous ARP at +137.4 ms after the SIGTERM", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_capture_without_the_takeover_is_an_error_not_a_number()
    {
        for (long t = 0; t <= 1_000_000_000; t += 200_000_000)
            Adverts(t, Lb1, Lb1Mac, 150);
        var (code, output) = await Run("kill", 1_100_000_000);
        Assert.NotEqual(0, code);
        Assert.Contains("no takeover", output, StringComparison.Ordinal);
        Assert.DoesNotContain("takeover: lb2", output, StringComparison.Ordinal);
    }

    private async Task<string> Timings(string phase, long t0Nanos)
    {
        var (code, output) = await Run(phase, t0Nanos);
        Assert.True(code == 0, $"demo.py timings {phase}: exit {code}\n{output}");
        return output;
    }

    private async Task<(int Code, string Output)> Run(string phase, long t0Nanos)
    {
        File.WriteAllBytes(Path.Combine(_dir, "lab.pcap"), Pcap());
        for (int n = 1; n <= 2; n++)
        {
            var (code, err, model) = DemoLab.Bind(DemoLab.PathOf("demo", $"node{n}.conf"));
            using (model)
            {
                Assert.True(code == 0, err);
                File.WriteAllText(Path.Combine(_dir, $"node{n}.json"), model.RootElement.GetRawText());
            }
        }
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { DemoLab.PathOf("demo", "demo.py"), "timings", phase, Epoch(t0Nanos) })
            psi.ArgumentList.Add(a);
        psi.Environment["DEMO_PCAP"] = Path.Combine(_dir, "lab.pcap");
        psi.Environment["DEMO_LAB"] = DemoLab.PathOf("demo", "lab.env");
        psi.Environment["DEMO_MODEL1"] = Path.Combine(_dir, "node1.json");
        psi.Environment["DEMO_MODEL2"] = Path.Combine(_dir, "node2.json");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(limit.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    private static string Epoch(long nanos) =>
        (Base + nanos / 1_000_000_000).ToString(CultureInfo.InvariantCulture) + "." + (nanos % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);

    // --- the synthetic capture -----------------------------------------------------------------------------------

    /// <summary>One VRRPv3 advert per demo VRID (61–64, one VIP each) from a node, at <paramref name="nanos"/>.</summary>
    private void Adverts(long nanos, IPAddress from, byte[] mac, byte priority)
    {
        for (int i = 0; i < Vips.Length; i++)
        {
            byte[] vrrp = [0x31, (byte)(61 + i), priority, 1, 0x00, 20, 0, 0, .. Vips[i].GetAddressBytes()];
            _frames.Add((nanos, Ethernet([0x01, 0x00, 0x5e, 0x00, 0x00, 0x12], mac, 0x0800, Ipv4(112, from, IPAddress.Parse("224.0.0.18"), vrrp))));
        }
    }

    private void Garps(long nanos, byte[] mac)
    {
        foreach (var vip in Vips)
        {
            byte[] arp = [0, 1, 0x08, 0x00, 6, 4, 0, 1, .. mac, .. vip.GetAddressBytes(), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, .. vip.GetAddressBytes()];
            _frames.Add((nanos, Ethernet([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], mac, 0x0806, arp)));
        }
    }

    private void Echo(long nanos, byte[] toMac, ushort seq, bool answered)
    {
        byte[] request = [8, 0, 0, 0, 0x12, 0x34, (byte)(seq >> 8), (byte)seq];
        _frames.Add((nanos, Ethernet(toMac, ClientMac, 0x0800, Ipv4(1, Client, Vips[0], request))));
        if (answered)
        {
            byte[] reply = [0, 0, 0, 0, 0x12, 0x34, (byte)(seq >> 8), (byte)seq];
            _frames.Add((nanos + 200_000, Ethernet(ClientMac, toMac, 0x0800, Ipv4(1, Vips[0], Client, reply))));
        }
    }

    private static byte[] Ethernet(byte[] dst, byte[] src, ushort type, byte[] payload) =>
        [.. dst, .. src, (byte)(type >> 8), (byte)type, .. payload];

    private static byte[] Ipv4(byte protocol, IPAddress src, IPAddress dst, byte[] payload)
    {
        int length = 20 + payload.Length;
        return [0x45, 0xc0, (byte)(length >> 8), (byte)length, 0, 1, 0, 0, 255, protocol, 0, 0,
            .. src.GetAddressBytes(), .. dst.GetAddressBytes(), .. payload];
    }

    /// <summary>pcap with nanosecond timestamps (magic a1b23c4d), Ethernet, frames in time order.</summary>
    private byte[] Pcap()
    {
        using var ms = new MemoryStream();
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b23c4d);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), 1);
        ms.Write(header);
        foreach (var (nanos, frame) in _frames.OrderBy(f => f.Nanos))
        {
            var record = new byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(Base + nanos / 1_000_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)(nanos % 1_000_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
            ms.Write(record);
            ms.Write(frame);
        }
        return ms.ToArray();
    }

    private static byte[] Mac(string text) => text.Split(':').Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
}

using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;
using Xunit.Abstractions;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>Hostile input never escapes the decoder as an exception: every truncation and every single-bit flip of
/// every golden advert, and random inputs (20,000 here; KA_FUZZ=1 runs 1,000,000 per context).</summary>
public class VrrpHostileInputTests(ITestOutputHelper output)
{
    private static IEnumerable<VrrpReceiveContext> ContextsFor(GoldenFrame f)
    {
        var strict = VrrpCodecGoldenTests.ContextFor(f);
        yield return strict;
        yield return strict with { ChecksumPolicy = VrrpChecksumPolicy.Detect, CheckTtl = false };
        yield return strict with { Version = (byte)(strict.Version == 2 ? 3 : 2) };
    }

    [Fact]
    public void Every_truncation_and_bit_flip_of_every_golden_advert_decodes_or_is_discarded()
    {
        int inputs = 0, accepted = 0;
        var reasons = new Dictionary<VrrpDiscard, int>();
        foreach (var f in GoldenFrames.Vrrp)
        {
            foreach (var context in ContextsFor(f))
            {
                for (int length = 0; length < f.Payload.Length; length++)
                    Count(VrrpCodec.TryDecode(f.Payload.AsSpan(0, length), context, out _));
                var copy = (byte[])f.Payload.Clone();
                for (int bit = 0; bit < copy.Length * 8; bit++)
                {
                    copy[bit / 8] ^= (byte)(1 << (bit % 8));
                    var result = VrrpCodec.TryDecode(copy, context, out var advert);
                    Count(result);
                    if (result == VrrpDiscard.None)
                        Assert.Equal(copy.Length, 8 + advert.AddressCount * advert.AddressLength + (advert.Version == 2 ? 8 : 0));
                    copy[bit / 8] ^= (byte)(1 << (bit % 8));
                }
            }
        }
        output.WriteLine($"{inputs} inputs, {accepted} accepted; " + string.Join(", ", reasons.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}")));
        Assert.True(inputs > 10_000, $"{inputs} inputs");
        // Lengths are exact, and the Internet checksum catches every single-bit error (the reserved bits included):
        // nothing damaged is ever accepted.
        Assert.Equal(0, accepted);

        void Count(VrrpDiscard d)
        {
            inputs++;
            if (d == VrrpDiscard.None)
                accepted++;
            reasons[d] = reasons.GetValueOrDefault(d) + 1;
        }
    }

    [Fact]
    public void Random_inputs_never_throw()
    {
        int perContext = Environment.GetEnvironmentVariable("KA_FUZZ") == "1" ? 1_000_000 : 20_000;
        var random = new Random(20261125);
        var contexts = new[]
        {
            new VrrpReceiveContext(2, IPAddress.Parse("10.0.0.1"), IPAddress.Parse("224.0.0.18"), 255, Authentication: VrrpAuthentication.Password("pw")),
            new VrrpReceiveContext(3, IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), 255, ChecksumPolicy: VrrpChecksumPolicy.Detect),
            new VrrpReceiveContext(3, IPAddress.Parse("fe80::1"), IPAddress.Parse("ff02::12"), 255),
        };
        var buffer = new byte[1600];
        int accepted = 0;
        foreach (var context in contexts)
        {
            for (int i = 0; i < perContext; i++)
            {
                int length = random.Next(0, i % 4 == 0 ? buffer.Length : 64);
                random.NextBytes(buffer.AsSpan(0, length));
                if (length > 0 && i % 2 == 0)
                    buffer[0] = (byte)(context.Version << 4 | 1);   // get past the version check half the time
                if (VrrpCodec.TryDecode(buffer.AsSpan(0, length), context, out _) == VrrpDiscard.None)
                    accepted++;
            }
        }
        output.WriteLine($"{perContext * contexts.Length} random inputs, {accepted} accepted");
    }

    [Fact]
    public void Random_inputs_never_pass_the_ah_check_or_throw()
    {
        int count = Environment.GetEnvironmentVariable("KA_FUZZ") == "1" ? 1_000_000 : 20_000;
        var random = new Random(51);
        var key = new byte[8];
        VrrpAuthentication.IpsecAh("pw").WriteKey(key);
        var buffer = new byte[400];
        var results = new Dictionary<VrrpAhResult, int>();
        for (int i = 0; i < count; i++)
        {
            int length = random.Next(0, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 20 && i % 2 == 0)
            {
                buffer[0] = 0x45;            // look like IPv4 + AH + VRRP half the time
                buffer[9] = VrrpAh.ProtocolNumber;
                if (length > 21)
                    buffer[20] = VrrpConstants.ProtocolNumber;
                if (length > 22)
                    buffer[21] = 4;
            }
            var r = VrrpAh.Verify(buffer.AsSpan(0, length), i % 3 == 0, key, 0, out _, out _);
            results[r] = results.GetValueOrDefault(r) + 1;
        }
        output.WriteLine($"{count} random AH inputs: " + string.Join(", ", results.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}")));
        Assert.False(results.ContainsKey(VrrpAhResult.Ok));
        Assert.True(results.GetValueOrDefault(VrrpAhResult.BadIcv) > 0, "the structured half reaches the ICV check");
    }
}

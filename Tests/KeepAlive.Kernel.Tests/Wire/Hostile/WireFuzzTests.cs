using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace KeepAlive.Kernel.Tests.Wire.Hostile;

/// <summary>Random inputs per decoder, derived from the seed messages (byte and bit damage, truncation, extension,
/// splicing, length-field rewrites) plus pure noise behind a self-consistent nlmsghdr. The default run does 20,000 per
/// decoder so CI exercises it; <c>KA_FUZZ=1</c> runs 1,000,000 per decoder (override with <c>KA_FUZZ_COUNT</c>, seed
/// with <c>KA_FUZZ_SEED</c>).</summary>
public sealed class WireFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCount = 20_000;
    private const int OnDemandCount = 1_000_000;

    [Fact]
    public void Default_fuzz_run_20000_inputs_per_decoder() => Fuzz(DefaultCount, Seed());

    [Fact]
    public void On_demand_fuzz_run_a_million_inputs_per_decoder()
    {
        if (Environment.GetEnvironmentVariable("KA_FUZZ") != "1")
        {
            output.WriteLine("skipped: set KA_FUZZ=1 to fuzz 1,000,000 inputs per decoder (KA_FUZZ_COUNT to change)");
            return;
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("KA_FUZZ_COUNT"), CultureInfo.InvariantCulture, out var n) ? n : OnDemandCount;
        Fuzz(count, Seed());
    }

    private static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("KA_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20261125;

    private void Fuzz(int countPerDecoder, int seed)
    {
        var seeds = WireSeeds.All.Select(s => s.Bytes).ToArray();
        var buffer = new byte[2048];
        long total = 0;
        foreach (var (name, decode) in WireDecoders.All)
        {
            var random = new Random(seed ^ (name.Length << 16) ^ (name[^1] << 8) ^ name[^2]);

            // Three inputs in four start from a seed this decoder accepts, so the damage reaches its deeper checks.
            var own = seeds.Where(s => decode(s) > 0).ToArray();
            var clock = Stopwatch.StartNew();
            long accepted = 0;
            for (var i = 0; i < countPerDecoder; i++)
            {
                var length = Mutate(random, own.Length > 0 && random.Next(4) != 0 ? own : seeds, seeds, buffer);
                try
                {
                    accepted += decode(buffer.AsSpan(0, length));
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"{name} threw on fuzz input {i} (seed {seed}): {Convert.ToHexString(buffer, 0, length)}\n{e}");
                }
            }

            total += countPerDecoder;
            output.WriteLine($"{name}: {countPerDecoder} inputs, {accepted} accepted, {clock.ElapsedMilliseconds} ms, no exception");
        }

        output.WriteLine($"total {total} fuzz inputs over {WireDecoders.All.Count} decoders (seed {seed})");
        Assert.Equal((long)countPerDecoder * WireDecoders.All.Count, total);
    }

    /// <summary>Writes one damaged input into <paramref name="buffer"/> and returns its length.</summary>
    private static int Mutate(Random random, byte[][] pool, byte[][] seeds, byte[] buffer)
    {
        var source = pool[random.Next(pool.Length)];
        var length = source.Length;
        source.CopyTo(buffer, 0);
        switch (random.Next(6))
        {
            case 0: // a few random bytes
                for (var k = random.Next(1, 5); k > 0; k--)
                {
                    buffer[random.Next(length)] = (byte)random.Next(256);
                }

                break;
            case 1: // a few bit flips
                for (var k = random.Next(1, 9); k > 0; k--)
                {
                    buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2: // truncation with nlmsg_len rewritten to match, so the damage reaches the attributes
                length = random.Next(16, length + 1);
                BitConverter.TryWriteBytes(buffer.AsSpan(0, 4), length);
                break;
            case 3: // an attribute or nest length rewritten somewhere past the headers
                if (length > 22)
                {
                    var at = random.Next(16, length - 2) & ~1;
                    BitConverter.TryWriteBytes(buffer.AsSpan(at, 2), (ushort)random.Next(0, 1 << random.Next(1, 17)));
                }

                break;
            case 4: // two seeds spliced into one datagram, or garbage appended
                var other = seeds[random.Next(seeds.Length)];
                var cut = random.Next(length + 1);
                var take = Math.Min(other.Length, buffer.Length - cut);
                other.AsSpan(0, take).CopyTo(buffer.AsSpan(cut));
                length = cut + take;
                break;
            default: // noise behind a self-consistent header of a random interesting type
                length = random.Next(16, 400);
                random.NextBytes(buffer.AsSpan(0, length));
                BitConverter.TryWriteBytes(buffer.AsSpan(0, 4), length);
                ushort[] types = [2, 3, 0x10, 16, 17, 20, 21, 24, 25, 32, 33, 32];
                BitConverter.TryWriteBytes(buffer.AsSpan(4, 2), types[random.Next(types.Length)]);
                buffer[16] = (byte)random.Next(0, 18);
                break;
        }

        return length;
    }
}

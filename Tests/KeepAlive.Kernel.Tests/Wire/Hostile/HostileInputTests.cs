using Xunit.Abstractions;

namespace KeepAlive.Kernel.Tests.Wire.Hostile;

/// <summary>Every truncation and every single-bit flip of every seed message, through every decoder: a clean failure
/// or a valid decode, never an exception.</summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public void Seeds_decode_before_they_are_damaged()
    {
        foreach (var (name, bytes) in WireSeeds.All)
        {
            var reader = new KeepAlive.Kernel.Wire.Netlink.NetlinkMessageReader(bytes);
            Assert.True(reader.TryRead(out _), $"seed {name} holds no message");
            Assert.Equal(KeepAlive.Kernel.Wire.Netlink.NetlinkDecodeError.None, reader.Error);

            // Attribute-less requests (GET_INFO, FLUSH, dumps, DELLINK) have nothing for a decoder to accept.
            var bare = (name.EndsWith(".request", StringComparison.Ordinal) && bytes.Length == 20) || name is "rtnl.getaddr" or "rtnl.getlink" or "rtnl.dellink" or "iproute2-dellink.request.hex[0]";
            Assert.True(bare || WireDecoders.DecodeWithAll(bytes) > 0, $"seed {name} is accepted by no decoder");
        }
    }

    [Fact]
    public void Every_truncation_and_every_bit_flip_fails_cleanly_or_decodes()
    {
        long truncations = 0, flips = 0, accepted = 0;
        foreach (var (name, bytes) in WireSeeds.All)
        {
            for (var length = 0; length < bytes.Length; length++)
            {
                accepted += Run(name, $"prefix {length}", bytes.AsSpan(0, length));
                truncations++;
            }

            var copy = bytes.ToArray();
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                accepted += Run(name, $"bit {bit}", copy);
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                flips++;
            }
        }

        output.WriteLine(
            $"{WireSeeds.All.Count} seed messages, {truncations} truncations + {flips} single-bit flips = {truncations + flips} inputs, " +
            $"each through {WireDecoders.All.Count} decoders ({(truncations + flips) * WireDecoders.All.Count} decode runs, {accepted} results accepted); no exception");
        Assert.True(truncations + flips > 100_000);
    }

    private static int Run(string seed, string damage, ReadOnlySpan<byte> input)
    {
        try
        {
            return WireDecoders.DecodeWithAll(input);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{seed} with {damage}: {e}");
        }
    }
}

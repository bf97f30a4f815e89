using KeepAlive.Kernel.Wire;

namespace KeepAlive.Kernel.Tests.Wire;

public class InternetChecksumTests
{
    [Theory]
    // RFC 1071 §3 example: words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement), checksum 220d.
    [InlineData("0001f203f4f5f6f7", 0x220d)]
    [InlineData("", 0xffff)]
    [InlineData("ff", 0x00ff)]           // odd length: padded with a zero byte
    [InlineData("ffff", 0x0000)]
    [InlineData("0000", 0xffff)]
    public void Computes_rfc1071(string hex, int expected) =>
        Assert.Equal(expected, InternetChecksum.Compute(Convert.FromHexString(hex)));

    [Fact]
    public void A_message_with_its_checksum_in_place_sums_to_zero()
    {
        var data = Convert.FromHexString("2133640100016f5f0a070064000000000000000000");
        data[6] = 0;
        data[7] = 0;
        ushort c = InternetChecksum.Compute(data);
        data[6] = (byte)(c >> 8);
        data[7] = (byte)c;
        Assert.Equal(0, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Accumulating_in_pieces_equals_accumulating_at_once_for_even_pieces()
    {
        var data = new byte[1001];
        new Random(7).NextBytes(data);
        uint pieces = InternetChecksum.Accumulate(InternetChecksum.Accumulate(0, data.AsSpan(0, 500)), data.AsSpan(500));
        Assert.Equal(InternetChecksum.Compute(data), InternetChecksum.Finish(pieces));
    }

    [Fact]
    public void Large_inputs_do_not_overflow_the_sum()
    {
        var data = new byte[200_000];
        data.AsSpan().Fill(0xff);
        Assert.Equal(0, InternetChecksum.Compute(data));
    }
}

using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>Every VRRP advert keepalived 2.2.7 sent in the golden captures decodes to the captured fields, and
/// re-encoding the decoded advert gives the same bytes, checksum flavour included.</summary>
public class VrrpCodecGoldenTests
{
    public static TheoryData<string, string> Adverts()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in GoldenFrames.Vrrp)
            data.Add(f.Case, f.Kind);
        return data;
    }

    private static GoldenFrame Frame(string caseName, string kind) => GoldenFrames.Load(caseName).Single(f => f.Kind == kind);

    /// <summary>What the receiving instance is configured with in each case (keepalived.conf of the case).</summary>
    internal static VrrpReceiveContext ContextFor(GoldenFrame f, VrrpChecksumPolicy policy = VrrpChecksumPolicy.Strict)
    {
        var ttl = f.Fields.TryGetProperty("ttl", out var t) ? t.GetInt32() : f.Int("hlim");
        var auth = f.Case.StartsWith("02-", StringComparison.Ordinal) ? VrrpAuthentication.Password("1234") : VrrpAuthentication.None;
        var flavour = f.Int("ver") == 2 ? VrrpChecksumFlavour.MessageOnly
            : f.Case.StartsWith("08b-", StringComparison.Ordinal) ? VrrpChecksumFlavour.OldUnicastPseudoHeader
            : VrrpChecksumFlavour.PseudoHeader;
        return new VrrpReceiveContext((byte)f.Int("ver"), IPAddress.Parse(f.Text("ip_src")), IPAddress.Parse(f.Text("ip_dst")), ttl,
            ChecksumFlavour: flavour, ChecksumPolicy: policy, Authentication: auth);
    }

    [Theory]
    [MemberData(nameof(Adverts))]
    public void Decodes_to_the_captured_fields(string caseName, string kind)
    {
        var f = Frame(caseName, kind);
        var context = ContextFor(f);

        var result = VrrpCodec.TryDecode(f.Payload, context, out var advert);

        Assert.Equal(VrrpDiscard.None, result);
        Assert.Equal(f.Int("ver"), advert.Version);
        Assert.Equal(f.Int("vrid"), advert.Vrid);
        Assert.Equal(f.Int("prio"), advert.Priority);
        Assert.Equal(f.Int("count"), advert.AddressCount);
        Assert.Equal(f.Int("chksum"), advert.Checksum);
        Assert.Equal(context.ChecksumFlavour, advert.ChecksumFlavour);
        int expectedCs = advert.Version == 2 ? f.Int("adv_int_s") * 100 : f.Int("max_adv_int_cs");
        Assert.Equal(expectedCs, advert.IntervalCentiseconds);
        if (advert.Version == 2)
            Assert.Equal(f.Int("auth_type"), (int)advert.AuthType);
        var vips = f.Fields.GetProperty("vips").EnumerateArray().Select(v => IPAddress.Parse(v.GetString()!)).ToList();
        Assert.Equal(vips, Enumerable.Range(0, advert.AddressCount).Select(i => advert.AddressAt(f.Payload, i)));
    }

    [Theory]
    [MemberData(nameof(Adverts))]
    public void Re_encoding_gives_the_captured_bytes(string caseName, string kind)
    {
        var f = Frame(caseName, kind);
        var context = ContextFor(f);
        Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(f.Payload, context, out var advert));
        var addresses = f.Payload.AsSpan(VrrpConstants.HeaderLength, advert.AddressCount * advert.AddressLength).ToArray();
        var spec = new VrrpAdvertSpec(advert.Version, advert.Vrid, advert.Priority, advert.IntervalCentiseconds, context.Authentication, advert.ChecksumFlavour);

        var buffer = new byte[1500];
        Assert.True(VrrpCodec.TryEncode(buffer, spec, addresses, context.Source, context.Destination, out int written, out var error), error.ToString());

        Assert.Equal(Convert.ToHexString(f.Payload), Convert.ToHexString(buffer, 0, written));
    }

    [Fact]
    public void Every_case_with_adverts_is_covered()
    {
        var cases = GoldenFrames.Vrrp.Select(f => f.Case).Distinct().Count();
        Assert.Equal(10, cases);
        Assert.True(GoldenFrames.Vrrp.Count() >= 18, $"{GoldenFrames.Vrrp.Count()} advert kinds");
    }
}

using System.Text;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class UdpReplyRuleTests
{
    [Fact]
    public void Without_a_payload_keepalived_sends_32_bytes_of_its_filler()
    {
        var payload = UdpReplyRule.Payload(null)!;
        Assert.Equal("keepalived check - keepalived ch", Encoding.ASCII.GetString(payload));
    }

    [Theory]
    [InlineData("0a0b", new byte[] { 0x0a, 0x0b })]
    [InlineData("a b", new byte[] { 0x0a, 0x0b })]
    [InlineData("DEad", new byte[] { 0xde, 0xad })]
    public void The_payload_is_read_as_read_hex_str_does(string hex, byte[] bytes) => Assert.Equal(bytes, UdpReplyRule.Payload(hex));

    [Theory]
    [InlineData("zz")]
    [InlineData("0x")]
    [InlineData("")]
    public void A_payload_that_is_not_hex_is_refused(string hex) => Assert.Null(UdpReplyRule.Payload(hex));

    [Fact]
    public void The_payload_comes_from_the_config_as_bound()
    {
        var (checker, _, _) = ProbeConfigs.Load<UdpCheckConfig>("UDP_CHECK { payload 01 02 ff\n require_reply 0x ab\n min_reply_length 2\n max_reply_length 4 }");
        Assert.Equal(new byte[] { 1, 2, 0xff }, UdpReplyRule.Payload(checker.Payload));
        var rule = UdpReplyRule.From(checker.ReplyPattern, checker.MinReplyLength, checker.MaxReplyLength)!;
        Assert.Null(rule.Mismatch(new byte[] { 0x07, 0xab }));
        Assert.NotNull(rule.Mismatch(new byte[] { 0x17, 0xab }));
    }

    [Theory]
    // pattern, min, max, reply, passes
    [InlineData("abcd", 0, 255, "abcd", true)]
    [InlineData("abcd", 0, 255, "abce", false)]
    [InlineData("abcd", 0, 255, "abcdef01", true)] // only the pattern's bytes are compared
    [InlineData("abcd", 0, 255, "ab", true)] // a shorter reply passes when its bytes match (keepalived)
    [InlineData("abcd", 0, 255, "ac", false)]
    [InlineData("abcd", 0, 255, "", true)]
    [InlineData("abcd", 3, 255, "abcd00", true)]
    [InlineData("abcd", 3, 255, "abcd", false)] // 2 bytes: under min_reply_length
    [InlineData("abcd", 0, 2, "abcd", true)]
    [InlineData("abcd", 0, 2, "abcd00", false)] // over max_reply_length
    [InlineData("xbcd", 0, 255, "1bcd", true)] // wildcard high nibble
    [InlineData("axcd", 0, 255, "afcd", true)] // wildcard low nibble
    [InlineData("axcd", 0, 255, "bfcd", false)]
    [InlineData("xx cd", 0, 255, "ffcd", true)]
    [InlineData("x cd", 0, 255, "0fcd", true)] // a lone x is the low nibble: the high one must be 0
    [InlineData("x cd", 0, 255, "1fcd", false)]
    public void A_reply_matches_as_check_udp_reply_does(string pattern, int min, int max, string replyHex, bool passes)
    {
        var rule = UdpReplyRule.From(pattern, min, max)!;
        var reply = Convert.FromHexString(replyHex);
        Assert.Equal(passes, rule.Mismatch(reply) is null);
    }

    [Fact]
    public void No_pattern_means_no_rule()
    {
        Assert.Null(UdpReplyRule.From(null, 0, 255));
        Assert.Null(UdpReplyRule.From("nothex", 0, 255));
    }

    [Fact]
    public void A_reply_over_the_default_max_of_255_fails()
    {
        var rule = UdpReplyRule.From("00", 0, 255)!;
        Assert.Null(rule.Mismatch(new byte[255]));
        Assert.Contains("max_reply_length 255", rule.Mismatch(new byte[256]));
    }
}

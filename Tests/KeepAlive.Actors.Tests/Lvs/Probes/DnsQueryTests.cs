using System.Buffers.Binary;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class DnsQueryTests
{
    private const ushort Id = 0xBEEF;
    private const ushort TypeA = 1;

    private static byte[] Name(string name) => DnsQuery.EncodeName(name, out _)!;

    /// <summary>A response to our query: the header with <paramref name="flags"/>, our question, then <paramref name="tail"/>.</summary>
    private static byte[] Reply(ushort flags = 0x8180, ushort id = Id, string name = "example.com", ushort type = TypeA, ushort answers = 1)
    {
        var query = DnsQuery.Encode(id, Name(name), type);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(6), answers);
        return query;
    }

    [Theory]
    [InlineData("", new byte[] { 0 })]
    [InlineData(".", new byte[] { 0 })]
    [InlineData("a", new byte[] { 1, (byte)'a', 0 })]
    [InlineData("a.bc", new byte[] { 1, (byte)'a', 2, (byte)'b', (byte)'c', 0 })]
    [InlineData("a.bc.", new byte[] { 1, (byte)'a', 2, (byte)'b', (byte)'c', 0 })]
    public void EncodeName_cuts_labels_at_dots_and_ends_at_the_root_as_keepalived(string name, byte[] wire)
    {
        Assert.Equal(wire, DnsQuery.EncodeName(name, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("a..b", "empty label")]
    [InlineData(".a", "empty label")]
    [InlineData("a.", null)]
    public void EncodeName_refuses_empty_labels(string name, string? why)
    {
        var wire = DnsQuery.EncodeName(name, out var error);
        if (why is null)
            Assert.NotNull(wire);
        else
            Assert.Contains(why, error);
    }

    [Fact]
    public void EncodeName_refuses_a_label_over_63_bytes_and_a_name_over_255()
    {
        Assert.NotNull(DnsQuery.EncodeName(new string('a', 63), out _));
        Assert.Null(DnsQuery.EncodeName(new string('a', 64), out var label));
        Assert.Contains("longer than 63", label);
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 63), 4));
        Assert.Null(DnsQuery.EncodeName(longName, out var whole));
        Assert.Contains("255", whole);
    }

    [Fact]
    public void Encode_writes_id_rd_one_question_type_and_class_in()
    {
        var q = DnsQuery.Encode(0x1234, Name("ab"), 6);
        Assert.Equal(new byte[] { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 2, (byte)'a', (byte)'b', 0, 0, 6, 0, 1 }, q);
    }

    [Theory]
    [InlineData("A", (ushort)1)]
    [InlineData("aaaa", (ushort)28)]
    [InlineData("SOA", (ushort)6)]
    [InlineData("MX", (ushort)15)]
    [InlineData("DNSKEY", (ushort)48)]
    [InlineData("PTR", null)]
    public void TypeCode_knows_keepalived_types_only(string name, ushort? code) => Assert.Equal(code, DnsQuery.TypeCode(name));

    [Fact]
    public void Our_answer_with_rcode_0_passes_even_without_answers()
    {
        Assert.Equal(DnsReplyKind.Passed, DnsQuery.Inspect(Reply(), Id, Name("example.com"), TypeA).Kind);
        Assert.Equal(DnsReplyKind.Passed, DnsQuery.Inspect(Reply(answers: 0), Id, Name("example.com"), TypeA).Kind);
    }

    [Theory]
    [InlineData(0x8183, "NXDOMAIN")]
    [InlineData(0x8182, "SERVFAIL")]
    [InlineData(0x8185, "REFUSED")]
    [InlineData(0x818F, "unknown")]
    public void Our_answer_with_another_rcode_fails_naming_it(int flags, string name)
    {
        var v = DnsQuery.Inspect(Reply((ushort)flags), Id, Name("example.com"), TypeA);
        Assert.Equal(DnsReplyKind.Failed, v.Kind);
        Assert.Contains(name, v.Reason);
    }

    [Fact]
    public void Mixed_case_question_is_ours()
    {
        Assert.Equal(DnsReplyKind.Passed, DnsQuery.Inspect(Reply(name: "ExAmPle.COM"), Id, Name("example.com"), TypeA).Kind);
    }

    [Fact]
    public void Wrong_id_a_query_or_another_question_are_ignored()
    {
        var ours = Name("example.com");
        Assert.Contains("not ours", DnsQuery.Inspect(Reply(id: Id + 1), Id, ours, TypeA).Reason);
        Assert.Contains("a query", DnsQuery.Inspect(Reply(flags: 0x0100), Id, ours, TypeA).Reason);
        Assert.Equal(DnsReplyKind.Ignored, DnsQuery.Inspect(Reply(name: "example.org"), Id, ours, TypeA).Kind);
        Assert.Equal(DnsReplyKind.Ignored, DnsQuery.Inspect(Reply(name: "example.com.x"), Id, ours, TypeA).Kind);
        Assert.Equal(DnsReplyKind.Ignored, DnsQuery.Inspect(Reply(name: "example"), Id, ours, TypeA).Kind);
        Assert.Contains("another question", DnsQuery.Inspect(Reply(type: 28), Id, ours, TypeA).Reason);
        // An error about another question is not ours either: it must not fail the check.
        Assert.Equal(DnsReplyKind.Ignored, DnsQuery.Inspect(Reply(flags: 0x8183, name: "other.com"), Id, ours, TypeA).Kind);
    }

    [Fact]
    public void A_reply_without_a_question_is_judged_on_its_header_as_keepalived_does()
    {
        var r = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(r, Id);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(2), 0x8180);
        Assert.Equal(DnsReplyKind.Passed, DnsQuery.Inspect(r, Id, Name("x"), TypeA).Kind);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(2), 0x8181);
        Assert.Equal(DnsReplyKind.Failed, DnsQuery.Inspect(r, Id, Name("x"), TypeA).Kind);
    }

    [Fact]
    public void Every_truncation_of_an_answer_is_ignored_never_thrown()
    {
        var full = Reply(flags: 0x8183);
        var ours = Name("example.com");
        for (int n = 0; n < full.Length; n++)
            Assert.Equal(DnsReplyKind.Ignored, DnsQuery.Inspect(full.AsSpan(0, n), Id, ours, TypeA).Kind);
        Assert.Equal(DnsReplyKind.Failed, DnsQuery.Inspect(full, Id, ours, TypeA).Kind);
    }

    [Fact]
    public void Every_single_bit_flip_gives_a_verdict_without_throwing()
    {
        var full = Reply();
        var ours = Name("example.com");
        for (int bit = 0; bit < full.Length * 8; bit++)
        {
            var copy = (byte[])full.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            var v = DnsQuery.Inspect(copy, Id, ours, TypeA);
            Assert.False(string.IsNullOrEmpty(v.Reason));
        }
    }

    [Fact]
    public void A_compression_pointer_backwards_is_followed_and_a_loop_is_refused()
    {
        var ours = Name("example.com");
        // Header, then a question name that is only a pointer to itself (offset 12).
        var loop = new byte[] { 0xBE, 0xEF, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1 };
        Assert.Contains("loop", DnsQuery.Inspect(loop, Id, ours, TypeA).Reason);
        // A pointer forwards is refused the same way (it could chain into a loop).
        var forward = new byte[] { 0xBE, 0xEF, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 14, 0, 0, 1 };
        Assert.Equal(DnsReplyKind.Ignored, DnsQuery.Inspect(forward, Id, ours, TypeA).Kind);
        // Unknown label types (0x40, 0x80) are malformed.
        var ext = new byte[] { 0xBE, 0xEF, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1 };
        Assert.Contains("label type", DnsQuery.Inspect(ext, Id, ours, TypeA).Reason);
    }

    [Fact]
    public void A_pointer_into_earlier_bytes_that_spell_our_name_is_accepted()
    {
        // Our root name "" is a single 0 byte: point the question name at the zero byte at offset 6 (ANCOUNT high byte).
        var ours = Name(".");
        var r = new byte[] { 0xBE, 0xEF, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 6, 0, 1, 0, 1 };
        Assert.Equal(DnsReplyKind.Passed, DnsQuery.Inspect(r, Id, ours, TypeA).Kind);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(7);
        var ours = Name("example.com");
        for (int i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length >= 2)
                BinaryPrimitives.WriteUInt16BigEndian(bytes, Id);
            _ = DnsQuery.Inspect(bytes, Id, ours, TypeA);
        }
    }
}

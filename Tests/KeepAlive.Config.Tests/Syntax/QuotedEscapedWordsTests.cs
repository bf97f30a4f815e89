using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Syntax;

/// <summary>keepalived's alloc_strvec_quoted_escaped, and how it differs from the ordinary word splitter.</summary>
public class QuotedEscapedWordsTests
{
    [Theory]
    [InlineData("escaped double quotes are part of a double-quoted word", """notify "/x \"a b\"" u""", new[] { "notify", """/x "a b" """, "u" })]
    [InlineData("single quotes group and keep double quotes", """notify '/x "a b"' u""", new[] { "notify", """/x "a b" """, "u" })]
    [InlineData("double quotes group and keep single quotes", """notify "/x 'a b'" u""", new[] { "notify", "/x 'a b' ", "u" })]
    [InlineData("quoted parts join adjacent text", """a"b c"'d e'f""", new[] { "ab cd ef" })]
    [InlineData("an escaped blank joins words", @"a\ b c", new[] { "a b", "c" })]
    [InlineData("every blank separates", "a\tb\fc\vd", new[] { "a", "b", "c", "d" })]
    [InlineData("an empty quoted word is a word", "a '' \"\"", new[] { "a", "", "" })]
    [InlineData("escapes work inside single quotes", @"'a\'b\tc'", new[] { "a'b\tc" })]
    [InlineData("a NUL from an escape ends the word", @"ab\0cd ef", new[] { "ab", "ef" })]
    [InlineData("hex escapes take every hex digit into one byte", @"\x41\x414", new[] { "A\x14" })]
    public void Splits_as_keepalived(string what, string text, string[] expected)
    {
        // A one-line raw literal cannot end in a quote, so those expected words carry a trailing blank, trimmed here.
        var split = QuotedEscapedWords.Split(text);
        Assert.True(split.Ok, what);
        Assert.Equal(expected.Select(w => w.TrimEnd(' ')), split.Words);
    }

    [Theory]
    [InlineData("'open", WordSplitError.UnmatchedQuote)]
    [InlineData("\"open", WordSplitError.UnmatchedQuote)]
    [InlineData(@"x trailing\", WordSplitError.MissingEscapeCharacter)]
    [InlineData("", WordSplitError.Empty)]
    [InlineData(" \t ", WordSplitError.Empty)]
    public void Reports_why_keepalived_gets_no_words(string text, WordSplitError error)
    {
        var split = QuotedEscapedWords.Split(text);
        Assert.Equal(error, split.Error);
        Assert.Empty(split.Words);
        Assert.NotNull(split.Message);
    }

    [Fact]
    public void Bounded_input()
    {
        Assert.Equal(WordSplitError.TooLong, QuotedEscapedWords.Split(new string('a', QuotedEscapedWords.MaxLength + 1)).Error);
    }
}

using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Syntax;

public class ConfigReaderTests
{
    private static List<string> Lines(string text, ReaderOptions? options = null) =>
        TestConfig.Read(text, options).Lines.Select(l => string.Join(' ', l.Tokens.Select(t => t.Text))).ToList();

    [Fact]
    public void Comments_HashAndBang_EndTheLine_OutsideQuotes()
    {
        Assert.Equal(new[] { "router_id a", "notify \"x # y\"".Replace("\"", "") }, Lines("router_id a # comment\nnotify \"x # y\" ! more\n! whole line\n# whole"));
    }

    [Fact]
    public void Backslash_MakesHashLiteral()
    {
        Assert.Equal(new[] { "a #b" }, Lines("a \\#b"));
    }

    [Fact]
    public void Braces_AreSplitOntoTheirOwnLines_AsKeepalivedReadLineDoes()
    {
        var read = TestConfig.Read("vrrp_instance VI_1 { interface eth0 }\n}");
        Assert.Equal(new[] { LineKind.Words, LineKind.OpenBrace, LineKind.Words, LineKind.CloseBrace, LineKind.CloseBrace },
            read.Lines.Select(l => l.Kind));
        Assert.Equal(1, read.Lines[2].Span.Line);
        Assert.Equal(22, read.Lines[2].First.Span.Column);
    }

    [Fact]
    public void QuotedBraces_StayInTheWord()
    {
        var read = TestConfig.Read("script \"a { b }\"");
        var line = Assert.Single(read.Lines);
        Assert.Equal("a { b }", line.Tokens[1].Text);
        Assert.True(line.Tokens[1].Quoted);
    }

    [Fact]
    public void TokenSpans_PointAtTheWords()
    {
        var line = Assert.Single(TestConfig.Read("   priority   100").Lines);
        Assert.Equal(4, line.Tokens[0].Span.Column);
        Assert.Equal(15, line.Tokens[1].Span.Column);
        Assert.Equal(3, line.Tokens[1].Span.Length);
    }

    [Fact]
    public void UnterminatedQuote_IsReported_AndTheLineKept()
    {
        var read = TestConfig.Read("notify \"abc");
        Assert.Contains(read.Diagnostics, d => d.Code == "KA1006" && d.Span.Line == 1);
    }

    [Fact]
    public void VeryLongLines_AreReadWhole()
    {
        var word = new string('x', 200_000);
        var line = Assert.Single(TestConfig.Read("router_id " + word).Lines);
        Assert.Equal(word, line.Tokens[1].Text);
    }

    [Theory]
    [InlineData("high", "priority 150")]
    [InlineData("low", "priority 50")]
    [InlineData(null, "priority 50")]
    public void ConditionalLines_FollowTheConfigId(string? id, string expected)
    {
        var lines = Lines("@high priority 150\n@^high priority 50", new ReaderOptions(ConfigId: id));
        Assert.Equal(new[] { expected }, lines);
    }

    [Fact]
    public void Definitions_AreSubstituted_WithAndWithoutBraces()
    {
        Assert.Equal(new[] { "priority 100", "x 100y" }, Lines("$PRIO=100\npriority $PRIO\nx ${PRIO}y"));
    }

    [Fact]
    public void UndefinedNames_StayAsWritten()
    {
        Assert.Equal(new[] { "a $NOPE" }, Lines("$X=1\na $NOPE"));
    }

    [Fact]
    public void MultiLineDefinitions_ExpandToSeveralLines()
    {
        var lines = Lines("$BLOCK=interface eth0 \\\n  priority 100\nvrrp_instance A {\n$BLOCK\n}");
        Assert.Equal(new[] { "vrrp_instance A", "{", "interface eth0", "priority 100", "}" }, lines);
    }

    [Fact]
    public void SelfReferentialDefinition_IsStoppedWithADiagnostic()
    {
        var read = TestConfig.Read("$A=$A x\nrouter_id $A");
        Assert.Contains(read.Diagnostics, d => d.Code == "KA1008");
    }

    [Fact]
    public void Random_TakesBounds()
    {
        var lines = Lines("x ${_RANDOM 5 7}", new ReaderOptions(RandomSeed: 3));
        var value = int.Parse(lines.Single().Split(' ')[1]);
        Assert.InRange(value, 5, 7);
    }

    [Fact]
    public void Seq_RepeatsTheLine()
    {
        Assert.Equal(new[] { "vip 10.0.0.1", "vip 10.0.0.3", "vip 10.0.0.5" }, Lines("~SEQ(i, 1, 2, 5) vip 10.0.0.$i"));
    }

    [Fact]
    public void SeqX_PrintsHex_AndNestedSeqsWork()
    {
        Assert.Equal(new[] { "a 1:a", "a 1:b", "a 2:a", "a 2:b" }, Lines("~SEQ(i, 2) ~SEQx(j, 10, 11) a ${i}:$j"));
    }

    [Fact]
    public void Lst_RepeatsForValuesAndTuples()
    {
        Assert.Equal(new[] { "n a", "n b" }, Lines("~LST(v, a, b) n $v"));
        Assert.Equal(new[] { "x 1 p", "x 2 q" }, Lines("~LST({n, m}, {1, p}, {2, q}) x $n $m"));
    }

    [Fact]
    public void InvalidSeq_IsReported()
    {
        var read = TestConfig.Read("~SEQ(i, 1, 0, 5) x");
        Assert.Contains(read.Diagnostics, d => d.Code == "KA1007");
    }

    [Fact]
    public void Include_ResolvesRelativeToTheIncludingFile_AndKeepsOrigins()
    {
        var source = new InMemoryConfigSource()
            .Add("/etc/k/main.conf", "include conf.d/*.conf\nrouter_id main")
            .Add("/etc/k/conf.d/b.conf", "b_line 2")
            .Add("/etc/k/conf.d/a.conf", "a_line 1");
        var read = ConfigReader.Read("/etc/k/main.conf", source);
        Assert.Equal(new[] { "a_line", "b_line", "router_id" }, read.Lines.Select(l => l.First.Text));
        Assert.Equal("/etc/k/conf.d/a.conf", read.Lines[0].Span.File);
        Assert.Equal(new[] { "/etc/k/main.conf", "/etc/k/conf.d/a.conf", "/etc/k/conf.d/b.conf" }, read.Files);
    }

    [Fact]
    public void Include_WithBraces_ExpandsAlternatives()
    {
        var source = new InMemoryConfigSource()
            .Add("/k/main.conf", "include /k/{x,y}.conf")
            .Add("/k/x.conf", "x 1")
            .Add("/k/y.conf", "y 1");
        Assert.Equal(2, ConfigReader.Read("/k/main.conf", source).Lines.Length);
    }

    [Fact]
    public void IncludeCycle_IsReported_AndReadingEnds()
    {
        var source = new InMemoryConfigSource()
            .Add("/k/a.conf", "include b.conf\na 1")
            .Add("/k/b.conf", "include a.conf\nb 1");
        var read = ConfigReader.Read("/k/a.conf", source);
        Assert.Contains(read.Diagnostics, d => d.Code == "KA1004" && d.Span.File == "/k/b.conf" && d.Span.Line == 1);
        Assert.Equal(new[] { "b", "a" }, read.Lines.Select(l => l.First.Text));
    }

    [Fact]
    public void IncludeDepth_IsLimited()
    {
        var source = new InMemoryConfigSource();
        for (int i = 0; i < 50; i++)
            source.Add($"/k/{i}.conf", $"include {i + 1}.conf\nline{i} x");
        var read = ConfigReader.Read("/k/0.conf", source, new ReaderOptions(MaxIncludeDepth: 8));
        Assert.Contains(read.Diagnostics, d => d.Code == "KA1005");
        Assert.Equal(8, read.Lines.Length);
    }

    [Fact]
    public void MissingInclude_IsAWarning_OrAnErrorWithAllConfig()
    {
        var source = new InMemoryConfigSource().Add("/k/a.conf", "include nope.conf");
        Assert.Contains(ConfigReader.Read("/k/a.conf", source).Diagnostics, d => d.Code == "KA1002");
        Assert.Contains(ConfigReader.Read("/k/a.conf", source, new ReaderOptions(RequireAllFiles: true)).Diagnostics, d => d.Code == "KA1011");
    }

    [Fact]
    public void UnreadableInclude_IsSkippedWithAReason()
    {
        var source = new InMemoryConfigSource().Add("/k/a.conf", "include b.conf").AddError("/k/b.conf", ConfigFileError.Unreadable);
        var d = Assert.Single(ConfigReader.Read("/k/a.conf", source).Diagnostics);
        Assert.Equal("KA1003", d.Code);
    }

    [Fact]
    public void MissingRootFile_IsAnError()
    {
        var read = ConfigReader.Read("/nope.conf", new InMemoryConfigSource());
        var d = Assert.Single(read.Diagnostics);
        Assert.Equal("KA1001", d.Code);
        Assert.Empty(read.Lines);
    }

    [Fact]
    public void EmptyQuotedWord_IsAnEmptyToken()
    {
        // Regression: the intern cache indexed the first character of an empty word.
        var line = Assert.Single(TestConfig.Read("notify \"\" x").Lines);
        Assert.Equal(string.Empty, line.Tokens[1].Text);
        Assert.Equal("x", line.Tokens[2].Text);
    }

    [Fact]
    public void CrLfLineEnds_AreAccepted()
    {
        Assert.Equal(new[] { "a 1", "b 2" }, Lines("a 1\r\nb 2\r\n"));
    }
}

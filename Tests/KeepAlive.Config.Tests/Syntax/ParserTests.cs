using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Syntax;

public class ParserTests
{
    private static ParseResult Parse(string text) => Parser.Parse(TestConfig.Read(text).Lines);

    [Fact]
    public void BlockOpeningOnTheNextLine_IsTheSameAsOnTheSameLine()
    {
        var a = Parse("vrrp_instance A {\n interface eth0\n}");
        var b = Parse("vrrp_instance A\n{\n interface eth0\n}");
        Assert.Equal("interface", Assert.Single(Assert.Single(a.Tree.Roots).Children).Name);
        Assert.Equal("interface", Assert.Single(Assert.Single(b.Tree.Roots).Children).Name);
        Assert.Empty(a.Diagnostics);
        Assert.Empty(b.Diagnostics);
    }

    [Fact]
    public void ValueBlocks_KeepTheirLinesRaw()
    {
        var root = Assert.Single(Parse("vrrp_instance A {\n virtual_ipaddress { 10.0.0.1/24 dev eth0\n 10.0.0.2 }\n}").Tree.Roots);
        var vips = Assert.Single(root.Children);
        Assert.Equal(2, vips.Values.Length);
        Assert.Equal("dev", vips.Values[0][1].Text);
    }

    [Fact]
    public void ScriptKeywords_KeepTheirLineAsKeepalivedsHandlerRereadsIt_OtherKeywordsDoNot()
    {
        // After definitions, comments and brace splitting, before word splitting (keepalived's buf_extern).
        var root = Assert.Single(Parse("$Q=\"a b\"\nvrrp_instance A {\n priority 50 # c\n notify_master  '/x ${Q}'\tu # c\n notify_backup /y }").Tree.Roots);
        Assert.Null(root.Children[0].Line);
        Assert.Equal("notify_master  '/x \"a b\"'\tu", root.Children[1].Line);
        Assert.IsType<SyntaxLineNode>(root.Children[1]);
        Assert.Equal("notify_backup /y", root.Children[2].Line);
    }

    [Fact]
    public void UnknownKeywordWithABlock_ItsLinesAreReadInTheEnclosingBlock_AndItsBraceClosesThatBlock()
    {
        // keepalived process_stream: "Unexpected '{'", the lines go to the current block, and the '}' ends it.
        var result = Parse("vrrp_instance A {\n bogus {\n priority 50\n }\n advert_int 2\n}");
        var root = Assert.Single(result.Tree.Roots);
        Assert.Equal(new[] { "priority" }, root.Children.Select(c => c.Name));
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1101" && d.Span.Line == 2);
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1102" && d.Span.Line == 2);
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1101" && d.Span.Line == 5); // advert_int at top level
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1111" && d.Span.Line == 6); // '}' at top level closes nothing
    }

    [Fact]
    public void MissingOpenBrace_TheNextLineIsAKeywordOfTheBlock()
    {
        var result = Parse("vrrp_instance A\n interface eth0\n}");
        Assert.Equal("interface", Assert.Single(Assert.Single(result.Tree.Roots).Children).Name);
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1103" && d.Span.Line == 2);
    }

    [Fact]
    public void UnclosedBlock_IsReportedAtItsStart()
    {
        var result = Parse("global_defs {\n router_id a\n");
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1105" && d.Span.Line == 1);
    }

    [Fact]
    public void Misspelt_GetsADidYouMean()
    {
        var d = Assert.Single(Parse("vrrp_instance A {\n priorty 5\n}").Diagnostics);
        Assert.Contains("did you mean 'priority'", d.Message);
        Assert.Equal(2, d.Span.Line);
        Assert.Equal(2, d.Span.Column);
    }

    [Fact]
    public void KeywordOfAnotherBlock_SaysWhereItBelongs()
    {
        var d = Assert.Single(Parse("router_id x").Diagnostics);
        Assert.Contains("belongs in global_defs", d.Message);
    }

    [Fact]
    public void ValueBlockKeywordWithWords_IsReported()
    {
        var result = Parse("vrrp_instance A {\n virtual_ipaddress 10.0.0.1\n {\n 10.0.0.2\n }\n}");
        Assert.Contains(result.Diagnostics, d => d.Code == "KA1106");
    }

    [Fact]
    public void StrayCloseBraces_AtTopLevel_AreReportedOnTheirLine()
    {
        var result = Parse("}\n}");
        Assert.Equal(new[] { 1, 2 }, result.Diagnostics.Select(d => d.Span.Line));
    }
}

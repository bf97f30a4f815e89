using KeepAlive.Config.Grammar;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Tests.Coverage;

/// <summary>
/// Driven by keepalived-keywords.tsv (Fixtures/Keywords): no keyword of keepalived's tables is ever unknown here, and
/// every tier C/M keyword has a binder case checking its value in the model.
/// </summary>
public class KeywordCoverageTests
{
    public sealed record Row(string Section, string Keyword, string Tier)
    {
        public override string ToString() => $"{Section}/{Keyword} ({Tier})";
    }

    public static IReadOnlyList<Row> Rows { get; } = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Keywords", "keepalived-keywords.tsv"))
        .Skip(1)
        .Select(l => l.Split('\t'))
        .Where(c => c.Length >= 4)
        .Select(c => new Row(c[0].Split(' ')[0], c[1], c[3]))
        .ToList();

    /// <summary>Where each section's keywords live in our grammar (a keyword may be valid in several blocks).</summary>
    private static readonly Dictionary<string, string[]> SectionContexts = new()
    {
        ["2.1"] = ["global_defs", "root"],
        ["2.2"] = ["root"],
        ["2.4"] = ["track_file"],
        ["2.5"] = ["vrrp_track_process"],
        ["2.6"] = ["vrrp_script"],
        ["2.7"] = ["bfd_instance"],
        ["2.8"] = ["vrrp_sync_group"],
        ["2.9"] = ["garp_group"],
        ["2.10"] = ["vrrp_instance"],
        ["2.12"] = ["virtual_server"],
        ["2.13"] = ["real_server"],
        ["2.14"] = ["TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK"],
        ["2.15"] = ["real_server", "HTTP_GET", "SSL_GET", "http_url", "SMTP_CHECK", "DNS_CHECK", "MISC_CHECK", "UDP_CHECK", "FILE_CHECK", "BFD_CHECK"],
    };

    /// <summary>Rows that are not keywords of a block but syntax of the reader or of value lines, with the test that covers each.</summary>
    private static readonly Dictionary<string, string> NotBlockKeywords = new()
    {
        ["2.0/include"] = "ConfigReaderTests.Include_*",
        ["2.0/include_check"] = "a global_defs keyword (grammar row global_defs/include_check)",
        ["2.0/@ID"] = "ConfigReaderTests.ConditionalLines_FollowTheConfigId",
        ["2.0/$NAME"] = "ConfigReaderTests.Definitions_*",
        ["2.11/IP"] = "virtual_server_group value lines (VirtualServerBinderTests)",
        ["2.11/IP-RANGE"] = "virtual_server_group value lines (VirtualServerBinderTests)",
    };

    public static IEnumerable<object[]> AllRows() => Rows.Select(r => new object[] { r });

    public static IEnumerable<object[]> CoreRows() => Rows.Where(r => r.Tier is "C" or "M").Select(r => new object[] { r });

    [Theory]
    [MemberData(nameof(AllRows))]
    public void NoKeywordOfTheTable_IsUnknown(Row row)
    {
        var key = $"{row.Section}/{row.Keyword}";
        if (row.Keyword.StartsWith('_'))
        {
            // A family of keywords written as a suffix in the reference (e.g. "…_force").
            var family = KeywordGrammar.Keepalived.KeywordsOf(SectionContexts[row.Section][0]).Where(k => k.Name.EndsWith(row.Keyword, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(family);
            return;
        }
        if (NotBlockKeywords.ContainsKey(key))
        {
            if (row.Keyword == "include_check")
                Assert.NotNull(KeywordGrammar.Keepalived.Find("global_defs", "include_check"));
            return;
        }
        Assert.True(SectionContexts.TryGetValue(row.Section, out var contexts), $"no context mapping for section {row.Section}");
        var found = contexts.Any(c => KeywordGrammar.Keepalived.Find(c, row.Keyword) is not null);
        Assert.True(found, $"{row} is not a keyword of {string.Join("/", contexts)} in our grammar");
    }

    [Theory]
    [MemberData(nameof(CoreRows))]
    public void EveryCoreKeyword_HasABinderCase(Row row)
    {
        var key = $"{row.Section}/{row.Keyword}";
        if (NotBlockKeywords.TryGetValue(key, out var coveredBy) && !KeywordCases.All.Any(k => k.Section == row.Section && k.Keyword == row.Keyword))
        {
            Assert.False(string.IsNullOrEmpty(coveredBy));
            return;
        }
        var cases = KeywordCases.All.Where(k => k.Section == row.Section && k.Keyword == row.Keyword).ToList();
        Assert.True(cases.Count > 0, $"{row} has no binder case in KeywordCases");
    }

    public static IEnumerable<object[]> Cases() => KeywordCases.All.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cases))]
    public void BinderCase_PutsTheValueInTheModel(KeywordCase c)
    {
        var source = new InMemoryConfigSource()
            .Add(TestConfig.Path, c.Config)
            .Add("/etc/keepalived/other.conf", "global_defs {\n router_id from-include\n}\n");
        var result = ConfigLoader.Load(TestConfig.Path, source, new ConfigLoadOptions(new ReaderOptions(ConfigId: "node1")));
        Assert.True(c.Check(result.Config), $"{c}: the model does not hold the value\n{string.Join("\n", result.Diagnostics)}");
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "KA1101" || (d.Code == "KA1107" && !c.NotSupportedYet));
        if (c.NotSupportedYet)
            Assert.Contains(result.Diagnostics, d => d.Code == "KA1107");
    }
}

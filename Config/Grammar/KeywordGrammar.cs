using System.Collections.Frozen;
using System.Reflection;

namespace KeepAlive.Config.Grammar;

/// <summary>
/// keepalived 2.2.7's keyword tree as data (Grammar/keywords.tsv, read from its install_keyword* calls): which
/// keywords exist in which block, and which open a sub-block or a value block. The parser needs it because keepalived
/// decides what a '{' means by the keyword in front of it, not by the text's shape.
/// </summary>
public sealed class KeywordGrammar
{
    public const string RootContext = "root";

    private readonly FrozenDictionary<string, FrozenDictionary<string, KeywordDef>> _contexts;

    private KeywordGrammar(IEnumerable<KeywordDef> keywords)
    {
        All = keywords.ToList();
        _contexts = All
            .GroupBy(k => k.Context, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.GroupBy(k => k.Name, StringComparer.Ordinal)
                .ToFrozenDictionary(kg => kg.Key, kg => kg.First(), StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The grammar of keepalived 2.2.7 as this product reads it.</summary>
    public static KeywordGrammar Keepalived { get; } = Load();

    /// <summary>Every keyword definition, in file order.</summary>
    public IReadOnlyList<KeywordDef> All { get; }

    /// <summary>The names of every block context.</summary>
    public IEnumerable<string> Contexts => _contexts.Keys;

    /// <summary>Looks up <paramref name="keyword"/> in <paramref name="context"/>.</summary>
    public KeywordDef? Find(string context, string keyword) =>
        _contexts.TryGetValue(context, out var table) && table.TryGetValue(keyword, out var def) ? def : null;

    /// <summary>The keyword table of one context (empty for an unknown context).</summary>
    public FrozenDictionary<string, KeywordDef> TableOf(string context) =>
        _contexts.TryGetValue(context, out var table) ? table : FrozenDictionary<string, KeywordDef>.Empty;

    /// <summary>The keywords of one context.</summary>
    public IEnumerable<KeywordDef> KeywordsOf(string context) =>
        _contexts.TryGetValue(context, out var table) ? table.Values : [];

    /// <summary>Contexts (other than <paramref name="except"/>) in which <paramref name="keyword"/> is valid.</summary>
    public IEnumerable<string> ContextsOf(string keyword, string except) =>
        _contexts.Where(c => c.Key != except && c.Value.ContainsKey(keyword)).Select(c => c.Key).OrderBy(c => c, StringComparer.Ordinal);

    private static KeywordGrammar Load()
    {
        using var stream = typeof(KeywordGrammar).Assembly.GetManifestResourceStream("KeepAlive.Config.Grammar.keywords.tsv")
            ?? throw new InvalidOperationException("embedded grammar keywords.tsv is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses the grammar table: <c>context TAB keyword TAB shape TAB alias-of TAB notes</c>.</summary>
    public static KeywordGrammar Parse(string tsv)
    {
        var defs = new List<KeywordDef>();
        foreach (var rawLine in tsv.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var cols = line.Split('\t');
            if (cols.Length < 3 || cols[0] == "context")
                continue;
            var shapeText = cols[2];
            KeywordShape shape;
            string? sub = null;
            if (shapeText.StartsWith("block:", StringComparison.Ordinal))
            {
                shape = KeywordShape.Block;
                sub = shapeText["block:".Length..];
            }
            else
            {
                shape = shapeText == "values" ? KeywordShape.Values : KeywordShape.Simple;
            }
            var alias = cols.Length > 3 && cols[3].Length > 0 ? cols[3] : null;
            var notes = cols.Length > 4 ? cols[4] : string.Empty;
            defs.Add(new KeywordDef(cols[0], cols[1], shape, sub, alias, notes));
        }
        return new KeywordGrammar(defs);
    }
}

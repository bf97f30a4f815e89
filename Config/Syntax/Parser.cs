using System.Collections.Immutable;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Grammar;

namespace KeepAlive.Config.Syntax;

/// <summary>The syntax tree of a configuration plus the structural problems found building it.</summary>
public sealed record ParseResult(SyntaxTree Tree, ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Builds the keyword tree the way keepalived 2.2.7's process_stream does, so a configuration means here what it
/// means to keepalived: the keyword in front of a '{' decides whether it opens a block; an unknown keyword's '{' is
/// ignored and its lines are read in the enclosing block, whose block the next '}' then closes; a '}' at top level is
/// ignored. Everything keepalived would only log is a diagnostic here, with the position and a hint.
/// </summary>
public sealed class Parser
{
    private readonly IEnumerator<LogicalLine> _lines;
    private readonly KeywordGrammar _grammar;
    private readonly List<Diagnostic> _diagnostics = new();
    private Action<SyntaxNode>? _onRoot;
    private readonly List<ImmutableArray<Token>> _values = new();
    private int _blockDepth;
    private bool _lastCloseWasExtra;

    private Parser(IEnumerator<LogicalLine> lines, KeywordGrammar grammar)
    {
        _lines = lines;
        _grammar = grammar;
    }

    /// <summary>Parses logical lines with <paramref name="grammar"/> (keepalived's by default), consuming them as
    /// they come. Never throws on input.</summary>
    public static ParseResult Parse(IEnumerable<LogicalLine> lines, KeywordGrammar? grammar = null) => Parse(lines, grammar, null);

    /// <summary>Parses, handing each top-level node to <paramref name="onRoot"/> as soon as it is complete instead of
    /// keeping it in the tree (the returned tree then has no roots).</summary>
    public static ParseResult Parse(IEnumerable<LogicalLine> lines, KeywordGrammar? grammar, Action<SyntaxNode>? onRoot)
    {
        using var e = lines.GetEnumerator();
        var parser = new Parser(e, grammar ?? KeywordGrammar.Keepalived) { _onRoot = onRoot };
        var roots = parser.ParseBlock(KeywordGrammar.RootContext, needOpen: false, level: 0, out _, out _);
        parser.ReportUnbalancedBraces();
        return new ParseResult(new SyntaxTree(roots), parser._diagnostics.ToImmutableArray());
    }

    /// <summary>keepalived counts every lone '{' and '}' (read_line's block_depth) and, at the end, reports "There are
    /// N missing '}'s or extra '{'s". Unclosed blocks are already reported where they open and unexpected '{' where
    /// they stand; a '{' read as data inside a value block is reported here, at the last such brace.</summary>
    private void ReportUnbalancedBraces()
    {
        if (_blockDepth <= 0 || _valueBlockBraces.Count == 0)
            return;
        int unclosedBlocks = _diagnostics.Count(d => d.Code == DiagnosticCodes.MissingCloseBrace.Code);
        if (_blockDepth > unclosedBlocks)
            _diagnostics.Add(DiagnosticCodes.UnbalancedBraces.At(_valueBlockBraces[^1], _blockDepth));
    }

    /// <summary>'{' lines read as data inside value blocks: they count for keepalived's brace balance but open nothing.</summary>
    private readonly List<SourceSpan> _valueBlockBraces = new();

    private LogicalLine? ReadLine()
    {
        if (!_lines.MoveNext())
            return null;
        var line = _lines.Current;
        _lastCloseWasExtra = false;
        if (line.Kind == LineKind.OpenBrace)
        {
            _blockDepth++;
        }
        else if (line.Kind == LineKind.CloseBrace)
        {
            if (_blockDepth-- < 1)
            {
                _blockDepth = 0;
                _lastCloseWasExtra = true;
            }
        }
        return line;
    }

    private ImmutableArray<SyntaxNode> ParseBlock(string context, bool needOpen, int level, out bool closed, out SourceSpan closeSpan)
    {
        closeSpan = default;
        var nodes = RentList(level);
        var sink = level == 0 ? _onRoot : null;
        var table = _grammar.TableOf(context);
        closed = false;
        while (ReadLine() is { } line)
        {
            if (needOpen)
            {
                needOpen = false;
                if (line.Kind == LineKind.OpenBrace)
                    continue;
                _diagnostics.Add(DiagnosticCodes.MissingOpenBrace.At(line.Span, context));
            }
            else if (line.Kind == LineKind.OpenBrace)
            {
                _diagnostics.Add(DiagnosticCodes.UnexpectedOpenBrace.At(line.Span, Describe(context)));
                continue;
            }

            if (line.Kind == LineKind.CloseBrace)
            {
                if (level > 0)
                {
                    closed = true;
                    closeSpan = line.Span;
                    return Return(nodes);
                }
                _diagnostics.Add(_lastCloseWasExtra
                    ? DiagnosticCodes.ExtraCloseBrace.At(line.Span)
                    : DiagnosticCodes.StrayCloseBrace.At(line.Span));
                continue;
            }

            var keyword = line.First;
            if (!table.TryGetValue(keyword.Text, out var def))
            {
                _diagnostics.Add(DiagnosticCodes.UnknownKeyword.At(keyword.Span, Truncate(keyword.Text), Describe(context), Hint(context, keyword.Text)));
                continue;
            }
            var args = line.Rest;
            switch (def.Shape)
            {
                case KeywordShape.Block:
                {
                    var children = ParseBlock(def.SubContext!, needOpen: true, level + 1, out var wasClosed, out var close);
                    if (!wasClosed)
                        _diagnostics.Add(DiagnosticCodes.MissingCloseBrace.At(line.Span, keyword.Text));
                    Emit(nodes, sink, new SyntaxBlock(def, keyword, args, children, [], close));
                    break;
                }
                case KeywordShape.Values:
                {
                    int allowed = def.ValuesTakeName ? 1 : 0;
                    if (args.Length > allowed)
                        _diagnostics.Add(DiagnosticCodes.BlockExtraParameters.At(args[allowed].Span, keyword.Text, args[allowed].Text));
                    var values = ReadValueBlock(keyword, out var wasClosed, out var close);
                    if (!wasClosed)
                        _diagnostics.Add(DiagnosticCodes.MissingCloseBrace.At(line.Span, keyword.Text));
                    Emit(nodes, sink, new SyntaxBlock(def, keyword, args, [], values, close));
                    break;
                }
                default:
                    Emit(nodes, sink, def.ReparsesLine
                        ? new SyntaxLineNode(def, keyword, args, line.Text.ToString())
                        : new SyntaxNode(def, keyword, args));
                    break;
            }
        }
        return Return(nodes);
    }

    // One reusable list per nesting level: a block's children are collected there and copied once into an array of
    // the exact size (no builder object, no growth copies per block).
    private readonly List<List<SyntaxNode>> _levels = new();

    private List<SyntaxNode> RentList(int level)
    {
        while (_levels.Count <= level)
            _levels.Add(new List<SyntaxNode>());
        var list = _levels[level];
        list.Clear();
        return list;
    }

    private static ImmutableArray<SyntaxNode> Return(List<SyntaxNode> nodes)
    {
        var result = nodes.Count == 0 ? ImmutableArray<SyntaxNode>.Empty : ImmutableArray.Create(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(nodes));
        nodes.Clear();
        return result;
    }

    private static void Emit(List<SyntaxNode> nodes, Action<SyntaxNode>? sink, SyntaxNode node)
    {
        if (sink is not null)
            sink(node);
        else
            nodes.Add(node);
    }

    /// <summary>alloc_value_block: an optional '{' first, then every line up to a '}' is a value line.</summary>
    private ImmutableArray<ImmutableArray<Token>> ReadValueBlock(Token keyword, out bool closed, out SourceSpan closeSpan)
    {
        closeSpan = default;
        var values = _values;
        values.Clear();
        bool needOpen = true;
        closed = false;
        while (ReadLine() is { } line)
        {
            if (needOpen)
            {
                needOpen = false;
                if (line.Kind == LineKind.OpenBrace)
                    continue;
                _diagnostics.Add(DiagnosticCodes.ValueBlockMissingOpen.At(line.Span, keyword.Text));
            }
            if (line.Kind == LineKind.CloseBrace)
            {
                closed = true;
                closeSpan = line.Span;
                break;
            }
            if (line.Kind == LineKind.OpenBrace)
                _valueBlockBraces.Add(line.Span);
            values.Add(line.Tokens);
        }
        var result = ImmutableArray.Create(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
        values.Clear();
        return result;
    }

    private static string Describe(string context) =>
        context == KeywordGrammar.RootContext ? "the top level" : context;

    /// <summary>"Did you mean" for a misspelt keyword, or where the keyword belongs when it is valid elsewhere.</summary>
    private string Hint(string context, string word)
    {
        if (word.Length > 64)
            return string.Empty;
        var best = Suggestions.Closest(word, _grammar.KeywordsOf(context).Select(k => k.Name));
        if (best is not null)
            return $"; did you mean '{best}'?";
        var elsewhere = _grammar.ContextsOf(word, context).Take(3).ToList();
        if (elsewhere.Count > 0)
        {
            var where = string.Join(", ", elsewhere.Select(Describe));
            return context == KeywordGrammar.RootContext
                ? $" ('{word}' belongs in {where}: was that block closed early by a '}}' above?)"
                : $" ('{word}' belongs in {where})";
        }
        return string.Empty;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";
}

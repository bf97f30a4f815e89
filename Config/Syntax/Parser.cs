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
        var roots = parser.ParseBlock(KeywordGrammar.RootContext, needOpen: false, level: 0, out _);
        return new ParseResult(new SyntaxTree(roots), parser._diagnostics.ToImmutableArray());
    }

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

    private ImmutableArray<SyntaxNode> ParseBlock(string context, bool needOpen, int level, out bool closed)
    {
        var nodes = ImmutableArray.CreateBuilder<SyntaxNode>();
        var sink = level == 0 ? _onRoot : null;
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
                    return nodes.ToImmutable();
                }
                _diagnostics.Add(_lastCloseWasExtra
                    ? DiagnosticCodes.ExtraCloseBrace.At(line.Span)
                    : DiagnosticCodes.StrayCloseBrace.At(line.Span));
                continue;
            }

            var keyword = line.First;
            var def = _grammar.Find(context, keyword.Text);
            if (def is null)
            {
                _diagnostics.Add(DiagnosticCodes.UnknownKeyword.At(keyword.Span, Truncate(keyword.Text), Describe(context), Hint(context, keyword.Text)));
                continue;
            }
            var args = line.Rest;
            switch (def.Shape)
            {
                case KeywordShape.Block:
                {
                    var children = ParseBlock(def.SubContext!, needOpen: true, level + 1, out var wasClosed);
                    if (!wasClosed)
                        _diagnostics.Add(DiagnosticCodes.MissingCloseBrace.At(line.Span, keyword.Text));
                    Emit(nodes, sink, new SyntaxNode(def, keyword, args, children, [], line.Span));
                    break;
                }
                case KeywordShape.Values:
                {
                    int allowed = def.ValuesTakeName ? 1 : 0;
                    if (args.Length > allowed)
                        _diagnostics.Add(DiagnosticCodes.BlockExtraParameters.At(args[allowed].Span, keyword.Text, args[allowed].Text));
                    var values = ReadValueBlock(keyword, out var wasClosed);
                    if (!wasClosed)
                        _diagnostics.Add(DiagnosticCodes.MissingCloseBrace.At(line.Span, keyword.Text));
                    Emit(nodes, sink, new SyntaxNode(def, keyword, args, [], values, line.Span));
                    break;
                }
                default:
                    Emit(nodes, sink, new SyntaxNode(def, keyword, args, [], [], line.Span));
                    break;
            }
        }
        return nodes.ToImmutable();
    }

    private static void Emit(ImmutableArray<SyntaxNode>.Builder nodes, Action<SyntaxNode>? sink, SyntaxNode node)
    {
        if (sink is not null)
            sink(node);
        else
            nodes.Add(node);
    }

    /// <summary>alloc_value_block: an optional '{' first, then every line up to a '}' is a value line.</summary>
    private ImmutableArray<ImmutableArray<Token>> ReadValueBlock(Token keyword, out bool closed)
    {
        var values = ImmutableArray.CreateBuilder<ImmutableArray<Token>>();
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
                break;
            }
            values.Add(line.Tokens);
        }
        return values.ToImmutable();
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

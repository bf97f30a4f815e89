using System.Collections.Immutable;

namespace KeepAlive.Config.Syntax;

/// <summary>What a logical line is: ordinary words, or a lone brace. keepalived splits every unquoted '{' and '}' onto
/// a line of its own before it looks at keywords, and so do we (lib/parser.c read_line).</summary>
public enum LineKind
{
    Words,
    OpenBrace,
    CloseBrace,
}

/// <summary>A line as the parser sees it: its words, its kind, where it starts, and the text it came from.</summary>
public sealed record LogicalLine(LineKind Kind, ImmutableArray<Token> Tokens, SourceSpan Span, string Text)
{
    /// <summary>The first word (the keyword), or the brace.</summary>
    public Token First => Tokens[0];

    public override string ToString() => Text;
}

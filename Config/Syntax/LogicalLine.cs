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

/// <summary>A line as the parser sees it: its first word (the keyword, or the brace), the words after it, and where
/// it starts. The first word is kept apart so a keyword's arguments need no copy.</summary>
public readonly record struct LogicalLine(LineKind Kind, Token First, ImmutableArray<Token> Rest, SourceSpan Span)
{
    /// <summary>Every word of the line, the first included.</summary>
    public ImmutableArray<Token> Tokens => Rest.IsDefaultOrEmpty ? [First] : Rest.Insert(0, First);

    public override string ToString() => Rest.IsDefaultOrEmpty ? First.Text : First.Text + " " + string.Join(' ', Rest);
}

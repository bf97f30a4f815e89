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

/// <summary>A line as the parser sees it: its first word (the keyword, or the brace), the words after it, where it
/// starts, and its text before word splitting. The first word is kept apart so a keyword's arguments need no copy.</summary>
/// <param name="Kind">Words or a lone brace.</param>
/// <param name="First">The keyword (or the brace).</param>
/// <param name="Rest">The words after it, split as keepalived's <c>alloc_strvec</c> does.</param>
/// <param name="Span">Where the line starts.</param>
/// <param name="Text">The line as keepalived's read_line leaves it in its buffer, before words are split (comments,
/// definitions, conditionals and brace splitting done, leading and trailing blanks removed): what a handler reads
/// back through <c>buf_extern</c> to split it again with <see cref="QuotedEscapedWords"/>. A view of the source text
/// where possible, so it costs no copy.</param>
public readonly record struct LogicalLine(LineKind Kind, Token First, ImmutableArray<Token> Rest, SourceSpan Span, ReadOnlyMemory<char> Text)
{
    /// <summary>Every word of the line, the first included.</summary>
    public ImmutableArray<Token> Tokens => Rest.IsDefaultOrEmpty ? [First] : Rest.Insert(0, First);

    public override string ToString() => Rest.IsDefaultOrEmpty ? First.Text : First.Text + " " + string.Join(' ', Rest);
}

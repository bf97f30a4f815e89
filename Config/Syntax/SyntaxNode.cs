using System.Collections.Immutable;
using KeepAlive.Config.Grammar;

namespace KeepAlive.Config.Syntax;

/// <summary>
/// One keyword occurrence: its definition and the words after it. A keyword with a sub-block or a value block is a
/// <see cref="SyntaxBlock"/>, which adds its <see cref="Children"/> or raw <see cref="Values"/> lines and its closing
/// brace; simple keyword lines (most of a configuration) stay small.
/// </summary>
public record SyntaxNode(KeywordDef Keyword, Token KeywordToken, ImmutableArray<Token> Arguments)
{
    /// <summary>The keyword as written (an alias stays as written; <see cref="KeywordDef.AliasOf"/> names the current one).</summary>
    public string Name => KeywordToken.Text;

    /// <summary>Where the keyword's line starts (the keyword is its first word).</summary>
    public SourceSpan Span => KeywordToken.Span;

    /// <summary>The keywords of its sub-block.</summary>
    public virtual ImmutableArray<SyntaxNode> Children => ImmutableArray<SyntaxNode>.Empty;

    /// <summary>The raw lines of its value block.</summary>
    public virtual ImmutableArray<ImmutableArray<Token>> Values => ImmutableArray<ImmutableArray<Token>>.Empty;

    /// <summary>For a keyword whose keepalived handler re-reads its line (<see cref="KeywordDef.ReparsesLine"/>): the
    /// line's text before word splitting, keyword included (keepalived's <c>buf_extern</c>); otherwise null.</summary>
    public virtual string? Line => null;

    /// <summary>For a block: the '}' that closed it (keepalived reports its end-of-block checks there); otherwise, or
    /// when the block was never closed, the keyword's span.</summary>
    public virtual SourceSpan CloseSpan => Span;

    public override string ToString() => $"{Name} {string.Join(' ', Arguments)}";
}

/// <summary>A keyword with a sub-block (<paramref name="ChildNodes"/>) or a value block (<paramref name="ValueLines"/>).</summary>
public sealed record SyntaxBlock(
    KeywordDef Keyword,
    Token KeywordToken,
    ImmutableArray<Token> Arguments,
    ImmutableArray<SyntaxNode> ChildNodes,
    ImmutableArray<ImmutableArray<Token>> ValueLines,
    SourceSpan Close)
    : SyntaxNode(Keyword, KeywordToken, Arguments)
{
    public override ImmutableArray<SyntaxNode> Children => ChildNodes;

    public override ImmutableArray<ImmutableArray<Token>> Values => ValueLines;

    public override SourceSpan CloseSpan => Close.HasPosition ? Close : Span;

    public override string ToString() => base.ToString();
}

/// <summary>A simple keyword that keeps its line's text (<paramref name="Text"/>), for handlers that split it again
/// with quotes and escapes (<see cref="KeywordDef.ReparsesLine"/>).</summary>
public sealed record SyntaxLineNode(KeywordDef Keyword, Token KeywordToken, ImmutableArray<Token> Arguments, string Text)
    : SyntaxNode(Keyword, KeywordToken, Arguments)
{
    public override string? Line => Text;

    public override string ToString() => base.ToString();
}

/// <summary>The parsed configuration: the top-level keyword nodes in order.</summary>
public sealed record SyntaxTree(ImmutableArray<SyntaxNode> Roots);

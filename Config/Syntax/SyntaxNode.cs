using System.Collections.Immutable;
using KeepAlive.Config.Grammar;

namespace KeepAlive.Config.Syntax;

/// <summary>
/// One keyword occurrence: its definition, the words after it, and — by its shape — either the keywords of its
/// sub-block (<see cref="Children"/>) or the raw lines of its value block (<see cref="Values"/>).
/// </summary>
public sealed record SyntaxNode(
    KeywordDef Keyword,
    Token KeywordToken,
    ImmutableArray<Token> Arguments,
    ImmutableArray<SyntaxNode> Children,
    ImmutableArray<ImmutableArray<Token>> Values)
{
    /// <summary>Where the keyword's line starts (the keyword is its first word).</summary>
    public SourceSpan Span => KeywordToken.Span;

    /// <summary>For a block: the '}' that closed it (keepalived reports its end-of-block checks there); otherwise, or
    /// when the block was never closed, the keyword's span.</summary>
    public SourceSpan CloseSpan { get => _close.HasPosition ? _close : Span; init => _close = value; }

    private readonly SourceSpan _close;

    /// <summary>The keyword as written (an alias stays as written; <see cref="KeywordDef.AliasOf"/> names the current one).</summary>
    public string Name => KeywordToken.Text;

    public override string ToString() => $"{Name} {string.Join(' ', Arguments)}";
}

/// <summary>The parsed configuration: the top-level keyword nodes in order.</summary>
public sealed record SyntaxTree(ImmutableArray<SyntaxNode> Roots);

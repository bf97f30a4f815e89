namespace KeepAlive.Config.Syntax;

/// <summary>One word of a configuration line after comment removal, quote removal and parameter substitution.</summary>
/// <param name="Text">The word as keepalived sees it (double quotes removed).</param>
/// <param name="Span">Where it was written.</param>
/// <param name="Quoted">True when the word was written inside double quotes.</param>
public readonly record struct Token(string Text, SourceSpan Span, bool Quoted = false)
{
    public override string ToString() => Text;
}

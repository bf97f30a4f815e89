namespace KeepAlive.Config.Grammar;

/// <summary>How a keyword takes its content (keepalived lib/parser.c): one line, a sub-block of keywords, or a block
/// of raw value lines read by alloc_value_block (addresses, names, peers...).</summary>
public enum KeywordShape
{
    Simple,
    Block,
    Values,
}

/// <summary>One keyword of keepalived 2.2.7's grammar in one block context.</summary>
/// <param name="Context">The block it belongs to (<c>root</c> for the top level).</param>
/// <param name="Name">The keyword as written.</param>
/// <param name="Shape">How its content is read.</param>
/// <param name="SubContext">For <see cref="KeywordShape.Block"/>: the context of its sub-block.</param>
/// <param name="AliasOf">For deprecated aliases: the keyword to use instead.</param>
/// <param name="Notes">Syntax and remarks, from keepalived's source.</param>
public sealed record KeywordDef(string Context, string Name, KeywordShape Shape, string? SubContext, string? AliasOf, string Notes)
{
    public override string ToString() => $"{Context}/{Name}";
}

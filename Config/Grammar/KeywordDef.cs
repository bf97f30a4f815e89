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
    /// <summary>
    /// True when keepalived's handler reads a value without checking that one was given, so a bare keyword makes
    /// keepalived stop (null_strvec, exit 2). Derived from the grammar notes: a simple keyword whose syntax starts
    /// with a value placeholder (N, SECS, NAME, "SCRIPT"...) rather than a flag or an optional [value].
    /// </summary>
    public bool RequiresArgument => Shape == KeywordShape.Simple && Notes.Length > 0 &&
        (char.IsAsciiLetterUpper(Notes[0]) || Notes[0] == '"') &&
        !Notes.StartsWith("KeepAlive:", StringComparison.Ordinal);

    /// <summary>The note that marks a keyword whose keepalived handler splits its line again with
    /// <c>alloc_strvec_quoted_escaped</c> (through <c>buf_extern</c>) instead of using the ordinary words.</summary>
    public const string ReparseMarker = "(line re-parsed with quotes/escapes)";

    /// <summary>True when keepalived's handler re-reads the whole line with quotes and escapes (script keywords,
    /// <c>regex</c>): the parser then keeps the line's text on the node (<see cref="Syntax.SyntaxNode.Line"/>).</summary>
    public bool ReparsesLine => Shape == KeywordShape.Simple && Notes.Contains(ReparseMarker, StringComparison.Ordinal);

    /// <summary>True for a value block whose keyword line carries a name before the block (virtual_server_group NAME).</summary>
    public bool ValuesTakeName => Shape == KeywordShape.Values && Notes.StartsWith("NAME", StringComparison.Ordinal);

    public override string ToString() => $"{Context}/{Name}";
}

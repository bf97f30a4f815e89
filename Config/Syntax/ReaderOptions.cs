namespace KeepAlive.Config.Syntax;

/// <summary>Settings of one read of a configuration tree.</summary>
/// <param name="ConfigId">The id that <c>@ID</c> lines are compared with (<c>-i</c>; keepalived's default is the host
/// name up to the first dot). Null means no id: every <c>@ID</c> line is dropped and every <c>@^ID</c> line kept.</param>
/// <param name="MaxIncludeDepth">Nested include limit; deeper includes are refused with an error.</param>
/// <param name="MaxLines">Limit on logical lines produced (guards ~SEQ and definition explosions).</param>
/// <param name="RandomSeed">Seed for <c>${_RANDOM}</c>; null = time based, as keepalived.</param>
/// <param name="RequireAllFiles">keepalived's <c>-e/--all-config</c>: a missing include is an error.</param>
public sealed record ReaderOptions(
    string? ConfigId = null,
    int MaxIncludeDepth = 32,
    int MaxLines = 20_000_000,
    int? RandomSeed = null,
    bool RequireAllFiles = false)
{
    public static ReaderOptions Default { get; } = new();
}

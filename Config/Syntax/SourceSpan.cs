namespace KeepAlive.Config.Syntax;

/// <summary>Where a piece of configuration text came from: file, 1-based line and column, length in characters.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column, int Length)
{
    /// <summary>A span that names a file but no position (whole-file problems such as a missing include).</summary>
    public static SourceSpan ForFile(string file) => new(file, 0, 0, 0);

    /// <summary>True when the span points at a line (not only a file).</summary>
    public bool HasPosition => Line > 0;

    /// <summary>Compiler-style location: <c>path:line:col</c>, or just the path when there is no position.</summary>
    public override string ToString() => HasPosition ? $"{File}:{Line}:{Column}" : File;
}

/// <summary>
/// Where a model item was declared. It never takes part in equality or hashing, so that moving text around in a
/// file is not a configuration change for the reload diff (record equality decides "changed").
/// </summary>
public readonly struct Origin : IEquatable<Origin>
{
    public Origin(SourceSpan span) => Span = span;

    public SourceSpan Span { get; }

    public bool Equals(Origin other) => true;

    public override bool Equals(object? obj) => obj is Origin;

    public override int GetHashCode() => 0;

    public static bool operator ==(Origin left, Origin right) => true;

    public static bool operator !=(Origin left, Origin right) => false;

    public override string ToString() => Span.ToString();
}

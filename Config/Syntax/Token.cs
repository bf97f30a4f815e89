namespace KeepAlive.Config.Syntax;

/// <summary>One word of a configuration line after comment removal, quote removal and parameter substitution.
/// Stored flat (32 bytes: the span's parts and the quote flag share one padding slot), since a large configuration
/// holds millions of them on their way through the parser.</summary>
public readonly struct Token : IEquatable<Token>
{
    private readonly string _file;
    private readonly int _line;
    private readonly int _column;
    private readonly int _length;
    private readonly bool _quoted;

    /// <param name="text">The word as keepalived sees it (double quotes removed).</param>
    /// <param name="span">Where it was written.</param>
    /// <param name="quoted">True when the word was written inside double quotes.</param>
    public Token(string text, SourceSpan span, bool quoted = false)
    {
        Text = text;
        _file = span.File;
        _line = span.Line;
        _column = span.Column;
        _length = span.Length;
        _quoted = quoted;
    }

    /// <summary>The word as keepalived sees it (double quotes removed).</summary>
    public string Text { get; }

    /// <summary>Where it was written.</summary>
    public SourceSpan Span => new(_file, _line, _column, _length);

    /// <summary>True when the word was written inside double quotes.</summary>
    public bool Quoted => _quoted;

    public bool Equals(Token other) =>
        Text == other.Text && _file == other._file && _line == other._line && _column == other._column
        && _length == other._length && _quoted == other._quoted;

    public override bool Equals(object? obj) => obj is Token other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Text, _file, _line, _column, _length, _quoted);

    public static bool operator ==(Token left, Token right) => left.Equals(right);

    public static bool operator !=(Token left, Token right) => !left.Equals(right);

    public override string ToString() => Text;
}

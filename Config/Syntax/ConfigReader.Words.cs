using System.Collections.Immutable;
using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Syntax;

/// <summary>Brace splitting and word splitting of a processed line, with the intern cache for repeated words.</summary>
public sealed partial class ConfigReader
{
    // ---------------------------------------------------------------- braces and words

    /// <summary>Emits the range [start, end) with each unquoted brace on a line of its own (read_line's
    /// line_residue logic), then splits words as alloc_strvec does: blanks separate, double quotes group and are
    /// removed.</summary>
    private void SplitAndEmit(string text, int start, int end, string file, int line, int column)
    {
        // Columns are counted from the start of the range.
        int baseColumn = column - start;
        int offset = start;
        while (offset < end)
        {
            if (_emitted >= _options.MaxLines)
            {
                if (!_stopped)
                    _diagnostics.Add(DiagnosticCodes.TooManyLines.At(new SourceSpan(file, line, column, 0), _options.MaxLines));
                _stopped = true;
                return;
            }
            char c0 = text[offset];
            if (c0 == '{' || c0 == '}')
            {
                var braceSpan = new SourceSpan(file, line, baseColumn + offset, 1);
                _emitted++;
                var braceText = c0 == '{' ? "{" : "}";
                _lines.Add(new LogicalLine(c0 == '{' ? LineKind.OpenBrace : LineKind.CloseBrace,
                    new Token(braceText, braceSpan), ImmutableArray<Token>.Empty, braceSpan, braceText.AsMemory()));
                offset++;
                while (offset < end && (text[offset] == ' ' || text[offset] == '\t'))
                    offset++;
                continue;
            }
            int brace = FindUnquotedBrace(text, offset, end);
            int stop = brace < 0 ? end : brace;
            int trimmed = stop;
            while (trimmed > offset && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t'))
                trimmed--;
            if (trimmed > offset)
                EmitWords(text, offset, trimmed, file, line, baseColumn);
            offset = stop;
        }
    }

    private static readonly System.Buffers.SearchValues<char> DecommentMarks = System.Buffers.SearchValues.Create("\"\\#!");
    private static readonly System.Buffers.SearchValues<char> BraceOrQuote = System.Buffers.SearchValues.Create("{}\"");

    private static int FindUnquotedBrace(string text, int from, int end)
    {
        for (int i = from; i < end; i++)
        {
            int next = text.AsSpan(i, end - i).IndexOfAny(BraceOrQuote);
            if (next < 0)
                return -1;
            i += next;
            char c = text[i];
            if (c == '"')
            {
                int close = text.IndexOf('"', i + 1, end - i - 1);
                if (close < 0)
                    return -1;
                i = close;
                continue;
            }
            if (c == '{' || c == '}')
                return i;
        }
        return -1;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool IsWhite(char c) => c is ' ' or '\t' or '\f' or '\n' or '\r' or '\v';

    private readonly List<Token> _words = new();

    private void EmitWords(string text, int start, int end, string file, int line, int baseColumn)
    {
        var words = _words;
        words.Clear();
        int i = start;
        bool control = false;
        while (i < end)
        {
            while (i < end && IsWhite(text[i]))
                i++;
            if (i >= end)
                break;
            if (text[i] == '"')
            {
                int close = text.IndexOf('"', i + 1, end - i - 1);
                if (close < 0)
                {
                    // keepalived stops splitting at an unmatched quote ("Unmatched quote"); the decomment stage
                    // already reported the unterminated quote on this line.
                    break;
                }
                words.Add(new Token(Intern(text, i + 1, close - i - 1), new SourceSpan(file, line, baseColumn + i, close - i + 1), true));
                i = close + 1;
                continue;
            }
            int wordStart = i;
            while (i < end && !IsWhite(text[i]) && text[i] != '"')
            {
                if (text[i] < ' ')
                    control = true;
                i++;
            }
            words.Add(new Token(Intern(text, wordStart, i - wordStart), new SourceSpan(file, line, baseColumn + wordStart, i - wordStart)));
        }
        if (words.Count == 0)
            return;
        var lineSpan = new SourceSpan(file, line, baseColumn + start, end - start);
        if (control)
            _diagnostics.Add(DiagnosticCodes.ControlCharacters.At(lineSpan));
        var rest = words.Count == 1 ? ImmutableArray<Token>.Empty : ImmutableArray.Create(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(words)[1..]);
        _emitted++;
        _lines.Add(new LogicalLine(LineKind.Words, words[0], rest, lineSpan, text.AsMemory(start, end - start)));
    }

    private const int MaxInternedLength = 40;
    private const int InternSlots = 4096;
    private readonly string?[] _intern = new string?[InternSlots];

    /// <summary>Keywords and small values repeat across a configuration (real_server, weight, 3...): share one string
    /// for each through a small direct-mapped cache (a cheap hash of length and three characters; a collision only
    /// costs an allocation). Bounded, so hostile input cannot grow it.</summary>
    private string Intern(string text, int start, int length)
    {
        if (length == 0)
            return string.Empty;
        if (length > MaxInternedLength)
            return text.Substring(start, length);
        var span = text.AsSpan(start, length);
        uint h = (uint)length * 0x9E3779B1u;
        h = (h ^ span[0]) * 16777619u;
        h = (h ^ span[length - 1]) * 16777619u;
        h = (h ^ span[length >> 1]) * 16777619u;
        int slot = (int)(h >> 20) & (InternSlots - 1);
        var cached = _intern[slot];
        if (cached is not null && span.SequenceEqual(cached))
            return cached;
        var s = span.ToString();
        _intern[slot] = s;
        return s;
    }
}

using System.Collections.Immutable;
using System.Text;

namespace KeepAlive.Config.Syntax;

/// <summary>Why a string could not be split by <see cref="QuotedEscapedWords.Split"/>.</summary>
public enum WordSplitError
{
    /// <summary>The string was split.</summary>
    None,

    /// <summary>Empty or only blanks: keepalived gets no words (a NULL vector).</summary>
    Empty,

    /// <summary>A <c>"</c> or <c>'</c> is never closed (keepalived: "missing terminating", a configuration error of the
    /// unmatched-quote class).</summary>
    UnmatchedQuote,

    /// <summary>The string ends in a lone backslash (keepalived only logs "Missing escape char at end").</summary>
    MissingEscapeCharacter,

    /// <summary>Longer than <see cref="QuotedEscapedWords.MaxLength"/>; keepalived's line buffer is far shorter.</summary>
    TooLong,
}

/// <summary>The words of a string, or why there are none.</summary>
/// <param name="Words">The words (empty unless <paramref name="Error"/> is <see cref="WordSplitError.None"/>).</param>
/// <param name="Error">What went wrong, if anything.</param>
/// <param name="Message">keepalived's wording of the problem; null when split.</param>
public readonly record struct WordSplit(ImmutableArray<string> Words, WordSplitError Error, string? Message)
{
    /// <summary>True when the string was split into at least one word.</summary>
    public bool Ok => Error == WordSplitError.None;
}

/// <summary>
/// keepalived 2.2.7's second word splitter, <c>alloc_strvec_quoted_escaped</c> (lib/parser.c). Script keywords
/// (notify*, vrrp_script <c>script</c>, <c>misc_path</c>, quorum_*, notify_up/down, startup/shutdown and FIFO
/// scripts) and <c>regex</c> do not use the words of the ordinary splitter: their handlers split the processed line
/// again with this one, and notify_script_init / set_script_params_array split its word 1 once more into argv.
/// Blanks separate words; <c>"…"</c> and <c>'…'</c> group (the other quote is literal inside) and may join with
/// adjacent text (<c>a"b c"d</c> is one word); a backslash escapes inside and outside quotes: <c>\a \b \E \f \n \r
/// \t \v</c>, <c>\xHH…</c> (every hex digit shifted into one byte), <c>\cX</c> (control character), <c>\NNN</c>
/// (up to three octal digits), any other character stands for itself (<c>\" \' \\ \#</c>, <c>\ </c> a blank inside
/// a word). A NUL made by an escape ends the word (keepalived copies it with strndup). Pure; never throws.
/// </summary>
public static class QuotedEscapedWords
{
    private const string WhiteSpace = " \t\f\n\r\v";

    /// <summary>Longest input accepted; keepalived's line buffer (MAXBUF) is far smaller.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Splits <paramref name="text"/> as <c>alloc_strvec_quoted_escaped</c> does.</summary>
    public static WordSplit Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
            return Fail(WordSplitError.TooLong, $"script string longer than {MaxLength} characters");
        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
            text = text[..nul]; // a C string ends at its first NUL
        var words = ImmutableArray.CreateBuilder<string>();
        var word = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && WhiteSpace.Contains(text[i]))
                i++;
            if (i >= text.Length)
                break;
            word.Clear();
            var truncated = false;
            char quote = '\0';
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\\')
                {
                    i++;
                    if (i >= text.Length)
                        return Fail(WordSplitError.MissingEscapeCharacter, $"missing escape character at end: '{text}'");
                    var decoded = DecodeEscape(text, ref i);
                    truncated |= decoded == '\0';
                    if (!truncated)
                        word.Append(decoded);
                    continue;
                }
                if (quote != '\0')
                {
                    if (c == quote)
                        quote = '\0';
                    else if (!truncated)
                        word.Append(c);
                    i++;
                    continue;
                }
                if (c is '"' or '\'')
                {
                    quote = c;
                    i++;
                    continue;
                }
                if (WhiteSpace.Contains(c))
                    break;
                if (!truncated)
                    word.Append(c);
                i++;
            }
            if (quote != '\0')
                return Fail(WordSplitError.UnmatchedQuote, $"string '{text}': missing terminating {quote}");
            words.Add(word.ToString());
        }
        return words.Count == 0
            ? Fail(WordSplitError.Empty, "no words")
            : new WordSplit(words.ToImmutable(), WordSplitError.None, null);
    }

    private static WordSplit Fail(WordSplitError error, string message) => new([], error, message);

    private static char DecodeEscape(string s, ref int i)
    {
        var c = s[i];
        if (c == 'x' && i + 1 < s.Length && char.IsAsciiHexDigit(s[i + 1]))
        {
            byte value = 0;
            i++;
            while (i < s.Length && char.IsAsciiHexDigit(s[i]))
            {
                value = (byte)((value << 4) | (char.IsAsciiDigit(s[i]) ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10));
                i++;
            }
            return (char)value;
        }
        if (c == 'c' && i + 1 < s.Length)
        {
            var control = (char)(s[i + 1] & 0x1f);
            i += 2;
            return control;
        }
        if (c is >= '0' and <= '7')
        {
            var value = c - '0';
            i++;
            for (var n = 0; n < 2 && i < s.Length && s[i] is >= '0' and <= '7'; n++, i++)
                value = (value << 3) + (s[i] - '0');
            return (char)(byte)value;
        }
        i++;
        return c switch
        {
            'a' => '\a',
            'b' => '\b',
            'E' => '\x1b',
            'f' => '\f',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\v',
            _ => c,
        };
    }
}

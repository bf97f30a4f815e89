using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Reads the words after a keyword the way keepalived's parser helpers do (read_unsigned_strvec, read_timer,
/// check_true_false, inet_stosockaddr...), and reports every problem with the keyword's position. Every method
/// returns false (and reports) instead of throwing.
/// </summary>
public sealed class ValueReader
{
    private readonly List<Diagnostic> _diagnostics;

    public ValueReader(List<Diagnostic> diagnostics) => _diagnostics = diagnostics;

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>The word at <paramref name="index"/> (0 = first word after the keyword), or null with a
    /// "missing value" diagnostic naming <paramref name="what"/>.</summary>
    public Token? Arg(SyntaxNode node, int index, string what)
    {
        if (index < node.Arguments.Length)
            return node.Arguments[index];
        _diagnostics.Add(BinderCodes.MissingParameter.At(node.KeywordToken.Span, node.Name, what));
        return null;
    }

    /// <summary>Like <see cref="Arg"/>, for keywords whose keepalived handler checks the word count itself and
    /// only ignores the line (instead of stopping) when the value is missing.</summary>
    public Token? OptionalArg(SyntaxNode node, int index, string what)
    {
        if (index < node.Arguments.Length)
            return node.Arguments[index];
        _diagnostics.Add(BinderCodes.MissingParameterIgnored.At(node.KeywordToken.Span, node.Name, what));
        return null;
    }

    /// <summary>Warns when more words follow than the keyword takes (keepalived ignores them silently).</summary>
    public void NoMoreThan(SyntaxNode node, int count, string takes)
    {
        if (node.Arguments.Length > count)
            _diagnostics.Add(BinderCodes.ExtraArguments.At(node.Arguments[count].Span, node.Name, takes, node.Arguments[count].Text));
    }

    public bool TryString(SyntaxNode node, string what, out string value, int index = 0)
    {
        value = string.Empty;
        if (Arg(node, index, what) is not { } token)
            return false;
        value = token.Text;
        return true;
    }

    /// <summary>An unsigned decimal in [min, max] (strtoul base 10 as keepalived; leading blanks allowed).</summary>
    public bool TryUInt(SyntaxNode node, int index, long min, long max, out long value, string fallback = "")
    {
        value = 0;
        if (index >= node.Arguments.Length)
        {
            // The description is formatted only when the value is missing.
            Arg(node, index, $"a number {min}..{max}");
            return false;
        }
        var token = node.Arguments[index];
        return TryUInt(node.Name, token, min, max, out value, fallback);
    }

    public bool TryUInt(string keyword, Token token, long min, long max, out long value, string fallback = "")
    {
        value = 0;
        var text = token.Text.Trim();
        if (text.StartsWith('-'))
        {
            _diagnostics.Add(BinderCodes.InvalidNumber.At(token.Span, keyword, token.Text, Suffix(" (negative)", fallback)));
            return false;
        }
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            bool digits = text.Length > 0 && !text.AsSpan().ContainsAnyExceptInRange('0', '9');
            _diagnostics.Add(digits
                ? BinderCodes.OutOfRange.At(token.Span, keyword, token.Text, $"{min}..{max}", Fallback(fallback))
                : BinderCodes.InvalidNumber.At(token.Span, keyword, token.Text, Fallback(fallback)));
            return false;
        }
        if (parsed < (ulong)Math.Max(0, min) || parsed > (ulong)max)
        {
            _diagnostics.Add(BinderCodes.OutOfRange.At(token.Span, keyword, token.Text, $"{min}..{max}", Fallback(fallback)));
            return false;
        }
        value = (long)parsed;
        return true;
    }

    /// <summary>A signed decimal in [min, max] (strtol as keepalived).</summary>
    public bool TryInt(SyntaxNode node, int index, long min, long max, out long value, string fallback = "")
    {
        value = 0;
        if (index >= node.Arguments.Length)
        {
            // The description is formatted only when the value is missing.
            Arg(node, index, $"a number {min}..{max}");
            return false;
        }
        var token = node.Arguments[index];
        return TryInt(node.Name, token, min, max, out value, fallback);
    }

    public bool TryInt(string keyword, Token token, long min, long max, out long value, string fallback = "")
    {
        value = 0;
        var text = token.Text.Trim();
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            var body = text.TrimStart('-', '+');
            bool digits = body.Length > 0 && !body.AsSpan().ContainsAnyExceptInRange('0', '9');
            _diagnostics.Add(digits
                ? BinderCodes.OutOfRange.At(token.Span, keyword, token.Text, $"{min}..{max}", Fallback(fallback))
                : BinderCodes.InvalidNumber.At(token.Span, keyword, token.Text, Fallback(fallback)));
            return false;
        }
        if (parsed < min || parsed > max)
        {
            _diagnostics.Add(BinderCodes.OutOfRange.At(token.Span, keyword, token.Text, $"{min}..{max}", Fallback(fallback)));
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>
    /// A time in seconds with up to 6 decimals (keepalived's read_timer: TIMER_HZ_DIGITS = 6, microseconds).
    /// More decimals are rounded with a warning, as keepalived does. Bounds are in microseconds.
    /// </summary>
    public bool TryTimer(SyntaxNode node, int index, long minMicros, long maxMicros, out TimeSpan value, string fallback = "")
    {
        value = TimeSpan.Zero;
        if (Arg(node, index, "a time in seconds") is not { } token)
            return false;
        return TryTimer(node.Name, token, minMicros, maxMicros, out value, fallback);
    }

    public bool TryTimer(string keyword, Token token, long minMicros, long maxMicros, out TimeSpan value, string fallback = "")
    {
        value = TimeSpan.Zero;
        if (!TryParseMicros(token.Text, out var micros, out var rounded))
        {
            _diagnostics.Add(BinderCodes.InvalidNumber.At(token.Span, keyword, token.Text, Fallback(fallback)));
            return false;
        }
        if (rounded)
            _diagnostics.Add(BinderCodes.ValueReplaced.At(token.Span, keyword, $"'{token.Text}' has more than 6 decimal places", FormatSeconds(micros)));
        if (micros < minMicros || micros > maxMicros)
        {
            _diagnostics.Add(BinderCodes.OutOfRange.At(token.Span, keyword, token.Text, $"{FormatSeconds(minMicros)}..{FormatSeconds(maxMicros)} s", Fallback(fallback)));
            return false;
        }
        value = TimeSpan.FromTicks(micros * 10);
        return true;
    }

    /// <summary>Parses "S[.ffffff]" into microseconds; more than 6 decimals round half up (keepalived).</summary>
    public static bool TryParseMicros(string text, out long micros, out bool rounded)
    {
        micros = 0;
        rounded = false;
        if (text.Length == 0 || text.Length > 40)
            return false;
        long whole = 0;
        int i = 0;
        int wholeDigits = 0;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++, wholeDigits++)
        {
            whole = whole * 10 + (text[i] - '0');
            if (whole > 1_000_000_000_000L)
                return false;
        }
        long frac = 0;
        int fracDigits = 0;
        bool roundUp = false;
        if (i < text.Length)
        {
            if (text[i] != '.')
                return false;
            i++;
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (!char.IsAsciiDigit(c))
                    return false;
                if (fracDigits < 6)
                    frac = frac * 10 + (c - '0');
                else if (fracDigits == 6)
                {
                    rounded = true;
                    roundUp = c >= '5';
                }
                fracDigits++;
            }
        }
        if (wholeDigits == 0 && fracDigits == 0)
            return false;
        for (int k = Math.Min(fracDigits, 6); k < 6; k++)
            frac *= 10;
        micros = whole * 1_000_000 + frac + (roundUp ? 1 : 0);
        return true;
    }

    public static string FormatSeconds(long micros) =>
        (micros / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);

    public static string FormatSeconds(TimeSpan t) => FormatSeconds(t.Ticks / 10);

    /// <summary>keepalived's check_true_false: true/on/yes or false/off/no; a bare keyword means true.</summary>
    public bool TryOptionalBool(SyntaxNode node, out bool value, int index = 0)
    {
        value = true;
        if (index >= node.Arguments.Length)
            return true;
        var token = node.Arguments[index];
        switch (token.Text)
        {
            case "true" or "on" or "yes":
                value = true;
                return true;
            case "false" or "off" or "no":
                value = false;
                return true;
            default:
                _diagnostics.Add(BinderCodes.InvalidBool.At(token.Span, node.Name, token.Text, "the line is ignored"));
                return false;
        }
    }

    /// <summary>A required true/on/yes or false/off/no.</summary>
    public bool TryBool(SyntaxNode node, out bool value)
    {
        value = false;
        if (Arg(node, 0, "true/on/yes or false/off/no") is null)
            return false;
        return TryOptionalBool(node, out value);
    }

    /// <summary>An IPv4 or IPv6 address (no prefix).</summary>
    public bool TryAddress(string keyword, Token token, out IPAddress address, string fallback = "")
    {
        if (TryParseAddress(token.Text, out address))
            return true;
        _diagnostics.Add(BinderCodes.InvalidAddress.At(token.Span, keyword, token.Text, "IP address", Fallback(fallback)));
        return false;
    }

    public bool TryAddress(SyntaxNode node, int index, out IPAddress address, string fallback = "")
    {
        address = IPAddress.None;
        if (Arg(node, index, "an IP address") is not { } token)
            return false;
        return TryAddress(node.Name, token, out address, fallback);
    }

    /// <summary>Strict dotted-quad IPv4 or RFC 4291 IPv6 text (inet_pton rules: no "10.1", no hex octets).</summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Length == 0 || text.Length > 64)
            return false;
        if (text.Contains(':'))
        {
            var core = text.AsSpan();
            int pct = core.IndexOf('%');
            if (pct >= 0)
                core = core[..pct];
            foreach (var c in core)
                if (!char.IsAsciiHexDigit(c) && c != ':' && c != '.')
                    return false;
            return IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }
        uint value = 0;
        int part = 0, digits = 0, octet = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || ++part > 3)
                    return false;
                value = (value << 8) | (uint)octet;
                digits = 0;
                octet = 0;
                continue;
            }
            if (!char.IsAsciiDigit(c) || ++digits > 3)
                return false;
            octet = octet * 10 + (c - '0');
            if (octet > 255)
                return false;
        }
        if (part != 3 || digits == 0)
            return false;
        value = (value << 8) | (uint)octet;
        address = new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
        return true;
    }

    /// <summary>ADDR or ADDR/LEN; the prefix defaults to the full length (32/128).</summary>
    public static bool TryParsePrefix(string text, out IPAddress address, out int prefix, out bool prefixValid)
    {
        prefix = 0;
        prefixValid = true;
        int slash = text.IndexOf('/');
        var addrText = slash < 0 ? text : text[..slash];
        if (!TryParseAddress(addrText, out address))
            return false;
        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        prefix = max;
        if (slash >= 0)
        {
            var p = text[(slash + 1)..];
            if (p.Length == 0 || p.Length > 3 || p.AsSpan().ContainsAnyExceptInRange('0', '9') || int.Parse(p, CultureInfo.InvariantCulture) > max)
                prefixValid = false;
            else
                prefix = int.Parse(p, CultureInfo.InvariantCulture);
        }
        return true;
    }

    /// <summary>A port 0..65535 (keepalived reads ports with strtoul and htons).</summary>
    public bool TryPort(string keyword, Token token, out int port, string fallback = "")
    {
        port = 0;
        if (!TryUInt(keyword, token, 0, 65535, out var p, fallback))
            return false;
        port = (int)p;
        return true;
    }

    /// <summary>
    /// A script line (notify*, quorum_*, startup/shutdown and FIFO scripts) as keepalived's notify_script_init reads
    /// it: the line is split again with quotes and escapes (<see cref="QuotedEscapedWords"/>, keepalived's
    /// <c>alloc_strvec_quoted_escaped</c>), word 1 is the command string (<see cref="NotifyScript.Command"/>, which is
    /// split once more into argv when the script runs), words 2 and 3 the user and group, further words are ignored.
    /// So <c>notify_fault "/x "a b""</c> and <c>notify_fault '/x "a b"'</c> both run <c>/x</c> with one argument
    /// <c>a b</c>, and unquoted <c>notify_master /x arg</c> makes <c>arg</c> the user. A line or command keepalived
    /// cannot split (an unmatched quote, a trailing backslash, an empty command) is reported and gives null, as
    /// keepalived drops the script.
    /// </summary>
    public NotifyScript? Script(SyntaxNode node) => Script(node, takesUser: true);

    /// <summary>A <c>vrrp_script { script }</c> or <c>misc_path</c> line (set_script_params_array): like
    /// <see cref="Script(SyntaxNode)"/>, but only word 1 counts; the user comes from the block's <c>user</c> keyword.</summary>
    public NotifyScript? ScriptWithoutUser(SyntaxNode node, bool optional) =>
        (optional ? OptionalArg(node, 0, "a script (quoted with its arguments)") : Arg(node, 0, "a script or command")) is null
            ? null
            : Script(node, takesUser: false, checkedArgument: true);

    private NotifyScript? Script(SyntaxNode node, bool takesUser, bool checkedArgument = false)
    {
        if (!checkedArgument && Arg(node, 0, "a script or command") is null)
            return null;
        var line = node.Line ?? throw new InvalidOperationException(
            $"grammar: {node.Keyword} is bound as a script but its notes lack '{Grammar.KeywordDef.ReparseMarker}'");
        var words = QuotedEscapedWords.Split(line);
        if (!words.Ok || words.Words.Length < 2)
        {
            ReportUnreadableScript(node, words.Error, words.Message ?? "no command");
            return null;
        }
        var command = words.Words[1];
        var argv = QuotedEscapedWords.Split(command);
        if (!argv.Ok)
        {
            ReportUnreadableScript(node, argv.Error, argv.Error == WordSplitError.Empty ? $"the command '{command}' has no words" : argv.Message!);
            return null;
        }
        int takes = takesUser ? 4 : 2;
        if (words.Words.Length > takes)
            _diagnostics.Add(BinderCodes.ExtraArguments.At(node.KeywordToken.Span, node.Name,
                takesUser ? "a command, and optionally a user and a group" : "one word (quote the command and its arguments together)",
                words.Words[takes]));
        return takesUser
            ? new NotifyScript(command, words.Words.Length > 2 ? words.Words[2] : null, words.Words.Length > 3 ? words.Words[3] : null, new Origin(node.Span))
            : new NotifyScript(command, null, null, new Origin(node.Span));
    }

    private void ReportUnreadableScript(SyntaxNode node, WordSplitError error, string problem) =>
        _diagnostics.Add((error == WordSplitError.UnmatchedQuote ? BinderCodes.ScriptUnmatchedQuote : BinderCodes.ScriptUnreadable)
            .At(node.KeywordToken.Span, node.Name, problem));

    private static string Fallback(string fallback) => fallback.Length == 0 ? "; the line is ignored" : "; " + fallback;

    private static string Suffix(string what, string fallback) => what + Fallback(fallback);
}

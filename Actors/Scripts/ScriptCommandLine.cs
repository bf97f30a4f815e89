using System.Text;

namespace KeepAlive.Actors.Scripts;

/// <summary>A script as keepalived stores it: the argument vector (argv[0] is the program) and an optional
/// <c>USER [GROUP]</c> given after the command on a notify line.</summary>
public sealed record ScriptSpec(IReadOnlyList<string> Argv, string? User, string? Group)
{
    /// <summary>keepalived's <c>cmd_str_r</c> rendering (lib/notify.c) for logs: every word in single quotes, except a
    /// first word starting with <c>&lt;</c> or <c>&gt;</c> (bash redirection-only test).</summary>
    public string Display => ScriptCommandLine.Render(Argv);
}

/// <summary>The outcome of splitting a script string.</summary>
public sealed record ScriptWords(IReadOnlyList<string> Words, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// keepalived 2.2.7's word splitting for scripts, <c>alloc_strvec_quoted_escaped</c> (lib/parser.c), and the two-level
/// rule of <c>notify_script_init</c>/<c>set_script_params_array</c> (lib/notify.c): the keyword line is split once
/// (so <c>notify "/bin/x a 'b c'" user group</c> gives the command string, the user and the group), then the command
/// string is split again into argv. Quotes <c>"…"</c> and <c>'…'</c> group (the other quote is literal inside);
/// backslash escapes work inside and outside quotes: <c>\a \b \E \f \n \r \t \v</c>, <c>\xHH…</c> (every hex digit
/// shifted into one byte, as keepalived does), <c>\cX</c> (control character), <c>\NNN</c> (up to three octal digits),
/// any other character stands for itself. A NUL produced by an escape ends the word (keepalived copies with strndup).
/// An unterminated quote or a trailing backslash is an error (keepalived drops the script). Pure.
/// </summary>
public static class ScriptCommandLine
{
    private const string WhiteSpace = " \t\f\n\r\v";

    /// <summary>Longest input accepted; keepalived's line buffer (MAXBUF) is far smaller.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Splits <paramref name="text"/> into words as <c>alloc_strvec_quoted_escaped</c> does. An empty or
    /// all-blank string gives an error (keepalived returns NULL).</summary>
    public static ScriptWords Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
            return new([], $"script string longer than {MaxLength} characters");
        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
            text = text[..nul]; // a C string ends at its first NUL
        var words = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && WhiteSpace.Contains(text[i]))
                i++;
            if (i >= text.Length)
                break;
            var word = new StringBuilder();
            var truncated = false;
            char quote = '\0';
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\\')
                {
                    i++;
                    if (i >= text.Length)
                        return new([], $"missing escape character at end: '{text}'");
                    var decoded = DecodeEscape(text, ref i);
                    if (decoded == '\0')
                        truncated = true;
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
                return new([], $"string '{text}': missing terminating {quote}");
            words.Add(word.ToString());
        }
        return words.Count == 0 ? new([], "empty script") : new(words, null);
    }

    private static char DecodeEscape(string s, ref int i)
    {
        var c = s[i];
        if (c == 'x' && i + 1 < s.Length && Uri.IsHexDigit(s[i + 1]))
        {
            byte value = 0;
            i++;
            while (i < s.Length && Uri.IsHexDigit(s[i]))
            {
                value = (byte)((value << 4) | Convert.ToByte(s[i].ToString(), 16));
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

    /// <summary>A notify keyword line (<c>notify_master "CMD ARGS" [USER [GROUP]]</c>, the keyword included):
    /// word 1 is the command string, words 2 and 3 the user and group; further words are ignored as keepalived
    /// does. Without quotes only the first word is the command: <c>notify_master /x arg</c> makes <c>arg</c> the user.</summary>
    public static ScriptSpec? ParseNotifyLine(string line, out string? error)
    {
        var outer = Split(line);
        if (!outer.Ok || outer.Words.Count < 2)
        {
            error = outer.Error ?? "no script given";
            return null;
        }
        var argv = Split(outer.Words[1]);
        if (!argv.Ok)
        {
            error = argv.Error;
            return null;
        }
        error = null;
        return new ScriptSpec(argv.Words, outer.Words.Count > 2 ? outer.Words[2] : null, outer.Words.Count > 3 ? outer.Words[3] : null);
    }

    /// <summary>A <c>vrrp_script { script "CMD ARGS" }</c> line (keyword included): the command is word 1 only
    /// (the user comes from the block's <c>user</c> keyword; further words are ignored, vrrp_vscript_script_handler).</summary>
    public static ScriptSpec? ParseVrrpScriptLine(string line, out string? error)
    {
        var spec = ParseNotifyLine(line, out error);
        return spec is null ? null : spec with { User = null, Group = null };
    }

    /// <summary>keepalived's <c>cmd_str_r</c>: words joined by spaces, each in single quotes, except a first word
    /// beginning with <c>&lt;</c> or <c>&gt;</c>. (keepalived does not escape quotes inside words; neither does this.)</summary>
    public static string Render(IReadOnlyList<string> argv)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < argv.Count; i++)
        {
            if (i > 0)
                sb.Append(' ');
            var bare = i == 0 && argv[i].Length > 0 && argv[i][0] is '<' or '>';
            if (!bare)
                sb.Append('\'');
            sb.Append(argv[i]);
            if (!bare)
                sb.Append('\'');
        }
        return sb.ToString();
    }

    /// <summary>keepalived's file-test form (<c>script "&lt;/dev/tcp/127.0.0.1/80"</c>, check_script_secure): a first word
    /// starting <c>&lt;</c>, optional blanks, then <c>/</c>. keepalived runs it through <c>system()</c> (the shell),
    /// never execs it.</summary>
    public static bool IsShellRedirectionTest(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0 || argv[0].Length < 2 || argv[0][0] != '<')
            return false;
        var rest = argv[0].AsSpan(1).TrimStart(" \t");
        return rest.Length > 0 && rest[0] == '/';
    }
}

using System.Text;
using KeepAlive.Config.Syntax;

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
/// keepalived 2.2.7's word splitting for scripts and the two-level rule of <c>notify_script_init</c> /
/// <c>set_script_params_array</c> (lib/notify.c): the keyword line is split once with <c>alloc_strvec_quoted_escaped</c>
/// (so <c>notify "/bin/x a 'b c'" user group</c> gives the command string, the user and the group), then the command
/// string is split again into argv. The splitting itself is <see cref="QuotedEscapedWords"/> (Config), which the
/// config binder also uses for the first level: <see cref="KeepAlive.Config.Model.NotifyScript.Command"/> is that
/// first-level word 1, and <see cref="Split"/> of it is keepalived's argv. An unterminated quote or a trailing
/// backslash is an error (keepalived drops the script). Pure.
/// </summary>
public static class ScriptCommandLine
{
    /// <summary>Longest input accepted; keepalived's line buffer (MAXBUF) is far smaller.</summary>
    public const int MaxLength = QuotedEscapedWords.MaxLength;

    /// <summary>Splits <paramref name="text"/> into words as <c>alloc_strvec_quoted_escaped</c> does. An empty or
    /// all-blank string gives an error (keepalived returns NULL).</summary>
    public static ScriptWords Split(string text)
    {
        var split = QuotedEscapedWords.Split(text);
        return split.Error switch
        {
            WordSplitError.None => new(split.Words, null),
            WordSplitError.Empty => new([], "empty script"),
            _ => new([], split.Message),
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

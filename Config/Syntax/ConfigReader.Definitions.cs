using System.Globalization;
using System.Text;

namespace KeepAlive.Config.Syntax;

/// <summary>$NAME=value definitions (one line or several with a trailing backslash) and $NAME / ${NAME} substitution,
/// with keepalived's built-ins $_PWD, $_INSTANCE, ${_RANDOM lo hi}, $_HASH and $_BANG (parser.c).</summary>
public sealed partial class ConfigReader
{
    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary><c>$NAME=value</c> (no blank inside the name; blanks allowed before '='). A trailing backslash makes
    /// the definition continue on the following lines.</summary>
    private bool TryDefine(string text)
    {
        if (text.Length < 2 || !IsNameStart(text[1]))
            return false;
        int p = 2;
        while (p < text.Length && IsNameChar(text[p]))
            p++;
        var name = text[1..p];
        while (p < text.Length && (text[p] == ' ' || text[p] == '\t'))
            p++;
        if (p >= text.Length || text[p] != '=')
            return false;
        p++;
        while (p < text.Length && (text[p] == ' ' || text[p] == '\t'))
            p++;
        var value = text[p..];
        if (value.EndsWith('\\'))
        {
            value = value[..^1].TrimEnd(' ', '\t');
            var def = new Definition(name, value, true);
            _definitions[name] = def;
            _multilineDefinition = def;
        }
        else
        {
            _definitions[name] = new Definition(name, value, false);
        }
        return true;
    }

    private void AppendMultiline(string text, bool continued)
    {
        var def = _multilineDefinition!;
        if (continued)
            text = text[..^1].TrimEnd(' ', '\t');
        string value = def.Value.Length == 0 ? text : (text.Length == 0 ? def.Value : def.Value + "\n" + text);
        _definitions[def.Name] = def with { Value = value };
        _multilineDefinition = continued ? _definitions[def.Name] : null;
        if (!continued && !value.Contains('\n'))
            _definitions[def.Name] = def with { Value = value, Multiline = false };
    }

    private void EndMultiline()
    {
        if (_multilineDefinition is { } def && !_definitions[def.Name].Value.Contains('\n'))
            _definitions[def.Name] = _definitions[def.Name] with { Multiline = false };
        _multilineDefinition = null;
    }

    private void Define(string name, string value) => _definitions[name] = new Definition(name, value, false);

    /// <summary>Replaces <c>$NAME</c>, <c>${NAME}</c> and <c>${_RANDOM lo hi}</c>. Undefined names stay as written.
    /// A multi-line definition replaces its reference with its first line and queues the others.</summary>
    private bool Substitute(ref string text, SourceSpan span)
    {
        bool found = false;
        var sb = new StringBuilder(text.Length + 16);
        List<string>? extraLines = null;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            bool braces = text[i + 1] == '{';
            int nameStart = i + (braces ? 2 : 1);
            if (nameStart >= text.Length || !IsNameStart(text[nameStart]))
            {
                sb.Append(c);
                i++;
                continue;
            }
            int p = nameStart + 1;
            while (p < text.Length && IsNameChar(text[p]))
                p++;
            var name = text[nameStart..p];
            string? parameters = null;
            int end;
            if (braces)
            {
                int close = p;
                while (close < text.Length && (text[close] == ' ' || char.IsAsciiDigit(text[close])))
                    close++;
                if (close >= text.Length || text[close] != '}')
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
                parameters = text[p..close].Trim();
                if (parameters.Length > 0 && (text[close - 1] == ' ' || name != "_RANDOM"))
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
                end = close + 1;
            }
            else
            {
                if (p < text.Length && text[p] is not (' ' or '\t' or ',' or ')'))
                {
                    sb.Append(c);
                    i++;
                    continue;
                }
                end = p;
            }
            var value = Lookup(name, parameters, span);
            if (value is null)
            {
                sb.Append(c);
                i++;
                continue;
            }
            found = true;
            int nl = value.IndexOf('\n');
            if (nl >= 0)
            {
                sb.Append(value, 0, nl);
                extraLines ??= new List<string>();
                extraLines.AddRange(value[(nl + 1)..].Split('\n'));
            }
            else
            {
                sb.Append(value);
            }
            i = end;
            if (value.AsSpan().TrimStart(" \t").StartsWith("~"))
            {
                sb.Append(text, i, text.Length - i);
                break;
            }
        }
        if (!found)
            return false;
        text = sb.ToString();
        if (extraLines is not null)
        {
            // The first line is processed now; the others follow it, in order.
            for (int k = extraLines.Count - 1; k >= 0; k--)
                _pending.Push(new PendingLine(extraLines[k], span.File, span.Line, 1, true));
        }
        return true;
    }

    private string? Lookup(string name, string? parameters, SourceSpan span)
    {
        switch (name)
        {
            case "_PWD" when !_definitions.ContainsKey("_PWD!"):
                return _fileStack.Count > 0 ? _fileStack.Peek().Directory : System.IO.Path.GetDirectoryName(span.File) ?? "/";
            case "_INSTANCE" when !_definitions.ContainsKey("_INSTANCE!"):
                return _options.ConfigId ?? string.Empty;
            case "_RANDOM" when !_definitions.ContainsKey("_RANDOM!"):
            {
                long lo = 0, hi = 32767;
                var parts = (parameters ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 1 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a))
                    hi = a;
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b))
                {
                    lo = hi;
                    hi = b;
                }
                if (hi < lo)
                    (lo, hi) = (hi, lo);
                return (lo + (long)(_random.NextDouble() * (hi - lo + 1))).ToString(CultureInfo.InvariantCulture);
            }
        }
        return _definitions.TryGetValue(name, out var def) ? def.Value : null;
    }
}

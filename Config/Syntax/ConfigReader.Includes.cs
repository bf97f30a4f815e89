using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Syntax;

/// <summary>include lines: globs resolved against the including file's directory, cycles and depth refused, unreadable files skipped.</summary>
public sealed partial class ConfigReader
{
    // ---------------------------------------------------------------- include

    private static bool IsInclude(string text)
    {
        if (!text.StartsWith("include", StringComparison.Ordinal) || text.Length < 8)
            return false;
        if (text[7] == ' ' || text[7] == '\t')
            return true;
        return text.Length > 8 && "rmwba".Contains(text[7]) && (text[8] == ' ' || text[8] == '\t');
    }

    private bool TryInclude(string text, SourceSpan span)
    {
        if (!IsInclude(text) && text != "include")
            return false;
        var arg = text == "include" ? string.Empty : text[(text[7] is ' ' or '\t' ? 8 : 9)..].Trim();
        if (arg.Length >= 2 && arg[0] == '"' && arg[^1] == '"')
            arg = arg[1..^1];
        if (arg.Length == 0)
        {
            _diagnostics.Add(DiagnosticCodes.IncludeMissingFile.At(span with { Length = 7 }));
            return true;
        }
        var currentDir = _fileStack.Count > 0 ? _fileStack.Peek().Directory : "/";
        var pattern = arg.StartsWith('/') ? arg : currentDir.TrimEnd('/') + "/" + arg;
        var argSpan = span with { Length = text.Length };
        var matches = _source.Glob(pattern);
        if (matches.Count == 0)
        {
            _diagnostics.Add(_options.RequireAllFiles
                ? DiagnosticCodes.IncludeMissingRequired.At(argSpan, arg)
                : DiagnosticCodes.IncludeNoMatch.At(argSpan, arg));
            return true;
        }
        if (_fileStack.Count >= _options.MaxIncludeDepth)
        {
            _diagnostics.Add(DiagnosticCodes.IncludeTooDeep.At(argSpan, _options.MaxIncludeDepth, arg));
            return true;
        }
        // Files are read in glob order: push in reverse so the first match is read first.
        var toPush = new List<(string Path, string Text)>();
        foreach (var path in matches)
        {
            if (_fileStack.Any(f => f.Started && f.Path == path))
            {
                _diagnostics.Add(DiagnosticCodes.IncludeCycle.At(argSpan, path, span.File));
                continue;
            }
            var error = _source.TryRead(path, out var content);
            if (error != ConfigFileError.None)
            {
                _diagnostics.Add(DiagnosticCodes.IncludeUnreadable.At(argSpan, path, Describe(error)));
                continue;
            }
            toPush.Add((path, content));
        }
        if (toPush.Count == 0)
            return true;
        // A glob's files are read one after the other: push them in reverse so the first match is read first.
        for (int i = toPush.Count - 1; i >= 0; i--)
            PushFile(toPush[i].Path, toPush[i].Text);
        return true;
    }

    private static string Describe(ConfigFileError error) => error switch
    {
        ConfigFileError.NotFound => "no such file",
        ConfigFileError.IsDirectory => "is a directory",
        ConfigFileError.NotRegularFile => "is not a regular non-executable file",
        ConfigFileError.Unreadable => "cannot be read (permission or I/O error)",
        _ => "cannot be read",
    };
}

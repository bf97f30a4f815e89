using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Syntax;

/// <summary>The logical lines of a configuration tree plus what went wrong reading it.</summary>
public sealed record ReadResult(ImmutableArray<LogicalLine> Lines, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Files);

/// <summary>
/// Reads keepalived.conf text into logical lines exactly as keepalived 2.2.7's read_line does (lib/parser.c), but
/// with whole lines of any length: comments (<c>#</c>, <c>!</c>) outside double quotes, <c>include</c> with globs
/// resolved against the including file's directory, <c>@ID</c>/<c>@^ID</c> conditional lines, <c>$NAME=value</c>
/// definitions (multi-line with a trailing backslash) and <c>$NAME</c>/<c>${NAME}</c> substitution, <c>~SEQ</c> and
/// <c>~LST</c> repetition, and every unquoted brace split onto a line of its own. Never throws on input.
/// </summary>
public sealed class ConfigReader
{
    private const int MaxSubstitutionRounds = 64;

    /// <summary>keepalived 2.2.7 reads lines with fgets into MAXBUF (1024) bytes: 1023 bytes and the terminator.</summary>
    private const int KeepalivedLineBytes = 1023;
    private const int MaxSeqLength = 1_000_000;

    private readonly IConfigSource _source;
    private readonly ReaderOptions _options;
    private readonly List<Diagnostic> _diagnostics = new();
    private readonly List<LogicalLine> _lines = new();
    private readonly List<string> _files = new();
    private readonly Stack<FileFrame> _fileStack = new();
    private readonly Stack<PendingLine> _pending = new();
    private readonly Stack<Generator> _generators = new();
    private readonly Dictionary<string, Definition> _definitions = new(StringComparer.Ordinal);
    private readonly Random _random;
    private Definition? _multilineDefinition;
    private bool _stopped;

    private ConfigReader(IConfigSource source, ReaderOptions options)
    {
        _source = source;
        _options = options;
        _random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        _definitions["_HASH"] = new Definition("_HASH", "#", false);
        _definitions["_BANG"] = new Definition("_BANG", "!", false);
    }

    /// <summary>Reads the tree rooted at <paramref name="rootPattern"/> (an absolute path or glob).</summary>
    public static ReadResult Read(string rootPattern, IConfigSource source, ReaderOptions? options = null)
    {
        var reader = Open(rootPattern, source, options);
        var lines = reader.Lines.ToImmutableArray();
        return new ReadResult(lines, reader.Diagnostics, reader.Files);
    }

    /// <summary>A reader whose <see cref="Lines"/> are produced on demand, so a large configuration never holds all
    /// its lines at once; <see cref="Diagnostics"/> and <see cref="Files"/> are complete once the lines are read.</summary>
    public static ConfigReader Open(string rootPattern, IConfigSource source, ReaderOptions? options = null)
    {
        var reader = new ConfigReader(source, options ?? ReaderOptions.Default);
        reader._rootPattern = rootPattern;
        return reader;
    }

    private string _rootPattern = string.Empty;
    private int _emitted;

    /// <summary>The logical lines, read as they are enumerated (once).</summary>
    public IEnumerable<LogicalLine> Lines
    {
        get
        {
            if (!Start(_rootPattern))
                yield break;
            while (!_stopped && TryNextRoot())
            {
                while (!_stopped && NextRaw(out var raw))
                {
                    ProcessLine(raw);
                    if (_lines.Count > 0)
                    {
                        foreach (var line in _lines)
                            yield return line;
                        _lines.Clear();
                    }
                }
                _multilineDefinition = null;
            }
        }
    }

    public ImmutableArray<Diagnostic> Diagnostics => _diagnostics.ToImmutableArray();

    public ImmutableArray<string> Files => _files.ToImmutableArray();

    private bool Start(string rootPattern)
    {
        var matches = _source.Glob(rootPattern);
        if (matches.Count == 0)
        {
            var error = _source.TryRead(rootPattern, out _);
            _diagnostics.Add(DiagnosticCodes.ConfigFileMissing.At(SourceSpan.ForFile(rootPattern), rootPattern, Describe(error == ConfigFileError.None ? ConfigFileError.NotFound : error)));
            return false;
        }
        if (matches.Count > 1)
            _diagnostics.Add(DiagnosticCodes.MultipleConfigFiles.At(SourceSpan.ForFile(rootPattern), rootPattern, matches.Count, matches[0]));

        // Root files are read in order, as one stream (keepalived treats a root glob like an include).
        for (int i = matches.Count - 1; i >= 0; i--)
            _pendingRoots.Push(matches[i]);
        return true;
    }

    private readonly Stack<string> _pendingRoots = new();

    private bool TryNextRoot()
    {
        while (_pendingRoots.Count > 0)
        {
            var path = _pendingRoots.Pop();
            var error = _source.TryRead(path, out var text);
            if (error != ConfigFileError.None)
            {
                _diagnostics.Add(DiagnosticCodes.ConfigFileMissing.At(SourceSpan.ForFile(path), path, Describe(error)));
                continue;
            }
            PushFile(path, text);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- raw line sources

    private sealed class FileFrame
    {
        public FileFrame(string path, string text)
        {
            Path = path;
            Text = text;
            Directory = System.IO.Path.GetDirectoryName(path) ?? "/";
        }

        public string Path { get; }
        public string Text { get; }
        public string Directory { get; }
        public int Position { get; set; }
        public int LineNumber { get; set; }

        /// <summary>True once a line has been read from it (frames of a glob wait their turn on the stack).</summary>
        public bool Started { get; set; }
    }

    /// <summary>A line waiting to be processed: its text, where it came from, the column of its first character,
    /// and whether the comment/definition stage already ran over it.</summary>
    private readonly record struct PendingLine(string Text, int Start, int End, string File, int Line, int Column, bool Preprocessed)
    {
        public PendingLine(string text, string file, int line, int column, bool preprocessed)
            : this(text, 0, text.Length, file, line, column, preprocessed)
        {
        }
    }

    private abstract class Generator
    {
        protected Generator(string text, string file, int line)
        {
            Text = text;
            File = file;
            Line = line;
        }

        public string Text { get; }
        public string File { get; }
        public int Line { get; }

        /// <summary>Defines the next values and returns true, or returns false when exhausted.</summary>
        public abstract bool Advance(ConfigReader reader);
    }

    private sealed class SeqGenerator(string var, long start, long step, long end, bool hex, string text, string file, int line)
        : Generator(text, file, line)
    {
        private long _next = start;
        private bool _done;

        public override bool Advance(ConfigReader reader)
        {
            if (_done)
                return false;
            var value = hex ? _next.ToString("x", CultureInfo.InvariantCulture) : _next.ToString(CultureInfo.InvariantCulture);
            reader.Define(var, value);
            _next += step;
            if ((step > 0 && _next > end) || (step < 0 && _next < end))
                _done = true;
            return true;
        }
    }

    private sealed class ListGenerator(ImmutableArray<string> names, ImmutableArray<ImmutableArray<string>> sets, string text, string file, int line)
        : Generator(text, file, line)
    {
        private int _index;

        public override bool Advance(ConfigReader reader)
        {
            if (_index >= sets.Length)
                return false;
            var set = sets[_index++];
            for (int i = 0; i < names.Length; i++)
                reader.Define(names[i], i < set.Length ? set[i] : string.Empty);
            return true;
        }
    }

    private sealed record Definition(string Name, string Value, bool Multiline);

    private void PushFile(string path, string text)
    {
        _fileStack.Push(new FileFrame(path, text));
    }

    private bool NextRaw(out PendingLine raw)
    {
        if (_pending.Count > 0)
        {
            raw = _pending.Pop();
            return true;
        }
        while (_generators.Count > 0)
        {
            var gen = _generators.Peek();
            if (gen.Advance(this))
            {
                raw = new PendingLine(gen.Text, gen.File, gen.Line, 1, true);
                return true;
            }
            _generators.Pop();
        }
        while (_fileStack.Count > 0)
        {
            var frame = _fileStack.Peek();
            if (frame.Position >= frame.Text.Length)
            {
                if (!frame.Started && !_files.Contains(frame.Path))
                    _files.Add(frame.Path);
                _fileStack.Pop();
                continue;
            }
            if (!frame.Started)
            {
                frame.Started = true;
                if (!_files.Contains(frame.Path))
                    _files.Add(frame.Path);
            }
            var text = frame.Text;
            int start = frame.Position;
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl;
            frame.Position = nl < 0 ? text.Length : nl + 1;
            frame.LineNumber++;
            while (end > start && text[end - 1] == '\r')
                end--;
            if (end - start > KeepalivedLineBytes / 3 && System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(start, end - start)) > KeepalivedLineBytes)
            {
                _diagnostics.Add(DiagnosticCodes.LineLongerThanKeepalivedReads.At(new SourceSpan(frame.Path, frame.LineNumber, 1, end - start),
                    System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(start, end - start))));
            }
            raw = new PendingLine(text, start, end, frame.Path, frame.LineNumber, 1, false);
            return true;
        }
        raw = default;
        return false;
    }

    // ---------------------------------------------------------------- line processing

    private void ProcessLine(PendingLine raw)
    {
        string buf = raw.Text;
        int start = raw.Start, end = raw.End;
        int column = raw.Column;
        var span = new SourceSpan(raw.File, raw.Line, raw.Column, 0);

        if (!raw.Preprocessed)
        {
            if (start == end)
            {
                EndMultiline();
                return;
            }
            Decomment(ref buf, ref start, ref end, span, ref column, out var continued);
            if (_multilineDefinition is not null)
            {
                AppendMultiline(buf.Substring(start, end - start), continued);
                return;
            }
            if (start == end)
                return;
        }

        // Fast path: an ordinary line (no conditional, definition, sequence, substitution or include).
        var body = buf.AsSpan(start, end - start);
        char c0 = body[0];
        if (c0 != '@' && c0 != '~' && body.IndexOf('$') < 0 && !body.StartsWith("include"))
        {
            SplitAndEmit(buf, start, end, raw.File, raw.Line, column);
            return;
        }
        Preprocess(buf.Substring(start, end - start), raw, span, column);
    }

    /// <summary>Conditional lines, definitions, sequences and substitution, looped over as keepalived does, then
    /// include or emit.</summary>
    private void Preprocess(string text, PendingLine raw, SourceSpan span, int column)
    {
        for (int round = 0; ; round++)
        {
            if (round > MaxSubstitutionRounds)
            {
                _diagnostics.Add(DiagnosticCodes.SubstitutionLoop.At(span with { Column = column }, MaxSubstitutionRounds, Truncate(text)));
                return;
            }
            bool recheck = false;
            if (text.Length > 0 && text[0] == '@')
            {
                if (!ApplyCondition(ref text, ref column))
                    return;
            }
            if (text.Length > 0 && text[0] == '$' && TryDefine(text, span))
                return;
            if (text.StartsWith("~SEQ", StringComparison.Ordinal) || text.StartsWith("~LST", StringComparison.Ordinal))
            {
                AddGenerator(text, span with { Column = column });
                return;
            }
            if (text.Length > 0 && text[0] == '~')
                break;
            if (text.Contains('$'))
            {
                if (!Substitute(ref text, span))
                    break;
                int dummyCol = column;
                int s = 0, e = text.Length;
                Decomment(ref text, ref s, ref e, span, ref dummyCol, out _);
                text = text.Substring(s, e - s);
                if ((text.Length > 0 && text[0] == '@') || text.Contains('$'))
                    recheck = true;
            }
            if (!recheck)
                break;
        }
        if (text.Length == 0)
            return;

        if (TryInclude(text, span with { Column = column }))
            return;

        SplitAndEmit(text, 0, text.Length, raw.File, raw.Line, column);
    }

    /// <summary>keepalived's decomment(): strips leading blanks, the comment from the first unquoted '#' or '!',
    /// trailing blanks; a backslash before '#'/'!' outside quotes makes it literal; a trailing backslash continues.
    /// Works on the range [start, end) of <paramref name="buf"/> and allocates only when an escape must be removed.</summary>
    private void Decomment(ref string buf, ref int start, ref int end, SourceSpan span, ref int column, out bool continued)
    {
        continued = false;
        int lead = start;
        while (lead < end && (buf[lead] == ' ' || buf[lead] == '\t'))
            lead++;
        column += lead - start;

        // Most lines hold no quote, backslash or comment mark: one vectorized search settles them.
        int special = buf.AsSpan(lead, end - lead).IndexOfAny(DecommentMarks);
        if (special < 0)
        {
            int last = end;
            while (last > lead && (buf[last - 1] == ' ' || buf[last - 1] == '\t'))
                last--;
            start = lead;
            end = last;
            return;
        }
        StringBuilder? sb = null;
        bool quote = false;
        int i = lead + special;
        for (; i < end; i++)
        {
            char c = buf[i];
            if (c == '"')
            {
                quote = !quote;
                sb?.Append(c);
                continue;
            }
            if (c == '\\')
            {
                if (i + 1 < end)
                {
                    if (!quote && (buf[i + 1] == '#' || buf[i + 1] == '!'))
                    {
                        sb ??= new StringBuilder().Append(buf, lead, i - lead);
                        sb.Append(buf[i + 1]);
                        i++;
                        continue;
                    }
                    sb?.Append(c).Append(buf[i + 1]);
                    i++;
                    continue;
                }
                continued = true;
                break;
            }
            if (!quote && (c == '#' || c == '!'))
                break;
            sb?.Append(c);
        }
        if (quote)
            _diagnostics.Add(DiagnosticCodes.UnterminatedQuote.At(span with { Column = column, Length = Math.Max(1, end - lead) }));
        if (sb is not null || continued)
        {
            string body = sb is not null ? sb.ToString() : buf.Substring(lead, i - lead);
            body = body.TrimEnd(' ', '\t');
            if (continued)
                body += "\\";
            buf = body;
            start = 0;
            end = body.Length;
            return;
        }
        int stop = i;
        while (stop > lead && (buf[stop - 1] == ' ' || buf[stop - 1] == '\t'))
            stop--;
        start = lead;
        end = stop;
    }

    private bool ApplyCondition(ref string text, ref int column)
    {
        bool reverse = text.Length > 1 && text[1] == '^';
        int ofs = reverse ? 2 : 1;
        int sep = text.IndexOfAny([' ', '\t'], ofs);
        if (sep < 0)
        {
            text = string.Empty;
            return false;
        }
        var id = text.Substring(ofs, sep - ofs);
        bool matches = _options.ConfigId is not null && id == _options.ConfigId;
        if (matches == reverse)
        {
            text = string.Empty;
            return false;
        }
        int rest = sep;
        while (rest < text.Length && (text[rest] == ' ' || text[rest] == '\t'))
            rest++;
        column += rest;
        text = text[rest..];
        return text.Length > 0;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary><c>$NAME=value</c> (no blank inside the name; blanks allowed before '='). A trailing backslash makes
    /// the definition continue on the following lines.</summary>
    private bool TryDefine(string text, SourceSpan span)
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
        _ = span;
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

    // ---------------------------------------------------------------- ~SEQ / ~LST

    private void AddGenerator(string text, SourceSpan span)
    {
        bool seq = text[1] == 'S';
        string kind = seq ? "~SEQ" : "~LST";
        int p = 4;
        bool hex = false;
        if (seq && p < text.Length && text[p] == 'x')
        {
            hex = true;
            p++;
        }
        while (p < text.Length && (text[p] == ' ' || text[p] == '\t'))
            p++;
        if (p >= text.Length || text[p] != '(')
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, kind, Truncate(text), "'(' expected"));
            return;
        }
        int close = FindClosingParen(text, p);
        if (close < 0)
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, kind, Truncate(text), "')' missing"));
            return;
        }
        var inner = text.Substring(p + 1, close - p - 1);
        int restStart = close + 1;
        while (restStart < text.Length && (text[restStart] == ' ' || text[restStart] == '\t'))
            restStart++;
        var rest = text[restStart..];
        if (seq)
            AddSeq(inner, hex, rest, span, text);
        else
            AddList(inner, rest, span, text);
    }

    private static int FindClosingParen(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private void AddSeq(string inner, bool hex, string rest, SourceSpan span, string whole)
    {
        var parts = inner.Split(',');
        var var = parts[0].Trim();
        if (var.Length == 0 || !IsNameStart(var[0]) || !var.All(IsNameChar) || parts.Length < 2 || parts.Length > 4)
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~SEQ", Truncate(whole), "expected (var, [start, [step,]] end)"));
            return;
        }
        var numbers = new long[parts.Length - 1];
        for (int i = 1; i < parts.Length; i++)
        {
            var s = parts[i].Trim();
            if (s.Contains('$'))
                Substitute(ref s, span);
            if (!TryParseCNumber(s.Trim(), out numbers[i - 1]))
            {
                _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~SEQ", Truncate(whole), $"'{s}' is not a number"));
                return;
            }
        }
        long start, step, end;
        switch (numbers.Length)
        {
            case 1:
                end = numbers[0];
                step = end < 1 ? -1 : 1;
                start = end < 0 ? -1 : 1;
                break;
            case 2:
                start = numbers[0];
                end = numbers[1];
                step = start <= end ? 1 : -1;
                break;
            default:
                start = numbers[0];
                step = numbers[1];
                end = numbers[2];
                if (step == 0 || (start < end && step < 0) || (start > end && step > 0))
                {
                    _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~SEQ", Truncate(whole), "the step never reaches the end"));
                    return;
                }
                break;
        }
        if (hex && (start < 0 || end < 0))
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~SEQx", Truncate(whole), "~SEQx takes positive numbers only"));
            return;
        }
        if (Math.Abs((double)end - start) / Math.Abs((double)step) > MaxSeqLength)
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~SEQ", Truncate(whole), $"more than {MaxSeqLength} repetitions"));
            return;
        }
        _generators.Push(new SeqGenerator(var, start, step, end, hex, rest, span.File, span.Line));
    }

    private static bool TryParseCNumber(string s, out long value)
    {
        value = 0;
        bool neg = s.StartsWith('-');
        if (neg || s.StartsWith('+'))
            s = s[1..];
        bool ok;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        else if (s.Length > 1 && s[0] == '0')
        {
            ok = s.All(ch => ch is >= '0' and <= '7');
            if (ok)
            {
                try { value = Convert.ToInt64(s, 8); }
                catch (OverflowException) { ok = false; }
            }
        }
        else
            ok = long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (neg)
            value = -value;
        return ok;
    }

    /// <summary><c>~LST(var, v1, v2, …)</c> or <c>~LST({a,b}, {1,2}, …)</c>: repeat the rest of the line once per value
    /// (or tuple of values).</summary>
    private void AddList(string inner, string rest, SourceSpan span, string whole)
    {
        var items = SplitListItems(inner);
        if (items.Count < 2)
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~LST", Truncate(whole), "expected (var, value, …)"));
            return;
        }
        var names = ParseTuple(items[0]);
        if (names.Length == 0 || names.Any(n => n.Length == 0 || !IsNameStart(n[0]) || !n.All(IsNameChar)))
        {
            _diagnostics.Add(DiagnosticCodes.InvalidSequence.At(span, "~LST", Truncate(whole), $"'{items[0]}' is not a variable name"));
            return;
        }
        var sets = items.Skip(1).Select(ParseTuple).ToImmutableArray();
        _generators.Push(new ListGenerator(names, sets, rest, span.File, span.Line));
    }

    private static List<string> SplitListItems(string inner)
    {
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '{') depth++;
            else if (inner[i] == '}') depth--;
            else if (inner[i] == ',' && depth == 0)
            {
                items.Add(inner[start..i].Trim());
                start = i + 1;
            }
        }
        items.Add(inner[start..].Trim());
        return items;
    }

    private static ImmutableArray<string> ParseTuple(string item)
    {
        item = item.Trim();
        if (item.StartsWith('{') && item.EndsWith('}'))
            return item[1..^1].Split(',').Select(s => s.Trim()).ToImmutableArray();
        return [item];
    }

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
                _lines.Add(new LogicalLine(c0 == '{' ? LineKind.OpenBrace : LineKind.CloseBrace,
                    new Token(c0 == '{' ? "{" : "}", braceSpan), ImmutableArray<Token>.Empty, braceSpan));
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
        _lines.Add(new LogicalLine(LineKind.Words, words[0], rest, lineSpan));
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

    private static string Truncate(string s) => s.Length <= 120 ? s : s[..117] + "...";
}

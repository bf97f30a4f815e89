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
public sealed partial class ConfigReader
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
            if (text.Length > 0 && text[0] == '$' && TryDefine(text))
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


    private static string Truncate(string s) => s.Length <= 120 ? s : s[..117] + "...";
}

using System.Collections.Immutable;
using KeepAlive.Config.Binding;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Host;
using KeepAlive.Config.Model;
using KeepAlive.Config.Syntax;
using KeepAlive.Config.Validation;

namespace KeepAlive.Config;

/// <summary>Options of one configuration load.</summary>
/// <param name="Reader">Include, conditional and definition settings (<c>-i</c>, <c>-e</c>).</param>
/// <param name="Host">Facts about this host for <c>-t</c>; null skips host checks (reload on another host's config).</param>
/// <param name="Strict">Every warning becomes an error (values keepalived would silently replace are refused).</param>
public sealed record ConfigLoadOptions(ReaderOptions? Reader = null, IHostFacts? Host = null, bool Strict = false);

/// <summary>The outcome of loading a configuration: the model, every diagnostic in file order, and the files read.</summary>
public sealed record ConfigLoadResult(KeepAliveConfig Config, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<string> Files)
{
    /// <summary>True when the service must not run this configuration (or a reload must not apply it).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);

    public int ErrorCount => Diagnostics.Count(d => d.Severity == Severity.Error);

    public int WarningCount => Diagnostics.Count(d => d.Severity == Severity.Warning);

    /// <summary>
    /// The exit code keepalived 2.2.7's <c>-t</c> gives for the same problems (main.c config_test_exit): 0 clean,
    /// 2 when a keepalived child stops on the configuration, 6 script security, 5 errors it would still run with,
    /// 4 cannot run. Problems only we report never raise it, except that a configuration we refuse to run is never 0.
    /// </summary>
    public int KeepalivedTestExitCode
    {
        get
        {
            var worst = Diagnostics.Select(d => d.Descriptor.Keepalived).DefaultIfEmpty(KeepalivedClass.None).Max();
            int code = worst switch
            {
                KeepalivedClass.None => 0,
                KeepalivedClass.Abort => 2,
                KeepalivedClass.SecurityError => 6,
                KeepalivedClass.FileNotFound or KeepalivedClass.BadInterface or KeepalivedClass.Fatal => 4,
                _ => 5,
            };
            return code == 0 && HasErrors ? 4 : code;
        }
    }
}

/// <summary>
/// The whole config pipeline: read (includes, conditionals, definitions) → parse with keepalived's grammar → bind
/// to immutable records → validate across objects and against the host. Pure apart from the two seams.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Logical lines handed from the reading thread to the parsing thread together.</summary>
    private const int LinesPerBatch = 256;

    public static ConfigLoadResult Load(string path, IConfigSource source, ConfigLoadOptions? options = null)
    {
        options ??= new ConfigLoadOptions();
        var readerOptions = options.Reader ?? new ReaderOptions(ConfigId: options.Host?.ShortHostName);
        // Streaming: a worker thread reads lines a few batches ahead; this thread parses them and binds each
        // top-level block as soon as it is parsed. Each stage keeps its own diagnostics, so the result does not depend
        // on the interleaving (the reader's results are read only after its last line, which orders them before
        // this thread's reads). Parsing on the worker too was measured slower: the trees then live longer.
        var read = ConfigReader.Open(path, source, readerOptions);
        var session = new ConfigBinder.Session(options.Host is { } host ? name => host.FindInterface(name)?.Mtu : null);
        var lines = Prefetch.Ahead<LogicalLine>(emit =>
        {
            foreach (var line in read.Lines)
                emit(line);
        }, LinesPerBatch);
        var parsed = Parser.Parse(lines, null, session.Add);
        var bound = session.Complete();
        var validated = ConfigValidator.Validate(bound.Config, options.Host);
        // Problems about the configuration as a whole (e.g. script security without a global_defs block) point at
        // the root file.
        var all = read.Diagnostics.Concat(parsed.Diagnostics).Concat(bound.Diagnostics).Concat(validated)
            .Select(d => d.Span.File is null ? d with { Span = SourceSpan.ForFile(path) } : d);
        if (options.Strict)
            all = all.Select(d => d.Severity == Severity.Warning ? d with { Severity = Severity.Error } : d);
        var fileOrder = read.Files.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, StringComparer.Ordinal);
        var ordered = all
            .Select((d, i) => (d, i))
            .OrderBy(x => fileOrder.TryGetValue(x.d.Span.File, out var k) ? k : -1)
            .ThenBy(x => x.d.Span.Line)
            .ThenBy(x => x.d.Span.Column)
            .ThenBy(x => x.i)
            .Select(x => x.d)
            .ToImmutableArray();
        return new ConfigLoadResult(bound.Config, ordered, read.Files);
    }
}

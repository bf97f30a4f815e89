using System.Text.RegularExpressions;
using KeepAlive.Config.Sources;

namespace KeepAlive.Config.Tests.Samples;

/// <summary>
/// Every config of the seed corpus (real tutorials, junk included) against keepalived 2.2.7's own <c>-t</c>: the same
/// exit code, and a diagnostic of ours at every line keepalived reports on. Deliberate differences are named in
/// <see cref="DeliberateExitCodeDifferences"/>, each with the reason.
/// </summary>
public class SeedSamplesTests
{
    private static readonly string SeedDir = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "Seeds");

    /// <summary>Where our exit code differs on purpose. Empty when we match keepalived everywhere.</summary>
    public static readonly Dictionary<string, (int Ours, string Why)> DeliberateExitCodeDifferences = new()
    {
    };

    public static IEnumerable<object[]> Seeds() =>
        File.ReadAllLines(System.IO.Path.Combine(SeedDir, "EXPECTED.tsv"))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => new object[] { c[0], int.Parse(c[1]) });

    private static ConfigLoadResult LoadSeed(string file)
    {
        var path = "/seeds/" + file;
        var bytes = File.ReadAllBytes(System.IO.Path.Combine(SeedDir, file));
        var source = new InMemoryConfigSource().Add(path, TextDecoding.Decode(bytes));
        return ConfigLoader.Load(path, source, new ConfigLoadOptions(new KeepAlive.Config.Syntax.ReaderOptions(RandomSeed: 1), TestConfig.SeedHost));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ExitCode_MatchesKeepalived(string file, int keepalivedExit)
    {
        var result = LoadSeed(file);
        var expected = DeliberateExitCodeDifferences.TryGetValue(file, out var diff) ? diff.Ours : keepalivedExit;
        Assert.True(expected == result.KeepalivedTestExitCode,
            $"{file}: expected exit {expected}, got {result.KeepalivedTestExitCode}\n" + string.Join("\n", result.Diagnostics));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryLineKeepalivedReports_WeReportToo(string file, int keepalivedExit)
    {
        _ = keepalivedExit;
        var result = LoadSeed(file);
        var text = File.ReadAllText(System.IO.Path.Combine(SeedDir, "keepalived-t", System.IO.Path.ChangeExtension(file, ".txt")));
        var theirLines = Regex.Matches(text, @"Line (\d+)\)").Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        var ourLines = result.Diagnostics.Select(d => d.Span.Line).ToHashSet();
        var missing = theirLines.Where(l => !ourLines.Contains(l)).OrderBy(l => l).ToList();
        Assert.True(missing.Count == 0,
            $"{file}: keepalived reports lines {string.Join(",", missing)} where we report nothing\nours:\n" + string.Join("\n", result.Diagnostics));
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>One sample line.</summary>
public sealed record PromSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>One metric family: its TYPE, HELP and samples.</summary>
public sealed record PromFamily(string Name, string Type, string? Help, List<PromSample> Samples);

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws <see cref="FormatException"/>
/// with the line number on anything the format does not allow — a name or label name outside the grammar, an
/// unknown escape, an unterminated or duplicated label, a value that is not a Go float, a family whose samples are not
/// contiguous or come before its TYPE, a second TYPE or HELP, a sample whose name does not belong to its family's type,
/// histogram buckets that are not increasing and cumulative or lack +Inf = _count, a negative counter, a missing final
/// line feed, a carriage return.
/// </summary>
public static partial class PrometheusTextParser
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static IReadOnlyDictionary<string, PromFamily> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
            throw new FormatException("the last line does not end with a line feed");
        if (text.Contains('\r'))
            throw new FormatException("carriage return in the exposition");
        var families = new Dictionary<string, PromFamily>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length - 1; n++)
        {
            string line = lines[n];
            string where = $"line {n + 1}: '{line}'";
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    string name = parts[2];
                    if (!MetricName().IsMatch(name))
                        throw new FormatException($"{where}: bad metric name");
                    families.TryGetValue(name, out var family);
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || !Types.Contains(parts[3]))
                            throw new FormatException($"{where}: bad TYPE");
                        if (family is not null && (family.Type != "" || family.Samples.Count > 0))
                            throw new FormatException($"{where}: TYPE again or after samples");
                        families[name] = (family ?? new PromFamily(name, "", null, [])) with { Type = parts[3] };
                    }
                    else
                    {
                        if (family?.Help is not null)
                            throw new FormatException($"{where}: HELP again");
                        string help = parts.Length == 4 ? Unescape(parts[3], allowQuote: false, where) : "";
                        families[name] = (family ?? new PromFamily(name, "", null, [])) with { Help = help };
                    }
                }
                continue;
            }
            var sample = ParseSample(line, where);
            string owner = FamilyOf(sample.Name, families);
            if (!families.TryGetValue(owner, out var f) || f.Type == "")
                throw new FormatException($"{where}: sample before its TYPE");
            if (current != owner)
            {
                if (current is not null)
                    closed.Add(current);
                if (closed.Contains(owner))
                    throw new FormatException($"{where}: samples of {owner} are not contiguous");
                current = owner;
            }
            CheckName(f, sample, where);
            f.Samples.Add(sample);
        }
        foreach (var f in families.Values)
        {
            if (f.Type == "")
                throw new FormatException($"{f.Name}: HELP without TYPE");
            if (f.Type == "histogram")
                CheckHistogram(f);
        }
        return families;
    }

    private static string FamilyOf(string sample, Dictionary<string, PromFamily> families)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sample[..^suffix.Length], out var f) && f.Type is "histogram" or "summary")
                return f.Name;
        }
        return sample;
    }

    private static void CheckName(PromFamily f, PromSample s, string where)
    {
        switch (f.Type)
        {
            case "histogram":
                if (s.Name == f.Name + "_bucket" && !s.Labels.ContainsKey("le"))
                    throw new FormatException($"{where}: bucket without le");
                if (s.Name == f.Name)
                    throw new FormatException($"{where}: a histogram has only _bucket, _sum and _count samples");
                break;
            case "counter":
                if (s.Value < 0 || double.IsNaN(s.Value))
                    throw new FormatException($"{where}: a counter cannot be negative");
                break;
        }
        if (f.Type != "histogram" && s.Labels.ContainsKey("le"))
            throw new FormatException($"{where}: le outside a histogram");
    }

    private static void CheckHistogram(PromFamily f)
    {
        foreach (var series in f.Samples.GroupBy(s => string.Join(',', s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}"))))
        {
            var buckets = series.Where(s => s.Name == f.Name + "_bucket").ToList();
            double lastBound = double.NegativeInfinity, lastCount = 0;
            foreach (var b in buckets)
            {
                double bound = ParseFloat(b.Labels["le"], $"{f.Name} le");
                if (bound <= lastBound || b.Value < lastCount)
                    throw new FormatException($"{f.Name}{{{series.Key}}}: buckets not increasing and cumulative");
                (lastBound, lastCount) = (bound, b.Value);
            }
            if (!double.IsPositiveInfinity(lastBound))
                throw new FormatException($"{f.Name}{{{series.Key}}}: no +Inf bucket");
            var count = series.SingleOrDefault(s => s.Name == f.Name + "_count") ?? throw new FormatException($"{f.Name}: no _count");
            _ = series.SingleOrDefault(s => s.Name == f.Name + "_sum") ?? throw new FormatException($"{f.Name}: no _sum");
            if (count.Value != lastCount)
                throw new FormatException($"{f.Name}{{{series.Key}}}: +Inf bucket {lastCount} differs from _count {count.Value}");
        }
    }

    private static PromSample ParseSample(string line, string where)
    {
        int i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
            i++;
        string name = line[..i];
        if (!MetricName().IsMatch(name))
            throw new FormatException($"{where}: bad metric name");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length)
                    throw new FormatException($"{where}: unterminated label set");
                if (line[i] == '}')
                {
                    i++;
                    break;
                }
                int eq = line.IndexOf('=', i);
                if (eq < 0)
                    throw new FormatException($"{where}: label without '='");
                string label = line[i..eq];
                if (!LabelName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal))
                    throw new FormatException($"{where}: bad label name '{label}'");
                if (eq + 1 >= line.Length || line[eq + 1] != '"')
                    throw new FormatException($"{where}: label value not quoted");
                var value = new StringBuilder();
                int k = eq + 2;
                for (; ; k++)
                {
                    if (k >= line.Length)
                        throw new FormatException($"{where}: unterminated label value");
                    char c = line[k];
                    if (c == '"')
                        break;
                    if (c == '\\')
                    {
                        k++;
                        value.Append(k < line.Length ? line[k] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"{where}: bad escape"),
                        } : throw new FormatException($"{where}: dangling escape"));
                        continue;
                    }
                    value.Append(c);
                }
                if (!labels.TryAdd(label, value.ToString()))
                    throw new FormatException($"{where}: label {label} twice");
                i = k + 1;
                if (i < line.Length && line[i] == ',')
                    i++;
                else if (i >= line.Length || line[i] != '}')
                    throw new FormatException($"{where}: expected ',' or '}}'");
            }
        }
        if (i >= line.Length || line[i] != ' ')
            throw new FormatException($"{where}: no value");
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || rest[0].Length == 0)
            throw new FormatException($"{where}: expected 'value [timestamp]'");
        double v = ParseFloat(rest[0], where);
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"{where}: bad timestamp");
        return new PromSample(name, labels, v);
    }

    /// <summary>Go's ParseFloat as the format uses it: decimal or exponent notation, +Inf, -Inf, NaN.</summary>
    private static double ParseFloat(string text, string where) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when Regex.IsMatch(text, @"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$") => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"{where}: '{text}' is not a float"),
    };

    private static string Unescape(string text, bool allowQuote, string where)
    {
        var b = new StringBuilder();
        for (int k = 0; k < text.Length; k++)
        {
            if (text[k] != '\\')
            {
                b.Append(text[k]);
                continue;
            }
            if (++k >= text.Length)
                throw new FormatException($"{where}: dangling escape");
            b.Append(text[k] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when allowQuote => '"',
                _ => throw new FormatException($"{where}: bad escape in HELP"),
            });
        }
        return b.ToString();
    }
}

using System.Collections.Immutable;
using System.Globalization;
using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Syntax;

/// <summary>~SEQ and ~LST: repeat a line for a sequence of numbers or a list of values (keepalived parser.c add_seq/add_lst).</summary>
public sealed partial class ConfigReader
{
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
}

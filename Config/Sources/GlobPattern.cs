using System.Text;

namespace KeepAlive.Config.Sources;

/// <summary>Pure glob helpers shared by the disk and in-memory config sources: csh brace expansion and
/// per-segment wildcard matching as glob(3) with GLOB_BRACE does it.</summary>
public static class GlobPattern
{
    private const int MaxBraceExpansions = 4096;

    /// <summary>Expands <c>{a,b}</c> alternatives (nested allowed). Unbalanced braces are kept literally.</summary>
    public static IReadOnlyList<string> ExpandBraces(string pattern)
    {
        var results = new List<string>();
        Expand(pattern, results);
        return results;
    }

    private static void Expand(string pattern, List<string> results)
    {
        if (results.Count >= MaxBraceExpansions)
            return;
        int open = -1, depth = 0;
        for (int i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') { i++; continue; }
            if (c == '{')
            {
                if (depth == 0) open = i;
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
                if (depth == 0)
                {
                    var prefix = pattern[..open];
                    var suffix = pattern[(i + 1)..];
                    foreach (var alt in SplitTopLevel(pattern.Substring(open + 1, i - open - 1)))
                        Expand(prefix + alt + suffix, results);
                    return;
                }
            }
        }
        results.Add(pattern);
    }

    private static IEnumerable<string> SplitTopLevel(string body)
    {
        int depth = 0, start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\\') { i++; continue; }
            if (c == '{') depth++;
            else if (c == '}') depth--;
            else if (c == ',' && depth == 0)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }
        yield return body[start..];
    }

    /// <summary>True when the text contains an unescaped glob wildcard.</summary>
    public static bool HasWildcard(string segment)
    {
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\') { i++; continue; }
            if (segment[i] is '*' or '?' or '[')
                return true;
        }
        return false;
    }

    /// <summary>Matches one path segment against one pattern segment (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[!x]</c>).
    /// Leading dots are matched only explicitly, as glob(3) does.</summary>
    public static bool MatchSegment(string pattern, string name)
    {
        if (name.Length > 0 && name[0] == '.' && (pattern.Length == 0 || pattern[0] != '.'))
            return false;
        return Match(pattern, 0, name, 0, 0);
    }

    private static bool Match(string p, int pi, string s, int si, int depth)
    {
        if (depth > 64)
            return false;
        while (pi < p.Length)
        {
            var c = p[pi];
            switch (c)
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*') pi++;
                    if (pi == p.Length) return true;
                    for (int k = si; k <= s.Length; k++)
                        if (Match(p, pi, s, k, depth + 1)) return true;
                    return false;
                case '?':
                    if (si >= s.Length) return false;
                    pi++; si++;
                    break;
                case '[':
                    if (si >= s.Length) return false;
                    if (!MatchClass(p, ref pi, s[si])) return false;
                    si++;
                    break;
                case '\\' when pi + 1 < p.Length:
                    if (si >= s.Length || s[si] != p[pi + 1]) return false;
                    pi += 2; si++;
                    break;
                default:
                    if (si >= s.Length || s[si] != c) return false;
                    pi++; si++;
                    break;
            }
        }
        return si == s.Length;
    }

    private static bool MatchClass(string p, ref int pi, char ch)
    {
        int start = pi;
        int i = pi + 1;
        bool negate = i < p.Length && (p[i] == '!' || p[i] == '^');
        if (negate) i++;
        bool matched = false;
        bool first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            char lo = p[i];
            if (i + 2 < p.Length && p[i + 1] == '-' && p[i + 2] != ']')
            {
                if (ch >= lo && ch <= p[i + 2]) matched = true;
                i += 3;
            }
            else
            {
                if (ch == lo) matched = true;
                i++;
            }
        }
        if (i >= p.Length)
        {
            // No closing bracket: '[' is an ordinary character.
            pi = start + 1;
            return ch == '[';
        }
        pi = i + 1;
        return matched != negate;
    }

    /// <summary>Removes glob escapes from a literal segment.</summary>
    public static string Unescape(string segment)
    {
        if (!segment.Contains('\\'))
            return segment;
        var sb = new StringBuilder(segment.Length);
        for (int i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '\\' && i + 1 < segment.Length) i++;
            sb.Append(segment[i]);
        }
        return sb.ToString();
    }
}

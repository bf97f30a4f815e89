namespace KeepAlive.Config.Sources;

/// <summary>An in-memory file system for tests and tools: absolute path → text (or a simulated read error).</summary>
public sealed class InMemoryConfigSource : IConfigSource
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigFileError> _errors = new(StringComparer.Ordinal);

    public InMemoryConfigSource Add(string path, string text)
    {
        _files[path] = text;
        return this;
    }

    /// <summary>Makes <paramref name="path"/> exist but fail to read with <paramref name="error"/>.</summary>
    public InMemoryConfigSource AddError(string path, ConfigFileError error)
    {
        _errors[path] = error;
        return this;
    }

    public ConfigFileError TryRead(string path, out string text)
    {
        text = string.Empty;
        if (_errors.TryGetValue(path, out var error))
            return error;
        if (_files.TryGetValue(path, out var found))
        {
            text = found;
            return ConfigFileError.None;
        }
        return _files.Keys.Any(k => k.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal))
            ? ConfigFileError.IsDirectory
            : ConfigFileError.NotFound;
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        var results = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var expanded in GlobPattern.ExpandBraces(pattern))
        {
            var patSegs = expanded.Split('/');
            foreach (var path in _files.Keys.Concat(_errors.Keys))
            {
                var segs = path.Split('/');
                if (segs.Length != patSegs.Length)
                    continue;
                bool ok = true;
                for (int i = 0; i < segs.Length && ok; i++)
                    ok = GlobPattern.HasWildcard(patSegs[i])
                        ? GlobPattern.MatchSegment(patSegs[i], segs[i])
                        : GlobPattern.Unescape(patSegs[i]) == segs[i];
                if (ok)
                    results.Add(path);
            }
        }
        return results.ToList();
    }
}

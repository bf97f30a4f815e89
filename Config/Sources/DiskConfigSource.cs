namespace KeepAlive.Config.Sources;

/// <summary>The real file system behind <see cref="IConfigSource"/>. Like keepalived, only regular, non-executable
/// files are read as configuration (lib/parser.c check_glob_file).</summary>
public sealed class DiskConfigSource : IConfigSource
{
    public ConfigFileError TryRead(string path, out string text)
    {
        text = string.Empty;
        try
        {
            if (Directory.Exists(path))
                return ConfigFileError.IsDirectory;
            if (!File.Exists(path))
                return ConfigFileError.NotFound;
            var attrs = File.GetAttributes(path);
            if ((attrs & (FileAttributes.Device | FileAttributes.ReparsePoint)) == FileAttributes.Device)
                return ConfigFileError.NotRegularFile;
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                    return ConfigFileError.NotRegularFile;
            }
            var bytes = File.ReadAllBytes(path);
            text = TextDecoding.Decode(bytes);
            return ConfigFileError.None;
        }
        catch (UnauthorizedAccessException)
        {
            return ConfigFileError.Unreadable;
        }
        catch (IOException)
        {
            return ConfigFileError.Unreadable;
        }
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        var results = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var expanded in GlobPattern.ExpandBraces(pattern))
            ExpandPath(expanded, results);
        return results.ToList();
    }

    private static void ExpandPath(string pattern, SortedSet<string> results)
    {
        var segments = pattern.Split('/');
        var current = new List<string> { pattern.StartsWith('/') ? "/" : "" };
        for (int i = 0; i < segments.Length; i++)
        {
            var seg = segments[i];
            if (seg.Length == 0)
                continue;
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!GlobPattern.HasWildcard(seg))
                {
                    next.Add(Path.Combine(dir, GlobPattern.Unescape(seg)));
                    continue;
                }
                var listDir = dir.Length == 0 ? "." : dir;
                if (!Directory.Exists(listDir))
                    continue;
                IEnumerable<string> entries;
                try
                {
                    entries = Directory.EnumerateFileSystemEntries(listDir).Select(Path.GetFileName).OfType<string>().ToList();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                foreach (var name in entries)
                    if (GlobPattern.MatchSegment(seg, name))
                        next.Add(Path.Combine(dir, name));
            }
            current = next;
        }
        foreach (var path in current)
            if (path.Length > 0 && (File.Exists(path) || Directory.Exists(path)))
                results.Add(path);
    }
}

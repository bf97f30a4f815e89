using KeepAlive.Config.Model;

namespace KeepAlive.Config.Binding;

/// <summary>
/// Gives every FILE_CHECK the track_file block it names (<see cref="FileCheckConfig.Target"/>). keepalived resolves
/// the name after the whole file is read, so the block may come before or after the virtual server.
/// </summary>
public static class FileCheckTargets
{
    public static KeepAliveConfig Resolve(KeepAliveConfig config)
    {
        if (!HasFileCheck(config))
            return config;
        var byName = new Dictionary<string, TrackFileConfig>(StringComparer.Ordinal);
        foreach (var file in config.TrackFiles)
            byName.TryAdd(file.Name, file);
        return config with
        {
            VirtualServers = config.VirtualServers.Select(vs => vs with
            {
                RealServers = vs.RealServers.Select(rs => rs with
                {
                    Checkers = rs.Checkers.Select(c => c is FileCheckConfig { TrackFile: { } name } file
                        ? file with { Target = byName.GetValueOrDefault(name) }
                        : c).ToValueList(),
                }).ToValueList(),
            }).ToValueList(),
        };
    }

    // Plain loops: this runs on every load, and LINQ over the model's lists boxes an enumerator per real server.
    private static bool HasFileCheck(KeepAliveConfig config)
    {
        foreach (var vs in config.VirtualServers)
            foreach (var rs in vs.RealServers)
                foreach (var c in rs.Checkers)
                    if (c is FileCheckConfig)
                        return true;
        return false;
    }
}

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>The sockets this process holds, from /proc/self/fd: fd number → "socket:[inode]".</summary>
public static class SocketFds
{
    public static Dictionary<int, string> Current()
    {
        var sockets = new Dictionary<int, string>();
        foreach (var entry in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            string? target;
            try
            {
                target = entry.LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed while we looked
            }
            if (target is not null && target.StartsWith("socket:", StringComparison.Ordinal) && int.TryParse(entry.Name, out int fd))
                sockets[fd] = target;
        }
        return sockets;
    }
}

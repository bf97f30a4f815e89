using System.Globalization;

namespace KeepAlive.Controller.Daemon;

/// <summary>What a pid file found at start means (keepalived's pidfile.c <c>keepalived_running</c>).</summary>
public enum PidFileVerdict
{
    /// <summary>No file: write ours.</summary>
    Absent,

    /// <summary>The file names a live process other than this one: "daemon is already running".</summary>
    Running,

    /// <summary>Unreadable, or names a process that is gone (or this one): "Remove a zombie pid file", then write ours.</summary>
    Stale,
}

/// <summary>
/// The pid files: refuse to start when the main one names a live process, write this process's pid (the main file and
/// each child file of <c>-r/-c/-b</c>, one process here), remove them at exit if they still hold it.
/// </summary>
public sealed class PidFile
{
    private readonly IReadOnlyList<string> _paths;
    private readonly int _pid;

    public PidFile(string main, IReadOnlyList<string> children, int pid)
    {
        _paths = [main, .. children.Where(c => c != main)];
        _pid = pid;
    }

    /// <summary>Pure: the verdict for a file's content (null: no file), given this pid and which pids are alive.</summary>
    public static PidFileVerdict Judge(string? content, int ownPid, Func<int, bool> isAlive)
    {
        if (content is null)
            return PidFileVerdict.Absent;
        if (!int.TryParse(content.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            return PidFileVerdict.Stale;
        return pid != ownPid && isAlive(pid) ? PidFileVerdict.Running : PidFileVerdict.Stale;
    }

    /// <summary>Whether a process with this pid exists (its /proc entry).</summary>
    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Checks the main file, then writes every file. Returns the message to log (or null), and false with the
    /// reason when another daemon runs or a file cannot be written.</summary>
    public bool TryAcquire(out string? message)
    {
        message = null;
        string? content = null;
        try
        {
            if (File.Exists(_paths[0]))
                content = File.ReadAllText(_paths[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            content = string.Empty;
        }
        switch (Judge(content, _pid, IsAlive))
        {
            case PidFileVerdict.Running:
                message = $"daemon is already running (pid {content!.Trim()} in {_paths[0]})";
                return false;
            case PidFileVerdict.Stale:
                message = $"Remove a zombie pid file {_paths[0]}";
                break;
        }
        foreach (var path in _paths)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, _pid.ToString(CultureInfo.InvariantCulture) + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Release();
                message = $"pidfile_write : Cannot open {path} pidfile: {e.Message}";
                return false;
            }
        }
        return true;
    }

    /// <summary>Removes each file that still holds this pid.</summary>
    public void Release()
    {
        foreach (var path in _paths)
        {
            try
            {
                if (File.Exists(path) && File.ReadAllText(path).Trim() == _pid.ToString(CultureInfo.InvariantCulture))
                    File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left behind: the next start finds it stale.
            }
        }
    }
}

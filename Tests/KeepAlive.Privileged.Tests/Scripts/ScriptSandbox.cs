using System.Globalization;

namespace KeepAlive.Privileged.Tests.Scripts;

/// <summary>A private temp directory (world-readable, so another user can run scripts in it) for one test's scripts,
/// FIFOs and records; deleted on dispose. Helpers to look at the processes the test started, by pid and process group.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ScriptSandbox : IDisposable
{
    public ScriptSandbox()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ka-scripts-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        File.SetUnixFileMode(Directory, (UnixFileMode)0x1FF); // 0777: scripts run as nobody may write records here
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Writes an executable /bin/sh script (its file written by <see cref="ExecutableCopy.Make"/>).</summary>
    public string Script(string name, string body)
    {
        var path = PathOf(name);
        var draft = path + ".draft";
        File.WriteAllText(draft, "#!/bin/sh\n" + body + "\n");
        ExecutableCopy.Make(draft, path);
        File.Delete(draft);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED); // 0755
        return path;
    }

    /// <summary>Whether a pid exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z';
    }

    /// <summary>Live processes whose process group is <paramref name="pgid"/>.</summary>
    public static List<int> MembersOfGroup(int pgid)
    {
        var members = new List<int>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (ReadStat(pid) is { } s && s.Pgrp == pgid && s.State != 'Z')
                members.Add(pid);
        }
        return members;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a condition.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (condition())
                return true;
            Thread.Sleep(20);
        }
        return condition();
    }

    private static (char State, int Pgrp)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Diagnostics;
using System.Security.Cryptography;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>Processes this test starts and alone stops: a copy of /bin/sleep under a unique name in a private temp
/// directory (so its comm is unique), started with arguments the test chooses. Every process runs at most
/// <see cref="MaxSeconds"/> on its own; Dispose kills the ones still running (by the Process object, never by name),
/// reaps them and deletes the directory.</summary>
public sealed class OwnedProcesses : IDisposable
{
    /// <summary>Every sleep's first argument: the longest it can outlive a crashed test.</summary>
    public const int MaxSeconds = 120;

    private readonly List<Process> _started = [];

    public OwnedProcesses(int nameLength = 14)
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        Directory = Path.Combine(Path.GetTempPath(), $"ka-pw-dir-{tag[..12]}");
        System.IO.Directory.CreateDirectory(Directory);
        // "ka-pw-" and random hex up to the length asked for (14 fits comm; longer ones get truncated by the kernel)
        var name = ("ka-pw-" + tag + tag)[..nameLength];
        Name = name;
        Binary = Path.Combine(Directory, name);
        ExecutableCopy.Make("/bin/sleep", Binary);
        Marker = "0.0" + tag[..8].Select(c => (char)('0' + (c % 10))).Aggregate(string.Empty, (s, c) => s + c);
    }

    public string Directory { get; }

    /// <summary>The copy's file name: its comm (truncated to 15 bytes by the kernel) and argv[0]'s last part.</summary>
    public string Name { get; }

    /// <summary>The copy's full path: argv[0] of what <see cref="Start"/> runs.</summary>
    public string Binary { get; }

    /// <summary>A distinctive, harmless sleep argument ("0.0" and 8 random digits: adds under 0.1 s).</summary>
    public string Marker { get; }

    /// <summary>Starts <c>Binary MaxSeconds extra...</c>.</summary>
    public Process Start(params string[] extra)
    {
        var psi = new ProcessStartInfo(Binary) { UseShellExecute = false };
        psi.ArgumentList.Add(MaxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in extra)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Binary}");
        _started.Add(p);
        return p;
    }

    /// <summary>Kills one process this object started and reaps it.</summary>
    public void Stop(Process p)
    {
        if (!_started.Contains(p))
            throw new InvalidOperationException("not one of mine");
        if (!p.HasExited)
            p.Kill();
        p.WaitForExit(5000);
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try
            {
                if (!p.HasExited)
                    p.Kill();
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            p.Dispose();
        }
        _started.Clear();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

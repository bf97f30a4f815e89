using System.Diagnostics;
using System.Text;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>tshark inside a namespace of ours printing chosen fields of <c>count</c> frames: started, awaited until it
/// captures, stopped (by its own process handle) if it has not finished within the bound.</summary>
public sealed class TsharkCapture : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly ManualResetEventSlim _capturing = new();

    private TsharkCapture(string namespaceName, string ifName, string filter, int count, string[] fields)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { "netns", "exec", namespaceName, "tshark", "-i", ifName, "-n", "-l", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-a", "duration:15", "-f", filter, "-T", "fields", "-E", "separator=|" };
        foreach (var f in fields)
        {
            args.Add("-e");
            args.Add(f);
        }
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            Append(_err, e.Data);
            if (e.Data?.Contains("Capturing on", StringComparison.Ordinal) == true)
                _capturing.Set();
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static TsharkCapture Start(string namespaceName, string ifName, string filter, int count, params string[] fields)
    {
        var capture = new TsharkCapture(namespaceName, ifName, filter, count, fields);
        if (!capture._capturing.Wait(Limit))
        {
            var text = capture.Errors;
            capture.Dispose();
            throw new TimeoutException($"tshark did not start capturing: {text}");
        }
        // tshark announces the capture a moment before dumpcap's filter is installed.
        Thread.Sleep(500);
        return capture;
    }

    /// <summary>Waits (bounded) for tshark to capture its frames and exit; one line of fields per frame.</summary>
    public IReadOnlyList<string[]> WaitForFrames()
    {
        if (!_process.WaitForExit(Limit))
            throw new TimeoutException($"tshark did not finish in {Limit}: {Errors}");
        _process.WaitForExit();
        lock (_out)
            return _out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).ToList();
    }

    public string Errors
    {
        get
        {
            lock (_err)
                return _err.ToString();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _capturing.Dispose();
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
            return;
        lock (sb)
            sb.AppendLine(line);
    }
}

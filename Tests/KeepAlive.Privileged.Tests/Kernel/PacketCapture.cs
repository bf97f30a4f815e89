using System.Diagnostics;
using System.Text;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>tcpdump of one packet inside a namespace of ours: started, awaited until it listens, stopped (by its own
/// process handle) if it has not finished within the bound.</summary>
public sealed class PacketCapture : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly StringBuilder _text = new();
    private readonly ManualResetEventSlim _listening = new();

    private PacketCapture(string namespaceName, string ifName, string filter)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", namespaceName, "tcpdump", "-i", ifName, "-n", "-v", "-l", "-c", "1", filter })
            psi.ArgumentList.Add(arg);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
                _listening.Set();
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static PacketCapture Start(string namespaceName, string ifName, string filter)
    {
        var capture = new PacketCapture(namespaceName, ifName, filter);
        if (!capture._listening.Wait(Limit))
        {
            capture.Dispose();
            throw new TimeoutException($"tcpdump did not start listening: {capture.Text}");
        }
        return capture;
    }

    /// <summary>Waits (bounded) for tcpdump to capture its packet and exit; returns all it printed.</summary>
    public string WaitForExit()
    {
        if (!_process.WaitForExit(Limit))
            throw new TimeoutException($"tcpdump captured nothing in {Limit}: {Text}");
        _process.WaitForExit(); // flushes the output events
        return Text;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _listening.Dispose();
    }

    private string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_text)
            _text.AppendLine(line);
    }
}

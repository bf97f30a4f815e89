using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// tcpdump (<c>-tt</c>, epoch timestamps) of the VRRP adverts one address sends, seen on an interface of one of our
/// namespaces, for as long as it runs; <see cref="Stop"/> kills it by its own handle and returns the send times with
/// each advert's priority.
/// </summary>
public sealed class AdvertTimeline : IDisposable
{
    private readonly Process _process;
    private readonly List<(double At, int Priority)> _adverts = [];
    private readonly ManualResetEventSlim _listening = new();

    private AdvertTimeline(string namespaceName, string ifName, IPAddress from, int? vrid)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", namespaceName, "tcpdump", "-i", ifName, "-n", "-tt", "-l", "-B", "8192", $"ip proto 112 and src {from}" + (vrid is { } v ? $" and ip[21] = {v}" : "") })
            psi.ArgumentList.Add(arg);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Parse(e.Data);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on", StringComparison.Ordinal) == true)
                _listening.Set();
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts capturing the adverts <paramref name="from"/> sends (of one VRID when given).</summary>
    public static AdvertTimeline Start(string namespaceName, string ifName, IPAddress from, int? vrid = null)
    {
        var timeline = new AdvertTimeline(namespaceName, ifName, from, vrid);
        if (!timeline._listening.Wait(TimeSpan.FromSeconds(10)))
        {
            timeline.Dispose();
            throw new TimeoutException("tcpdump did not start listening");
        }
        return timeline;
    }

    /// <summary>Stops the capture and returns what it saw, in order.</summary>
    public IReadOnlyList<(double At, int Priority)> Stop()
    {
        Thread.Sleep(200);                  // let tcpdump print what it has buffered
        Dispose();
        lock (_adverts)
            return _adverts.ToList();
    }

    /// <summary>The largest gap between consecutive adverts, in seconds.</summary>
    public static double MaxGap(IReadOnlyList<(double At, int Priority)> adverts) =>
        adverts.Count < 2 ? double.PositiveInfinity : adverts.Zip(adverts.Skip(1), (a, b) => b.At - a.At).Max();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    private void Parse(string? line)
    {
        // 1764100000.123456 IP 10.7.0.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 61, prio 150, intvl 10cs, length 12
        if (line is null)
            return;
        int space = line.IndexOf(' ');
        int prio = line.IndexOf("prio ", StringComparison.Ordinal);
        if (space <= 0 || prio < 0 || !double.TryParse(line.AsSpan(0, space), NumberStyles.Float, CultureInfo.InvariantCulture, out var at))
            return;
        int end = line.IndexOf(',', prio);
        if (!int.TryParse(line.AsSpan(prio + 5, (end < 0 ? line.Length : end) - prio - 5), CultureInfo.InvariantCulture, out var priority))
            return;
        lock (_adverts)
            _adverts.Add((at, priority));
    }
}

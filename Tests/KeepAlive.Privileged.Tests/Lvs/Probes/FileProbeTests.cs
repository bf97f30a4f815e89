using System.Diagnostics;
using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Linux;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// FILE_CHECK on the daemon's inotify watch and a real file: the checker follows the file as it is rewritten,
/// replaced by a rename and deleted, and tells when it changed.
/// </summary>
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileProbeTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ka-filecheck-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ITestOutputHelper _output;

    public FileProbeTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private FileProbe Probe(string path, int? weight, bool reverse = false, int trackWeight = 1, long rsWeight = 10)
    {
        var tf = new TrackFileConfig { Name = "state", File = path, Weight = trackWeight };
        var config = new FileCheckConfig(new CheckerCommon(), "state", weight, reverse, default);
        var probe = FileProbe.TryCreate(config, ProbeLab.Context(IPAddress.Parse("10.7.0.2"), 80, weight: rsWeight), tf, new InotifyTrackedFileWatch(),
            performInitFile: true, out var error);
        Assert.Null(error);
        return probe!;
    }

    /// <summary>Writes the value, then measures how long until the probe reports <paramref name="up"/> (via Changed).</summary>
    private async Task<ProbeResult> Expect(FileProbe probe, Action change, bool up)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged() => changed.TrySetResult();
        probe.Changed += OnChanged;
        var clock = Stopwatch.StartNew();
        change();
        await changed.Task.WaitAsync(Wait);
        // A Changed of the reading before this one may still have been on its way when this one subscribed: read until
        // the value shows (bounded), not only once.
        var result = await probe.CheckAsync(CancellationToken.None);
        while (result.Result.Success != up && clock.Elapsed < Wait)
        {
            await Task.Delay(10);
            result = await probe.CheckAsync(CancellationToken.None);
        }
        probe.Changed -= OnChanged;
        _output.WriteLine($"{probe.Describe}: {(result.Result.Success ? "UP" : "DOWN")} \"{result.Result.Reason}\" weight={result.DynamicWeight} seen in {clock.Elapsed.TotalMilliseconds:0.0} ms");
        Assert.Equal(up, result.Result.Success);
        return result;
    }

    [SkippableFact]
    public async Task Weight_0_follows_the_file_zero_up_non_zero_down()
    {
        Privilege.Require();
        var path = Path.Combine(_dir, "state");
        File.WriteAllText(path, "0\n");
        using var probe = Probe(path, weight: 0);
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        await Expect(probe, () => File.WriteAllText(path, "1\n"), up: false);
        await Expect(probe, () => File.WriteAllText(path, "0\n"), up: true);
        await Expect(probe, () => File.WriteAllText(path, "5\n"), up: false);
        await Expect(probe, () => File.Delete(path), up: true); // a deleted file is 0
        var replacement = Path.Combine(_dir, "next");
        File.WriteAllText(replacement, "2");
        await Expect(probe, () => File.Move(replacement, path), up: false); // replaced by a rename
    }

    [SkippableFact]
    public async Task A_weight_moves_the_real_server_weight_and_the_fault_value_takes_it_down()
    {
        Privilege.Require();
        var path = Path.Combine(_dir, "state");
        File.WriteAllText(path, "0");
        using var probe = Probe(path, weight: null, trackWeight: 3);
        var first = await probe.CheckAsync(CancellationToken.None);
        Assert.True(first.Result.Success);
        Assert.Null(first.DynamicWeight);
        var raised = await Expect(probe, () => File.WriteAllText(path, "4"), up: true);
        Assert.Equal(10 + 12, raised.DynamicWeight);
        var lowered = await Expect(probe, () => File.WriteAllText(path, "-2"), up: true);
        Assert.Equal(10 - 6, lowered.DynamicWeight);
        await Expect(probe, () => File.WriteAllText(path, "-2147483648"), up: false);
    }
}

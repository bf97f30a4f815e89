using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public class FileProbeTests
{
    private const string Root = "track_file tf {\n file /run/ka/state\n}";

    private static (FileCheckConfig Checker, ProbeContext Context, TrackFileConfig TrackFile) Load(string block, string root = Root)
    {
        var (checker, context, config) = ProbeConfigs.Load<FileCheckConfig>(block, root: root);
        return (checker, context, Assert.Single(config.TrackFiles));
    }

    [Fact]
    public async Task The_checker_follows_the_file_value_with_its_weight()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        files.Write("/run/ka/state", "0\n");
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf\n weight 0 }");
        using var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: true, out var error)!;
        Assert.Null(error);
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        files.Write("/run/ka/state", "1\n");
        Assert.False((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        files.Delete("/run/ka/state");
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        files.Write("/run/ka/state", "99999999999\n"); // out of range: ignored, the previous value (0) stays
        Assert.True((await probe.CheckAsync(CancellationToken.None)).Result.Success);
    }

    [Fact]
    public async Task Without_a_weight_the_track_file_weight_applies_and_moves_the_real_server_weight()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        files.Write("/run/ka/state", "3");
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf }", "track_file tf {\n file /run/ka/state\n weight 2 reverse\n}");
        using var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: true, out _)!;
        var result = await probe.CheckAsync(CancellationToken.None);
        Assert.True(result.Result.Success);
        Assert.Equal(5 - 6, result.DynamicWeight);
    }

    [Fact]
    public async Task Init_file_is_performed_only_when_asked()
    {
        var root = "track_file tf {\n file /run/ka/state\n init_file 7\n}";
        var files = new InMemoryTrackedFiles("/run/ka");
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf\n weight 0 }", root);
        using (var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: false, out _)!)
            Assert.True((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        Assert.Null(files.Content("/run/ka/state"));
        using (var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: true, out _)!)
            Assert.False((await probe.CheckAsync(CancellationToken.None)).Result.Success);
        Assert.Equal("7\n", files.Content("/run/ka/state"));
    }

    [Fact]
    public async Task A_file_that_cannot_be_watched_does_not_count_as_keepalived_removes_the_checker()
    {
        var files = new InMemoryTrackedFiles(); // /run/ka does not exist
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf\n weight 0 }");
        using var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: true, out _)!;
        var result = await probe.CheckAsync(CancellationToken.None);
        Assert.True(result.Result.Success);
        Assert.Contains("cannot be watched", result.Result.Reason);
    }

    [Fact]
    public void Changed_is_raised_when_the_value_changes_only()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        files.Write("/run/ka/state", "1");
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf }");
        using var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: true, out _)!;
        int changes = 0;
        probe.Changed += () => Interlocked.Increment(ref changes);
        files.Write("/run/ka/state", "1");
        Assert.Equal(0, changes);
        files.Write("/run/ka/state", "2");
        Assert.Equal(1, changes);
    }

    [Fact]
    public void Disposing_ends_the_watch()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf }");
        var probe = FileProbe.TryCreate(checker, context, tf, files, performInitFile: true, out _)!;
        Assert.Equal(1, files.ActiveWatches);
        probe.Dispose();
        Assert.Equal(0, files.ActiveWatches);
    }

    [Fact]
    public void A_missing_or_mismatched_track_file_gives_no_probe()
    {
        var files = new InMemoryTrackedFiles("/run/ka");
        var (checker, context, tf) = Load("FILE_CHECK { track_file tf }");
        Assert.Null(FileProbe.TryCreate(checker, context, null, files, true, out var error));
        Assert.Contains("not found", error);
        Assert.Null(FileProbe.TryCreate(checker with { TrackFile = null }, context, tf, files, true, out error));
        Assert.Contains("no track_file", error);
        Assert.Null(FileProbe.TryCreate(checker, context, tf with { File = null }, files, true, out error));
        Assert.Contains("no file", error);
    }
}

using Akka.Actor;
using KeepAlive.Config.Model;
using KeepAlive.Controller.Daemon;
using KeepAlive.Controller.Status;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>The daemon's dump seam writing keepalived's files: a node that does not answer still gives a file
/// (the report lists it missing); before the node runs, or into an unwritable directory, nothing is written and the
/// reason is logged.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeSignalDumpsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-st-signal-").FullName;
    private readonly ActorSystem _system = ActorSystem.Create("dumps");
    private readonly Serilog.ILogger _log = new Serilog.LoggerConfiguration().CreateLogger();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(SignalFunction.Data, "keepalived.data", "------< Global definitions >------")]
    [InlineData(SignalFunction.Stats, "keepalived.stats", "")]
    [InlineData(SignalFunction.StatsClear, "keepalived.stats", "")]
    [InlineData(SignalFunction.Json, "keepalived.json", "[]")]
    public async Task A_silent_node_still_gives_keepalived_s_file(SignalFunction function, string file, string start)
    {
        var dumps = new NodeSignalDumps(_system, () => _system.DeadLetters, () => KeepAliveConfig.Empty, _log, TimeSpan.FromMilliseconds(200), _dir);
        var path = await dumps.WriteAsync(function);
        Assert.Equal(Path.Combine(_dir, file), path);
        Assert.StartsWith(start, File.ReadAllText(path!));
    }

    [Fact]
    public async Task Nothing_is_written_before_the_node_runs_or_into_a_missing_directory()
    {
        Assert.Null(await new NodeSignalDumps(_system, () => null, () => KeepAliveConfig.Empty, _log, TimeSpan.FromMilliseconds(200), _dir).WriteAsync(SignalFunction.Stats));
        Assert.Null(await new NodeSignalDumps(_system, () => _system.DeadLetters, () => KeepAliveConfig.Empty, _log, TimeSpan.FromMilliseconds(200), Path.Combine(_dir, "gone")).WriteAsync(SignalFunction.Json));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}

using KeepAlive.Controller.Daemon;

namespace KeepAlive.Controller.Tests.Daemon;

public sealed class PidFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-pid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, PidFileVerdict.Absent)]
    [InlineData("200\n", PidFileVerdict.Running)]
    [InlineData("300", PidFileVerdict.Stale)]
    [InlineData("100\n", PidFileVerdict.Stale)]
    [InlineData("", PidFileVerdict.Stale)]
    [InlineData("garbage", PidFileVerdict.Stale)]
    [InlineData("-200", PidFileVerdict.Stale)]
    [InlineData("0", PidFileVerdict.Stale)]
    [InlineData("99999999999", PidFileVerdict.Stale)]
    public void Judge(string? content, PidFileVerdict expected) =>
        Assert.Equal(expected, PidFile.Judge(content, ownPid: 100, isAlive: pid => pid is 100 or 200));

    [Fact]
    public void Acquire_WritesEveryFile_AndRelease_RemovesThem()
    {
        var main = Path.Combine(_dir, "sub", "keepalived.pid");
        var vrrp = Path.Combine(_dir, "vrrp.pid");
        var pid = new PidFile(main, [vrrp], Environment.ProcessId);
        Assert.True(pid.TryAcquire(out var message));
        Assert.Null(message);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(main));
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(vrrp));
        pid.Release();
        Assert.False(File.Exists(main) || File.Exists(vrrp));
    }

    [Fact]
    public void ALiveProcess_InTheFile_RefusesTheStart_AndLeavesTheFile()
    {
        var main = Path.Combine(_dir, "keepalived.pid");
        File.WriteAllText(main, "1\n");                  // init: always alive, never us
        var pid = new PidFile(main, [], Environment.ProcessId);
        Assert.False(pid.TryAcquire(out var message));
        Assert.Contains("daemon is already running", message);
        pid.Release();
        Assert.Equal("1\n", File.ReadAllText(main));
    }

    [Fact]
    public void AStaleFile_IsReplaced_WithTheZombieMessage()
    {
        var main = Path.Combine(_dir, "keepalived.pid");
        File.WriteAllText(main, "not a pid");
        var pid = new PidFile(main, [], Environment.ProcessId);
        Assert.True(pid.TryAcquire(out var message));
        Assert.Equal($"Remove a zombie pid file {main}", message);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(main));
    }

    [Fact]
    public void AnUnwritableLocation_IsAClearRefusal()
    {
        var blocker = Path.Combine(_dir, "file");
        File.WriteAllText(blocker, "x");
        var pid = new PidFile(Path.Combine(blocker, "keepalived.pid"), [], Environment.ProcessId);
        Assert.False(pid.TryAcquire(out var message));
        Assert.Contains("Cannot open", message);
    }
}

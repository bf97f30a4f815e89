using KeepAlive.Config.Model;
using KeepAlive.Controller.Status;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>keepalived's dump file names and directory, data_use_instance, and safe writing.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SignalDumpWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-st-dumps-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, "/tmp")]
    [InlineData("", "/tmp")]
    [InlineData("relative/dir", "/tmp")]
    [InlineData("/var/tmp", "/var/tmp")]
    public void The_directory_is_tmpdir_when_absolute(string? tmpdir, string expected) => Assert.Equal(expected, SignalDumpWriter.Directory(tmpdir));

    private static KeepAliveConfig Config(string? ns, string? instance, params string[] dataUseInstance) => new()
    {
        TopLevel = new TopLevelSettings { NetNamespace = ns, Instance = instance },
        Globals = new GlobalDefs
        {
            Other = dataUseInstance.Length == 0 ? default : new ValueList<RawSetting>([new RawSetting("data_use_instance",
                new ValueList<string>([.. dataUseInstance.Where(a => a != "")]), default, default)]),
        },
    };

    [Theory]
    [InlineData(DumpKind.Data, null, null, new string[0], "keepalived.data")]
    [InlineData(DumpKind.Data, "blue", "lb1", new string[0], "keepalived.data")]                 // data_use_instance not set
    [InlineData(DumpKind.Data, "blue", "lb1", new[] { "" }, "keepalived.blue_lb1.data")]
    [InlineData(DumpKind.Data, null, "lb1", new[] { "true" }, "keepalived.lb1.data")]
    [InlineData(DumpKind.Data, "blue", null, new[] { "yes" }, "keepalived.blue.data")]
    [InlineData(DumpKind.Data, "blue", "lb1", new[] { "false" }, "keepalived.data")]
    [InlineData(DumpKind.Data, null, null, new[] { "" }, "keepalived.data")]
    [InlineData(DumpKind.Stats, "blue", "lb1", new[] { "" }, "keepalived.stats")]               // only .data is renamed
    [InlineData(DumpKind.StatsClear, null, null, new string[0], "keepalived.stats")]
    [InlineData(DumpKind.Json, "blue", "lb1", new[] { "" }, "keepalived.json")]
    public void File_names_follow_keepalived(DumpKind kind, string? ns, string? instance, string[] dataUseInstance, string expected) =>
        Assert.Equal(expected, SignalDumpWriter.FileName(kind, Config(ns, instance, dataUseInstance)));

    [Fact]
    public void Writes_mode_0600_replacing_a_planted_symlink_without_following_it()
    {
        var victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(_dir, "keepalived.stats"), victim);
        var path = SignalDumpWriter.Write(DumpKind.Stats, Reports.Full(), KeepAliveConfig.Empty, _dir);
        Assert.Equal(Path.Combine(_dir, "keepalived.stats"), path);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.StartsWith("VRRP Instance: VI_1\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["keepalived.stats", "victim"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order());   // no temporary left
    }

    [Fact]
    public void An_unwritable_directory_is_an_error_that_leaves_nothing() =>
        Assert.ThrowsAny<IOException>(() => SignalDumpWriter.Write(DumpKind.Json, Reports.Full(), KeepAliveConfig.Empty, Path.Combine(_dir, "missing")));
}

using KeepAlive.Controller.CommandLine;
using KeepAlive.Controller.Daemon;

namespace KeepAlive.Controller.Tests.Daemon;

public class DaemonOptionsParserTests
{
    private static DaemonOptions Ok(params string[] args)
    {
        var (options, error) = DaemonOptionsParser.Parse(OptionParser.Parse(args), "/work");
        Assert.Null(error);
        return options!;
    }

    private static string Error(params string[] args)
    {
        var (options, error) = DaemonOptionsParser.Parse(OptionParser.Parse(args), "/work");
        Assert.Null(options);
        return error!;
    }

    [Fact]
    public void Defaults_AreKeepalivedsDefaults()
    {
        var o = Ok();
        Assert.Equal("/etc/keepalived/keepalived.conf", o.ConfigFile);
        Assert.Equal("/run/keepalived.pid", o.PidFile);
        Assert.True(o.Syslog);
        Assert.Equal(3, o.Facility);
        Assert.False(o.Foreground || o.LogConsole || o.LogDetail || o.DryRun || o.DetachedChild);
        Assert.Equal(Subsystems.All, o.Subsystems);
        Assert.Null(o.LogFile);
        Assert.Null(o.Umask);
        Assert.Empty(o.ChildPidFiles);
        Assert.Empty(o.Notes);
    }

    [Theory]
    [InlineData("0", 16)]
    [InlineData("7", 23)]
    [InlineData("local0", 16)]
    [InlineData("local5", 21)]
    [InlineData("user", 1)]
    [InlineData("daemon", 3)]
    public void Facility_AsKeepalived(string value, int facility) => Assert.Equal(facility, Ok("-S", value).Facility);

    [Theory]
    [InlineData("8")]
    [InlineData("local8")]
    [InlineData("-1")]
    [InlineData("LOCAL0")]
    [InlineData("kern")]
    [InlineData("local")]
    [InlineData("00")]
    public void Facility_Invalid_IsAnError(string value) => Assert.Contains($"invalid log facility '{value}'", Error("-S", value));

    [Theory]
    [InlineData("022", 18)]
    [InlineData("0", 0)]
    [InlineData("0777", 511)]
    [InlineData("18", 18)]
    [InlineData("0x12", 18)]
    public void Umask_CNotation(string value, int mask) => Assert.Equal(mask, Ok("-u", value).Umask);

    [Theory]
    [InlineData("01000")]
    [InlineData("512")]
    [InlineData("08")]
    [InlineData("0x")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999999999999")]
    public void Umask_Invalid_IsAnError(string value) => Assert.Contains($"invalid umask '{value}'", Error("-u", value));

    [Theory]
    [InlineData(new[] { "-P" }, Subsystems.VrrpOnly)]
    [InlineData(new[] { "-C" }, Subsystems.CheckersOnly)]
    [InlineData(new[] { "-P", "-C" }, Subsystems.All)]
    [InlineData(new string[0], Subsystems.All)]
    public void Subsystems_FromPAndC(string[] args, Subsystems expected) => Assert.Equal(expected, Ok(args).Subsystems);

    [Fact]
    public void DontReleaseVrrp_IsCarried_WithoutANote()
    {
        var options = Ok("-V");
        Assert.True(options.DontReleaseVrrp);
        Assert.DoesNotContain(options.Notes, n => n.Contains("-V", StringComparison.Ordinal));
    }

    [Fact]
    public void DontReleaseIpvs_IsAnOptionNotANote()
    {
        var options = Ok("-I");
        Assert.True(options.DontReleaseIpvs);
        Assert.DoesNotContain(options.Notes, n => n.Contains("-I", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckersOnly_SaysThatNoVrrpRuns() => Assert.Contains(Ok("-C").Notes, n => n.Contains("starts no VRRP", StringComparison.Ordinal));

    [Theory]
    [InlineData("-B", "BFD")]
    [InlineData("--all", "every subsystem")]
    [InlineData("-R", "no child to respawn")]
    [InlineData("-X", "-X")]
    public void CompatibilityOptions_AreAccepted_WithANote(string option, string fragment) =>
        Assert.Contains(Ok(option).Notes, n => n.Contains(fragment, StringComparison.Ordinal));

    [Fact]
    public void Paths_AreMadeAbsolute_AgainstTheWorkingDirectory()
    {
        var o = Ok("-f", "k.conf", "-p", "run/k.pid", "-r", "v.pid", "-c", "/c.pid", "-g", "-glog/k.log");
        Assert.Equal("/work/k.conf", o.ConfigFile);
        Assert.Equal("/work/run/k.pid", o.PidFile);
        Assert.Equal(["/work/v.pid", "/c.pid"], o.ChildPidFiles);
        Assert.Equal("/work/log/k.log", o.LogFile);
    }

    [Fact]
    public void LogFile_WithoutValue_IsTheDefault() => Assert.Equal(DaemonOptions.DefaultLogFile, Ok("-g").LogFile);

    [Fact]
    public void Namespace_ChangesTheDefaultPidFile()
    {
        Assert.Equal("/run/keepalived/blue/keepalived.pid", Ok("-s", "blue").PidFile);
        Assert.Equal("/p.pid", Ok("-s", "blue", "-p", "/p.pid").PidFile);
        Assert.Equal("blue", Ok("-s", "blue").Namespace);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    public void Namespace_NotAName_IsAnError(string ns) => Assert.Contains("is not a network namespace name", Error("-s", ns));

    [Fact]
    public void Flags_AreCarried()
    {
        var o = Ok("-n", "-l", "-D", "-G", "-a", "-m", "-d", "-e", "--strict", "--dry-run", "-i", "lb1", "-g/l", "--flush-log-file", "--daemon-child");
        Assert.True(o.Foreground && o.LogConsole && o.LogDetail && !o.Syslog && o.AddressMonitoring && o.CoreDump && o.DumpConf
            && o.AllConfig && o.Strict && o.DryRun && o.FlushLogFile && o.DetachedChild);
        Assert.Equal("lb1", o.ConfigId);
    }

    [Theory]
    [InlineData(new[] { "-X", "-V" }, "contradict")]
    [InlineData(new[] { "--flush-log-file" }, "needs -g")]
    [InlineData(new[] { "-M" }, "core_pattern")]
    [InlineData(new[] { "-Mcore.%p" }, "core_pattern")]
    [InlineData(new[] { "-T" }, "genhash")]
    [InlineData(new[] { "--config-fd", "3" }, "internal")]
    public void Conflicts_AndRefusals_AreClearErrors(string[] args, string fragment) => Assert.Contains(fragment, Error(args));
}

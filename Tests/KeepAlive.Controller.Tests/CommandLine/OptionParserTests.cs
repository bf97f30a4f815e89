using KeepAlive.Controller.CommandLine;

namespace KeepAlive.Controller.Tests.CommandLine;

public class OptionParserTests
{
    [Theory]
    [InlineData(new[] { "-f", "/a.conf" }, "/a.conf")]
    [InlineData(new[] { "-f/a.conf" }, "/a.conf")]
    [InlineData(new[] { "--use-file", "/a.conf" }, "/a.conf")]
    [InlineData(new[] { "--use-file=/a.conf" }, "/a.conf")]
    [InlineData(new[] { "--use=/a.conf" }, "/a.conf")]
    public void RequiredValues_AttachedOrFollowing(string[] args, string expected)
    {
        var p = OptionParser.Parse(args);
        Assert.Null(p.Error);
        Assert.Equal(expected, p.Value("use-file"));
    }

    [Fact]
    public void ShortOptions_Group_AndTheLastTakesTheValue()
    {
        var p = OptionParser.Parse(["-lnDf", "/x.conf"]);
        Assert.Null(p.Error);
        Assert.True(p.Has("log-console") && p.Has("dont-fork") && p.Has("log-detail"));
        Assert.Equal("/x.conf", p.Value("use-file"));
    }

    [Fact]
    public void OptionalValue_OnlyWhenAttached()
    {
        Assert.Equal("/log", OptionParser.Parse(["-t/log"]).Value("config-test"));
        Assert.Equal("/log", OptionParser.Parse(["--config-test=/log"]).Value("config-test"));
        var p = OptionParser.Parse(["-t", "-f", "/c"]);
        Assert.True(p.Has("config-test"));
        Assert.Null(p.Value("config-test"));
        Assert.Equal("/c", p.Value("use-file"));
    }

    [Theory]
    [InlineData("-Z", "invalid option -- 'Z'")]
    [InlineData("--frobnicate", "unrecognized option '--frobnicate'")]
    [InlineData("--d", "ambiguous")]
    [InlineData("-f", "requires an argument")]
    [InlineData("--version=3", "doesn't allow an argument")]
    [InlineData("--use-file=", "non-empty")]
    public void BadOptions_AreErrors(string arg, string fragment)
    {
        Assert.Contains(fragment, OptionParser.Parse([arg]).Error);
    }

    [Fact]
    public void EveryKeepalivedOption_IsRecognised()
    {
        // keepalived 2.2.7 main.c long_options (Debian build).
        string[] keepalived =
        [
            "use-file", "vrrp", "check", "no_bfd", "all", "log-console", "log-detail", "log-facility", "log-file", "all-config",
            "flush-log-file", "no-syslog", "umask", "release-vips", "dont-release-vrrp", "dont-release-ipvs", "dont-respawn",
            "dont-fork", "dump-conf", "pid", "vrrp_pid", "genhash", "checkers_pid", "address-monitoring", "bfd_pid", "snmp",
            "snmp-agent-socket", "core-dump", "core-dump-pattern", "namespace", "config-id", "signum", "config-test", "config-fd",
            "version", "help",
        ];
        foreach (var name in keepalived)
            Assert.Contains(OptionSpec.All, o => o.Long == name);
        const string shortOptions = "vhlndu:DRS:f:p:i:es:mM::g::Gt::PCr:VXac:ITBb:xA:";
        foreach (var c in shortOptions.Where(char.IsLetter))
            Assert.Contains(OptionSpec.All, o => o.Short == c);
    }
}

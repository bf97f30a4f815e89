using KeepAlive.Controller.Genhash;

namespace KeepAlive.Controller.Tests.Genhash;

/// <summary>When a command line is genhash's (keepalived 2.2.7 main.c: argv[0] "genhash", or -T/--genhash).</summary>
public class GenhashEntryTests
{
    [Theory]
    [InlineData("genhash")]
    [InlineData("/usr/bin/genhash")]
    public void Invoked_as_genhash_every_argument_is_genhash_own(string argv0)
    {
        var e = GenhashEntry.Find(["-s", "10.0.0.1"], argv0);
        Assert.Equal(new[] { "-s", "10.0.0.1" }, e!.Args);
        Assert.True(e.AmGenhash);
    }

    [Theory]
    [InlineData("-T")]
    [InlineData("--genhash")]
    [InlineData("--gen")]
    public void T_first_hands_the_rest_to_genhash(string option)
    {
        var e = GenhashEntry.Find([option, "-s", "10.0.0.1", "-p", "80"], "/usr/sbin/keepalive");
        Assert.Equal(new[] { "-s", "10.0.0.1", "-p", "80" }, e!.Args);
        Assert.False(e.AmGenhash);
        Assert.Null(e.Warning);
    }

    [Fact]
    public void T_after_other_options_ignores_them_with_keepalived_warning()
    {
        var e = GenhashEntry.Find(["-n", "-l", "-T", "-s", "10.0.0.1"], "keepalive");
        Assert.Equal(new[] { "-s", "10.0.0.1" }, e!.Args);
        Assert.Equal("Warning -- `-T` not used as first option, previous options ignored", e.Warning);
    }

    [Theory]
    [InlineData((object)new[] { "-n", "-f", "/etc/keepalived/keepalived.conf" })]
    [InlineData((object)new[] { "-f", "-T" })] // -T is the value of -f here
    [InlineData((object)new[] { "--use-file", "-T" })]
    [InlineData((object)new[] { "--", "-T" })]
    public void Otherwise_the_command_line_is_keepalive_own(string[] args) => Assert.Null(GenhashEntry.Find(args, "keepalive"));
}

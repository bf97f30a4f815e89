using System.Net;
using KeepAlive.Controller.Genhash;

namespace KeepAlive.Controller.Tests.Genhash;

/// <summary>genhash's options as keepalived 2.2.7 check_genhash_parse_cmdline reads them.</summary>
public class GenhashOptionsTests
{
    [Fact]
    public void All_options_are_read()
    {
        var (o, error) = GenhashOptions.Parse(["-S", "-I", "-s", "2001:db8::5", "-p", "8443", "-u", "/a", "-V", "www.test", "-P", "1.0c", "-m", " 7", "-t", "3", "-v"]);
        Assert.Null(error);
        Assert.Equal(new GenhashOptions(IPAddress.Parse("2001:db8::5"), 8443, "/a", true, true, "www.test", "1.0C", 7, TimeSpan.FromSeconds(3), true), o);
    }

    [Fact]
    public void Long_options_and_their_abbreviations_work()
    {
        var (o, _) = GenhashOptions.Parse(["--server=10.0.0.1", "--port", "80", "--url", "/", "--proto", "1.1", "--use-v", "h"]);
        Assert.Equal("1.1", o!.Protocol);
        Assert.Equal("h", o.Virtualhost);
    }

    [Fact]
    public void Defaults_are_keepalived_own()
    {
        var (o, _) = GenhashOptions.Parse(["-s", "10.0.0.1", "-p", "80", "-u", "/"]);
        Assert.Equal("1.0", o!.Protocol);
        Assert.False(o.Ssl || o.Sni || o.Verbose);
        Assert.Null(o.Fwmark);
        Assert.Equal(TimeSpan.FromMicroseconds(uint.MaxValue), o.Timeout);
    }

    [Fact]
    public void The_last_url_is_the_one_checked()
    {
        var (o, _) = GenhashOptions.Parse(["-s", "10.0.0.1", "-p", "80", "-u", "/first", "-u", "/second"]);
        Assert.Equal("/second", o!.Url);
    }

    [Fact]
    public void The_timeout_wraps_in_keepalived_32_bit_microseconds() =>
        Assert.Equal(TimeSpan.FromMicroseconds(705_032_704), GenhashOptions.Parse(["-s", "10.0.0.1", "-p", "80", "-u", "/", "-t", "5000"]).Options!.Timeout);

    [Theory]
    [InlineData(new[] { "-s", "www.example.com", "-p", "80", "-u", "/" }, "server should be an IP, not www.example.com")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "0", "-u", "/" }, "invalid port number '0'")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "65536", "-u", "/" }, "invalid port number '65536'")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "80x", "-u", "/" }, "invalid port number '80x'")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "80", "-u", "/", "-P", "2" }, "invalid HTTP protocol version '2'")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "80", "-u", "/", "-m", "-1" }, "invalid fwmark '-1'")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "80", "-u", "/", "-t", "1.5" }, "invalid timeout '1.5'")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "80", "-u", "/", "-t", "" }, "invalid timeout ''")]
    [InlineData(new[] { "-s", "10.0.0.1", "-p", "80", "-u", "/", "extra" }, "Unexpected argument(s): extra")]
    [InlineData(new[] { "-x" }, "invalid option -- 'x'")]
    [InlineData(new[] { "-s" }, "option requires an argument -- 's'")]
    public void Bad_values_are_errors_with_keepalived_words(string[] args, string expected) =>
        Assert.Equal(expected, GenhashOptions.Parse(args).Error);

    [Theory]
    [InlineData((object)new[] { "-h" })]
    [InlineData((object)new[] { "-s", "10.0.0.1", "-p", "80" })]
    [InlineData((object)new[] { "-p", "80", "-u", "/" })]
    [InlineData((object)new[] { "-s", "10.0.0.1", "-u", "/" })]
    public void Help_or_a_missing_required_option_means_usage(string[] args)
    {
        var (o, error) = GenhashOptions.Parse(args);
        Assert.Null(o);
        Assert.Null(error);
    }

    [Fact]
    public async Task Usage_errors_exit_1_and_print_keepalived_usage()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(1, await GenhashCommand.RunAsync(["-s", "nowhere", "-p", "80", "-u", "/"], "genhash", true, stdout, stderr));
        Assert.StartsWith("server should be an IP, not nowhere\nUsage: genhash COMMAND [OPTIONS]\n", stderr.ToString());
        Assert.Equal(string.Empty, stdout.ToString());
        Assert.Equal(1, await GenhashCommand.RunAsync(["-h"], "genhash", true, stdout, stderr));
        Assert.Equal(1, await GenhashCommand.RunAsync([], "keepalive", false, stdout, new StringWriter()));
    }
}

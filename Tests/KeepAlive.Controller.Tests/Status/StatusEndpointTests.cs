using System.Net;
using KeepAlive.Controller.CommandLine;
using KeepAlive.Controller.Status;

namespace KeepAlive.Controller.Tests.Status;

/// <summary>--http ADDR:PORT and the bind policy.</summary>
public class StatusEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:9650", "127.0.0.1", 9650)]
    [InlineData("[::1]:9650", "::1", 9650)]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1)]
    [InlineData("[::]:65535", "::", 65535)]
    public void Good_endpoints(string text, string address, int port)
    {
        Assert.True(StatusEndpoint.TryParse(text, out var ep, out var error), error);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), ep);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("9650")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData(":9650")]
    [InlineData("localhost:9650")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:+80")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("::1:9650")]
    [InlineData("[fe80::1%eth0]:9650")]
    [InlineData("300.1.1.1:80")]
    public void Bad_endpoints_say_why(string? text)
    {
        Assert.False(StatusEndpoint.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.1.2.3", false)]
    [InlineData("::1", false)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("192.0.2.1", true)]
    public void Only_loopback_binds_are_quiet(string address, bool warns) =>
        Assert.Equal(warns, StatusEndpoint.BindWarning(new IPEndPoint(IPAddress.Parse(address), 9650)) is not null);

    [Fact]
    public void The_option_is_declared() => Assert.Contains(OptionSpec.All, o => o.Long == "http" && o.Argument == OptionArgument.Required);
}

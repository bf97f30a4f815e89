using System.Net;
using System.Text;
using KeepAlive.Actors.Lvs.Probes;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>The request keepalived 2.2.7 http_request_thread sends, and where its Host and SNI names come from.</summary>
public class HttpCheckTargetTests
{
    [Theory]
    [InlineData("1.0", "GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 10.0.0.2:8080\r\n\r\n")]
    [InlineData("1.0C", "GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 10.0.0.2:8080\r\n\r\n")]
    [InlineData("1.1", "GET /health HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: 10.0.0.2:8080\r\n\r\n")]
    public void Request_bytes_are_keepalived_template(string protocol, string expected)
    {
        var host = HttpCheckTarget.HostHeader(null, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 8080));
        Assert.Equal(expected, Encoding.UTF8.GetString(HttpCheckTarget.Request("/health", protocol, host)));
    }

    [Theory]
    [InlineData("10.0.0.2", 80, null, "10.0.0.2:80")]
    [InlineData("2001:db8::2", 443, null, "[2001:db8::2]:443")]
    [InlineData("2001:db8::2", 443, "www.example.com", "www.example.com")] // a virtualhost gets no port
    [InlineData("10.0.0.2", 80, "www.example.com:8080", "www.example.com:8080")]
    public void Host_header_is_the_virtualhost_or_the_target(string address, int port, string? vhost, string expected) =>
        Assert.Equal(expected, HttpCheckTarget.HostHeader(vhost, new IPEndPoint(IPAddress.Parse(address), port)));

    [Theory]
    [InlineData("u", "c", "r", "v", "u")]
    [InlineData(null, "c", "r", "v", "c")]
    [InlineData(null, null, "r", "v", "r")]
    [InlineData(null, null, null, "v", "v")]
    [InlineData(null, null, null, null, null)]
    public void Virtualhost_is_url_then_checker_then_real_then_virtual_server(string? url, string? checker, string? rs, string? vs, string? expected) =>
        Assert.Equal(expected, HttpCheckTarget.Virtualhost(url, checker, rs, vs));

    [Theory]
    [InlineData(false, "u", "c", "r", "v", null)] // no enable_sni: no SNI at all
    [InlineData(true, "u", "c", "r", "v", "u")]
    [InlineData(true, null, "c", "r", "v", "c")]
    [InlineData(true, null, "r", "r", "v", "v")] // the checker's value is the real server's, inherited: keepalived skips it
    [InlineData(true, null, null, null, "v", "v")]
    [InlineData(true, null, null, null, null, null)]
    public void Sni_is_url_then_checker_then_virtual_server(bool enable, string? url, string? checker, string? rs, string? vs, string? expected) =>
        Assert.Equal(expected, HttpCheckTarget.SniName(enable, url, checker, rs, vs));
}

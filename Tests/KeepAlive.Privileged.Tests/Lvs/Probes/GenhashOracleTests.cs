using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KeepAlive.Privileged.Tests.Interop;
using Xunit.Abstractions;
using static KeepAlive.Privileged.Tests.Lvs.Probes.HttpBackends;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// Our genhash against Debian's keepalived 2.2.7 genhash (/usr/bin/genhash), both run in a namespace of ours on the
/// same backend: for each kind of response their output (digest, or the failure text) is the same.
/// </summary>
[Collection("privileged")]
public sealed class GenhashOracleTests(ITestOutputHelper output) : ProbeLabTests(output)
{
    private static readonly byte[] Binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
    private static readonly string Big = string.Concat(Enumerable.Range(0, 2000).Select(i => $"row {i:D5} of a large page\n"));

    private readonly X509Certificate2 _cert = SelfSigned("genhash.test");
    private readonly ConcurrentQueue<string> _requests = new();

    protected override void Dispose(bool disposing) => _cert.Dispose();

    /// <summary>The response for each path.</summary>
    private static string Respond(string request)
    {
        var path = request.Split(' ')[1];
        return path switch
        {
            "/plain" => Ok("hello\n"),
            "/nolength" => Ok("no length given\n", contentLength: false),
            "/chunked" => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n",
            "/short" => "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabcdef",
            "/404" => Ok("<h1>not here</h1>", "404 Not Found"),
            "/big" => Ok(Big),
            "/binary" => Ok(Encoding.Latin1.GetString(Binary)),
            "/nohead" => "HTTP/1.0 200 OK\r\nServer: broken\r\n",
            _ => Ok("default"),
        };
    }

    private (int Code, string Output) Ours(params string[] args) =>
        Lab.Namespace.Exec(KeepAliveProcess.Command[0], KeepAliveProcess.Command.Skip(1).Append("--genhash").Concat(args), TimeSpan.FromSeconds(30));

    private (int Code, string Output) Theirs(params string[] args) =>
        Lab.Namespace.Exec("genhash", args, TimeSpan.FromSeconds(30));

    private void Same(string what, string[] args)
    {
        var theirs = Theirs(args);
        var ours = Ours(args);
        Output.WriteLine($"{what}: genhash -> {theirs.Code} '{theirs.Output.Trim()}', ours -> {ours.Code} '{ours.Output.Trim()}'");
        Assert.Equal(theirs.Output, ours.Output);
        Assert.Equal(theirs.Code, ours.Code);
    }

    [SkippableTheory]
    [InlineData("/plain")]
    [InlineData("/nolength")]
    [InlineData("/chunked")]
    [InlineData("/short")]
    [InlineData("/404")]
    [InlineData("/big")]
    [InlineData("/binary")]
    [InlineData("/nohead")]
    public void Our_digest_is_keepalived_genhash_digest(string path)
    {
        Privilege.Require("ip", "genhash");
        var server = Lab.Serve(Plain(Answer(Respond, _requests)));
        Same(path, ["-s", "127.0.0.1", "-p", server.Endpoint.Port.ToString(), "-u", path]);
        Assert.Equal(2, _requests.Count);
        Assert.Equal(_requests.First(), _requests.Last());
    }

    [SkippableFact]
    public void Virtualhost_and_protocol_reach_the_backend_as_keepalived_sends_them()
    {
        Privilege.Require("ip", "genhash");
        var server = Lab.Serve(Plain(Answer(Respond, _requests)));
        Same("vhost 1.1", ["-s", "127.0.0.1", "-p", server.Endpoint.Port.ToString(), "-u", "/plain", "-V", "www.example.test", "-P", "1.1"]);
        Assert.Equal(_requests.First(), _requests.Last());
        Assert.Contains("Host: www.example.test\r\n", _requests.First());
    }

    [SkippableFact]
    public void Over_tls_with_sni_the_digest_is_the_same()
    {
        Privilege.Require("ip", "genhash");
        var names = new ConcurrentQueue<string>();
        var server = Lab.Serve(Tls(_cert, Answer(Respond, _requests), names));
        Same("tls sni", ["-S", "-I", "-V", "sni.example.test", "-s", "127.0.0.1", "-p", server.Endpoint.Port.ToString(), "-u", "/big"]);
        Assert.Equal(["sni.example.test", "sni.example.test"], names.ToArray());
    }

    [SkippableFact]
    public void A_refused_connection_prints_the_same_failure()
    {
        Privilege.Require("ip", "genhash");
        Same("refused", ["-s", "127.0.0.1", "-p", "1", "-u", "/"]);
    }

    [SkippableFact]
    public void A_hanging_backend_prints_the_same_timeout()
    {
        Privilege.Require("ip", "genhash");
        var server = Lab.Serve(Plain(Hang));
        Same("hang", ["-s", "127.0.0.1", "-p", server.Endpoint.Port.ToString(), "-u", "/", "-t", "1"]);
    }

    [SkippableFact]
    public void Verbose_head_and_hash_sections_match()
    {
        Privilege.Require("ip", "genhash");
        var server = Lab.Serve(Plain(Answer(Respond, _requests)));
        string[] args = ["-v", "-s", "127.0.0.1", "-p", server.Endpoint.Port.ToString(), "-u", "/plain"];
        var theirs = Theirs(args).Output;
        var ours = Ours(args).Output;
        Output.WriteLine(theirs);
        Output.WriteLine(ours);
        // The response time differs by nature; everything before it must be the same.
        static string Stable(string s) => s[..s.IndexOf("\nGlobal response time", StringComparison.Ordinal)];
        Assert.Equal(Stable(theirs), Stable(ours));
    }

    [SkippableFact]
    public void Invoked_as_genhash_through_a_link_it_is_genhash()
    {
        Privilege.Require("ip", "genhash");
        var server = Lab.Serve(Plain(Answer(Respond, _requests)));
        var dir = Directory.CreateTempSubdirectory("ka-genhash-").FullName;
        try
        {
            var link = Path.Combine(dir, "genhash");
            File.CreateSymbolicLink(link, KeepAliveProcess.Command is [var exe] ? exe : Path.Combine(Path.GetDirectoryName(KeepAliveProcess.Executable)!, "keepalive"));
            string[] args = ["-s", "127.0.0.1", "-p", server.Endpoint.Port.ToString(), "-u", "/plain"];
            var ours = Lab.Namespace.Exec(link, args, TimeSpan.FromSeconds(30));
            Assert.Equal(Theirs(args).Output, ours.Output);
            var usage = Lab.Namespace.Exec(link, ["-h"], TimeSpan.FromSeconds(30));
            Assert.Equal(1, usage.Code);
            Assert.StartsWith($"Usage: {link} COMMAND [OPTIONS]", usage.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

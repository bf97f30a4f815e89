using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Tests.Notify;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

public sealed class HealthProbeFactoryTests
{
    private static readonly CheckerCommon Common = new() { ConnectTimeout = TimeSpan.FromSeconds(1) };

    private static readonly TrackFileConfig Tf = new() { Name = "tf", File = "/etc/keepalive-test/tf" };

    private static HealthProbeFactory Factory() => new(new ProbeServices(
        new ScriptedScriptRunner(), new FakeScriptUsers([], [], new ScriptIdentity(0, 0)), new InMemoryTrackedFiles("/etc/keepalive-test"),
        PerformInitFile: false));

    private static ProbeContext Context()
    {
        var rs = new RealServerConfig { Address = IPAddress.Parse("192.0.2.10"), Port = 80 };
        var vs = new VirtualServerConfig { Key = new VirtualServerKey.Address(IPAddress.Parse("192.0.2.1"), 80, LvsProtocol.Tcp), RealServers = new[] { rs }.ToValueList() };
        return new ProbeContext(vs, rs, null, new GlobalDefs());
    }

    public static TheoryData<string> Kinds => new() { "TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "MISC_CHECK", "FILE_CHECK" };

    private static CheckerConfig Checker(string kind) => kind switch
    {
        "TCP_CHECK" => new TcpCheckConfig(Common, default),
        "HTTP_GET" or "SSL_GET" => new HttpCheckConfig(Common, kind == "SSL_GET",
            new[] { new HttpUrl("/", null, new[] { (200, 299) }.ToValueList(), null, null, false, default) }.ToValueList(), "1.0", null, false, false, default),
        "SMTP_CHECK" => new SmtpCheckConfig(Common, null, default, default),
        "DNS_CHECK" => new DnsCheckConfig(Common, "SOA", "", default),
        "UDP_CHECK" => new UdpCheckConfig(Common, null, false, null, 0, 0, default),
        "PING_CHECK" => new PingCheckConfig(Common, default),
        "MISC_CHECK" => new MiscCheckConfig(Common, new NotifyScript("/bin/true", null, null, default), null, false, null, null, default),
        _ => new FileCheckConfig(Common, "tf", null, false, default) { Target = Tf },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_supported_checker_gets_its_probe(string kind)
    {
        using var probe = Factory().Create(Checker(kind), Context(), out var error);

        Assert.Null(error);
        Assert.NotNull(probe);
        Assert.StartsWith(kind, probe.Describe, StringComparison.Ordinal);
    }

    [Fact]
    public void BFD_CHECK_is_refused_with_its_reason()
    {
        var probe = Factory().Create(new BfdCheckConfig(Common, "bfd1", default), Context(), out var error);

        Assert.Null(probe);
        Assert.Contains("BFD_CHECK is not supported", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_FILE_CHECK_naming_an_unknown_track_file_is_refused()
    {
        var probe = Factory().Create(new FileCheckConfig(Common, "tf", null, false, default), Context(), out var error);

        Assert.Null(probe);
        Assert.False(string.IsNullOrEmpty(error));
    }
}

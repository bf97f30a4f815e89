using System.Diagnostics;
using KeepAlive.Privileged.Tests.Interop;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.EndToEnd;

/// <summary>
/// vrrp_strict on a non-owner master (accept mode off): our daemon holds the VIP but the nftables drop rules keep it
/// from answering (RFC 5798 §6.4.3), while its own address answers; the table is keepalived's (<c>ip keepalived</c>,
/// set <c>vips</c>) and is removed when the daemon stops.
/// </summary>
[Collection("privileged")]
public sealed class AcceptModeTests(ITestOutputHelper output) : IDisposable
{
    private BridgeLab? _lab;

    public void Dispose() => _lab?.Dispose();

    private const string Config = """
        global_defs {
            router_id accept-test
            vrrp_strict
        }
        vrrp_instance VI_A {
            state BACKUP
            interface lan0
            virtual_router_id 92
            priority 150
            advert_int 1
            virtual_ipaddress {
                10.8.0.192/24
            }
        }
        """;

    [SkippableFact]
    public void A_strict_non_owner_master_holds_its_vip_without_answering_for_it()
    {
        Privilege.Require("ip", "dotnet", "nft", "ping");
        _lab = new BridgeLab(2);
        var daemon = new KeepAliveProcess(_lab.Nodes[0].Name, Config);
        try
        {
            Assert.True(Poll.Until(() => _lab.Addresses(0).Contains("10.8.0.192/24"), TimeSpan.FromSeconds(30)), "never master\n" + daemon);
            var table = Nft("list", "table", "ip", "keepalived");
            output.WriteLine(table);
            Assert.Contains("10.8.0.192", table);
            Assert.False(Ping("10.8.0.192"), "a non-accepting master answered for its VIP");
            Assert.True(Ping(BridgeLab.Address(0)), "the node's own address must still answer");

            daemon.SignalTerm();
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(20)), "did not stop\n" + daemon);
            Assert.DoesNotContain("keepalived", Nft("list", "tables"));
        }
        finally
        {
            daemon.Dispose();
        }
    }

    private bool Ping(string address) =>
        _lab!.Nodes[1].Exec("ping", ["-c", "1", "-W", "1", "-n", address], TimeSpan.FromSeconds(10)).Code == 0;

    private string Nft(params string[] args)
    {
        var (code, text) = _lab!.Nodes[0].Exec("nft", args, TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"nft {string.Join(' ', args)}: {text}");
        return text;
    }
}

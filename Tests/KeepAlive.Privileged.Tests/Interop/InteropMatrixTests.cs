using System.Diagnostics;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// Ours and keepalived 2.2.7 as a pair on a veth link between two namespaces of ours, in both roles, for VRRPv2 and
/// v3, IPv4 and IPv6, multicast and unicast, no auth and PASS: the higher priority one holds the VIP while the other
/// stays BACKUP (each decodes the other's adverts), and on SIGTERM the master's priority-0 advert hands the VIP over in
/// skew time, which only a peer that understood it can do (without it: Master_Down_Interval, 3.6 s).
/// (v3/IPv4/multicast is KeepAliveServiceTests; AH is KeepalivedAhPeerTests at the socket level.)
/// </summary>
[Collection("privileged")]
public sealed class InteropMatrixTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The backup takes over sooner than this only through the priority-0 advert (see KeepAliveServiceTests).</summary>
    private static readonly TimeSpan NoPriorityZero = TimeSpan.FromSeconds(2.6);

    private VethNamespacePair? _pair;

    private VethNamespacePair Pair => _pair ??= new VethNamespacePair();

    public void Dispose() => _pair?.Dispose();

    public sealed record Case(int Version, bool IPv6, bool Unicast, bool Pass)
    {
        public string Vip => IPv6 ? "fd00:7::100/64" : "10.7.0.100/24";

        public override string ToString() => $"v{Version} {(IPv6 ? "IPv6" : "IPv4")} {(Unicast ? "unicast" : "multicast")}{(Pass ? " PASS" : "")}";
    }

    public static TheoryData<int, bool, bool, bool, bool> Cases()
    {
        var data = new TheoryData<int, bool, bool, bool, bool>();
        foreach (var oursHigher in new[] { true, false })
        {
            data.Add(2, false, false, false, oursHigher);
            data.Add(2, false, false, true, oursHigher);
            data.Add(2, false, true, false, oursHigher);
            data.Add(3, false, true, false, oursHigher);
            data.Add(3, true, false, false, oursHigher);
            data.Add(3, true, true, false, oursHigher);
        }
        return data;
    }

    private static string Config(Case c, bool sideA, int priority)
    {
        string iface = sideA ? VethNamespacePair.InterfaceA : VethNamespacePair.InterfaceB;
        var self = c.IPv6 ? (sideA ? VethNamespacePair.IPv6A : VethNamespacePair.IPv6B) : (sideA ? VethNamespacePair.IPv4A : VethNamespacePair.IPv4B);
        var peer = c.IPv6 ? (sideA ? VethNamespacePair.IPv6B : VethNamespacePair.IPv6A) : (sideA ? VethNamespacePair.IPv4B : VethNamespacePair.IPv4A);
        string unicast = c.Unicast ? $"unicast_src_ip {self}\n    unicast_peer {{\n        {peer}\n    }}" : "";
        string auth = c.Pass ? "authentication {\n        auth_type PASS\n        auth_pass m4tr1x\n    }" : "";
        return $$"""
            global_defs {
                router_id matrix-{{priority}}
                vrrp_version {{c.Version}}
            }
            vrrp_instance VI_M {
                state BACKUP
                interface {{iface}}
                virtual_router_id 63
                priority {{priority}}
                advert_int 1
                {{unicast}}
                {{auth}}
                virtual_ipaddress {
                    {{c.Vip}}
                }
            }
            """;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void The_higher_priority_holds_the_vip_and_hands_it_over_with_priority_zero(int version, bool ipv6, bool unicast, bool pass, bool oursHigher)
    {
        Privilege.Require("keepalived", "ip", "dotnet");
        var c = new Case(version, ipv6, unicast, pass);
        // Ours always runs in A, keepalived in B.
        using var keepalived = new KeepalivedProcess(Pair.B.Name, Config(c, sideA: false, oursHigher ? 100 : 150));
        using var ours = new KeepAliveProcess(Pair.A.Name, Config(c, sideA: true, oursHigher ? 150 : 100),
            ["-n", "-l", "-G", "-p", "{dir}/keepalive.pid", "--http", $"127.0.0.1:{StatusPort}"]);
        var (master, backup) = oursHigher ? (Pair.A, Pair.B) : (Pair.B, Pair.A);
        string logs() => $"\n--- ours:\n{ours}\n--- keepalived:\n{string.Join('\n', keepalived.Log.TakeLast(40))}";

        Assert.True(Poll.Until(() => HasVip(master, c), TimeSpan.FromSeconds(20)), $"{c}: the higher priority never held the VIP{logs()}");
        Thread.Sleep(3000);                                   // three adverts: the lower one stays BACKUP
        Assert.True(HasVip(master, c), $"{c}: the master lost the VIP{logs()}");
        Assert.False(HasVip(backup, c), $"{c}: the lower priority took the VIP while the higher is MASTER{logs()}");
        if (!oursHigher)
        {
            // Ours as backup: keepalived's repeated adverts are absorbed by the receive thread, yet all counted.
            var (received, absorbed, counted) = ReceiveCounters();
            output.WriteLine($"{c}: ours as backup received {received}, absorbed {absorbed}, counted {counted} by the instance");
            Assert.True(absorbed >= 2 && absorbed < received, $"{c}: {absorbed} of {received} adverts absorbed{logs()}");
            Assert.True(counted >= received - 1, $"{c}: the instance counted {counted} of {received}{logs()}");   // one may land between the two reads
        }

        var clock = Stopwatch.StartNew();
        if (oursHigher)
            ours.SignalTerm();
        else
            keepalived.SignalTerm();
        Assert.True(Poll.Until(() => HasVip(backup, c), TimeSpan.FromSeconds(6)), $"{c}: no takeover after SIGTERM{logs()}");
        var took = clock.Elapsed;
        output.WriteLine($"{c}, {(oursHigher ? "ours → keepalived" : "keepalived → ours")}: SIGTERM → VIP on the peer in {took.TotalMilliseconds:0} ms");
        Assert.True(took < NoPriorityZero, $"{c}: takeover took {took.TotalMilliseconds:0} ms: the priority-0 advert was not understood{logs()}");
        if (oursHigher)
        {
            Assert.True(ours.WaitForExit(TimeSpan.FromSeconds(20)), "ours did not exit on SIGTERM" + logs());
            Assert.Equal(0, ours.ExitCode);
            Assert.False(HasVip(Pair.A, c), "ours left the VIP behind");
        }
    }

    private const int StatusPort = 9652;

    /// <summary>Our socket's received and absorbed datagrams and the instance's adverts received, from /status.</summary>
    private (long Received, long Absorbed, long Counted) ReceiveCounters()
    {
        var (code, text) = Pair.A.Exec("python3", ["-c", $"import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:{StatusPort}/status', timeout=5).read().decode())"], TimeSpan.FromSeconds(10));
        Assert.True(code == 0, "GET /status: " + text);
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var socket = json.RootElement.GetProperty("sockets").EnumerateArray().Single();
        var instance = json.RootElement.GetProperty("instances").EnumerateArray().Single();
        return (socket.GetProperty("received").GetInt64(), socket.GetProperty("absorbed").GetInt64(),
            instance.GetProperty("stats").GetProperty("advert_rcvd").GetInt64());
    }

    private static bool HasVip(NetworkNamespace ns, Case c) =>
        ns.Exec("ip", [c.IPv6 ? "-6" : "-4", "addr", "show"], TimeSpan.FromSeconds(5)).Output.Contains(c.Vip, StringComparison.Ordinal);
}

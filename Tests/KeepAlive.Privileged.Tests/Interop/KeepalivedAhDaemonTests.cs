using System.Diagnostics;
using System.Text.Json;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// Our daemon and keepalived 2.2.7 with VRRPv2 "auth_type AH" (IPv4, advert_int 1) on a veth link between two
/// namespaces of ours, multicast and unicast, in both roles: the higher priority holds the VIP while the other stays
/// BACKUP (each verifies the other's AH header, sequence numbers included: a higher-priority ours preempts a keepalived
/// that was MASTER first, so its numbers must continue keepalived's), and on SIGTERM the priority-0 advert hands
/// the VIP over in skew time, which only a peer that accepted it can do. With different passwords each drops the
/// other's adverts, so both become MASTER (as two keepalived do), and our socket counts the drops as ah_bad_icv.
/// </summary>
[Collection("privileged")]
public sealed class KeepalivedAhDaemonTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The backup takes over sooner than this only through the priority-0 advert (Master_Down_Interval is 3.6 s).</summary>
    private static readonly TimeSpan NoPriorityZero = TimeSpan.FromSeconds(2.6);

    private const string Vip = "10.7.0.150/24";

    private VethNamespacePair? _pair;

    private VethNamespacePair Pair => _pair ??= new VethNamespacePair();

    public void Dispose() => _pair?.Dispose();

    private static string Config(bool sideA, bool unicast, int priority, string password, int advertInt = 1)
    {
        string iface = sideA ? VethNamespacePair.InterfaceA : VethNamespacePair.InterfaceB;
        var self = sideA ? VethNamespacePair.IPv4A : VethNamespacePair.IPv4B;
        var peer = sideA ? VethNamespacePair.IPv4B : VethNamespacePair.IPv4A;
        string peers = unicast ? $"unicast_src_ip {self}\n    unicast_peer {{\n        {peer}\n    }}" : "";
        return $$"""
            global_defs {
                router_id ah-{{priority}}
            }
            vrrp_instance VI_AH {
                state BACKUP
                interface {{iface}}
                virtual_router_id 64
                priority {{priority}}
                advert_int {{advertInt}}
                {{peers}}
                authentication {
                    auth_type AH
                    auth_pass {{password}}
                }
                virtual_ipaddress {
                    {{Vip}}
                }
            }
            """;
    }

    public static TheoryData<bool, bool> Cases() => new() { { false, true }, { false, false }, { true, true }, { true, false } };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void The_higher_priority_holds_the_vip_and_hands_it_over_with_an_ah_priority_zero_advert(bool unicast, bool oursHigher)
    {
        Privilege.Require("keepalived", "ip", "dotnet");
        string mode = unicast ? "unicast" : "multicast";
        using var keepalived = new KeepalivedProcess(Pair.B.Name, Config(sideA: false, unicast, oursHigher ? 100 : 150, "ahs3cret"));
        // A higher-priority ours preempts a keepalived MASTER that has numbered its adverts for a while: its own
        // must go on above the numbers it heard, or keepalived drops them as replays and both stay MASTER.
        if (oursHigher)
            Assert.True(keepalived.WaitFor("(VI_AH) Entering MASTER STATE", TimeSpan.FromSeconds(10)), "keepalived alone never became MASTER\n" + keepalived);
        using var ours = new KeepAliveProcess(Pair.A.Name, Config(sideA: true, unicast, oursHigher ? 150 : 100, "ahs3cret"));
        var (master, backup) = oursHigher ? (Pair.A, Pair.B) : (Pair.B, Pair.A);
        string logs() => $"\n--- ours:\n{ours}\n--- keepalived:\n{string.Join('\n', keepalived.Log.TakeLast(40))}";

        Assert.True(Poll.Until(() => HasVip(master), TimeSpan.FromSeconds(20)), $"AH {mode}: the higher priority never held the VIP{logs()}");
        Thread.Sleep(3000);                                   // three adverts: the lower one stays BACKUP
        Assert.True(HasVip(master), $"AH {mode}: the master lost the VIP{logs()}");
        Assert.False(HasVip(backup), $"AH {mode}: the lower priority took the VIP while the higher is MASTER{logs()}");
        Assert.Equal(0, keepalived.Count("IPSEC"));           // keepalived refused none of ours (ICV, SPI, sequence)
        Assert.Equal(0, ours.Count("discarded an advert"));

        var clock = Stopwatch.StartNew();
        if (oursHigher)
            ours.SignalTerm();
        else
            keepalived.SignalTerm();
        Assert.True(Poll.Until(() => HasVip(backup), TimeSpan.FromSeconds(6)), $"AH {mode}: no takeover after SIGTERM{logs()}");
        var took = clock.Elapsed;
        output.WriteLine($"AH {mode}, {(oursHigher ? "ours → keepalived" : "keepalived → ours")}: SIGTERM → VIP on the peer in {took.TotalMilliseconds:0} ms");
        Assert.True(took < NoPriorityZero, $"AH {mode}: takeover took {took.TotalMilliseconds:0} ms: the priority-0 advert was not accepted{logs()}");
        Assert.Equal(0, keepalived.Count("IPSEC"));           // nor did it refuse any later, the priority-0 advert included
        Assert.Equal(0, ours.Count("discarded an advert"));
        if (oursHigher)
        {
            Assert.True(ours.WaitForExit(TimeSpan.FromSeconds(20)), "ours did not exit on SIGTERM" + logs());
            Assert.Equal(0, ours.ExitCode);
            Assert.False(HasVip(Pair.A), "ours left the VIP behind");
        }
    }

    [SkippableFact]
    public void With_different_passwords_both_become_master_and_ours_counts_bad_icv()
    {
        Privilege.Require("keepalived", "ip", "dotnet", "python3");
        using var keepalived = new KeepalivedProcess(Pair.B.Name, Config(sideA: false, unicast: false, 150, "theirpw"));
        // Ours advertises every 3 s: keepalived 2.2.7 re-arms its advert timer on every packet it receives, even one
        // it rejects, so a peer advertising at its own interval can silence it for good (the phase decides) and
        // there would be nothing left for ours to count.
        using var ours = new KeepAliveProcess(Pair.A.Name, Config(sideA: true, unicast: false, 100, "ourpw", advertInt: 3),
            ["-n", "-l", "-G", "-p", "{dir}/keepalive.pid", "--http", "127.0.0.1:9651"]);
        Assert.True(ours.WaitFor("keepalive: running ", KeepAliveProcess.StartBound), "ours did not start\n" + ours);
        string logs() => $"\n--- ours:\n{ours}\n--- keepalived:\n{string.Join('\n', keepalived.Log.TakeLast(40))}";

        Assert.True(Poll.Until(() => HasVip(Pair.A) && HasVip(Pair.B), TimeSpan.FromSeconds(25)), "not both MASTER" + logs());
        Assert.True(keepalived.WaitFor("IPSEC-AH : invalid IPSEC HMAC-MD5 value", TimeSpan.FromSeconds(8)), "keepalived accepted ours" + logs());
        Assert.True(ours.WaitFor("IPSEC-AH: invalid HMAC-MD5 value", TimeSpan.FromSeconds(5)), "ours did not log the discard" + logs());
        long first = BadIcv();
        Assert.True(Poll.Until(() => BadIcv() >= first + 2, TimeSpan.FromSeconds(5), everyMs: 500), $"ah_bad_icv stayed at {first}{logs()}");
        output.WriteLine($"ah_bad_icv {first} → {BadIcv()}");
    }

    /// <summary>Our AH socket's ah_bad_icv count, from /status in namespace A.</summary>
    private long BadIcv()
    {
        var (code, text) = Pair.A.Exec("python3", ["-c", "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:9651/status', timeout=5).read().decode())"], TimeSpan.FromSeconds(10));
        Assert.True(code == 0, "GET /status: " + text);
        using var json = JsonDocument.Parse(text);
        var socket = json.RootElement.GetProperty("sockets").EnumerateArray().Single(s => s.GetProperty("protocol").GetString() == "ah");
        return socket.GetProperty("discards").TryGetProperty("ah_bad_icv", out var n) ? n.GetInt64() : 0;
    }

    private static bool HasVip(NetworkNamespace ns) =>
        ns.Exec("ip", ["-4", "addr", "show"], TimeSpan.FromSeconds(5)).Output.Contains(Vip, StringComparison.Ordinal);
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>keepalived 2.2.7 as the peer on a veth pair between two of our namespaces: our decoder accepts what it
/// sends, and it accepts what our encoder sends.</summary>
[Collection("privileged")]
public sealed class KeepalivedPeerTests(ITestOutputHelper output) : IDisposable
{
    private VethNamespacePair? _pair;

    private VethNamespacePair Pair => _pair ??= new VethNamespacePair();

    public void Dispose() => _pair?.Dispose();

    private static RawVrrpSocket Open(string iface, AddressFamily family)
    {
        var opened = RawVrrpSocket.Open(iface, family, VrrpSocketOptions.Multicast);
        Assert.True(opened.IsOk, opened.Error.ToString());
        return opened.Socket!;
    }

    private const string SenderConfig = """
        global_defs {
            router_id ka-peer-a
        }
        vrrp_instance V2 {
            state BACKUP
            interface kra0
            virtual_router_id 51
            priority 150
            advert_int 1
            virtual_ipaddress {
                10.7.0.100/24
            }
        }
        vrrp_instance V2PASS {
            state BACKUP
            interface kra0
            virtual_router_id 52
            priority 150
            advert_int 1
            authentication {
                auth_type PASS
                auth_pass longer-than-8
            }
            virtual_ipaddress {
                10.7.0.101/24
                10.7.0.102/24
            }
        }
        vrrp_instance V3 {
            state BACKUP
            interface kra0
            version 3
            virtual_router_id 53
            priority 150
            advert_int 0.5
            virtual_ipaddress {
                10.7.0.103/24
            }
        }
        vrrp_instance V6 {
            state BACKUP
            interface kra0
            version 3
            native_ipv6
            virtual_router_id 54
            priority 150
            advert_int 1
            virtual_ipaddress {
                fd00:7::100/64
            }
        }
        """;

    [SkippableFact]
    public void Our_decoder_accepts_every_advert_a_running_keepalived_sends()
    {
        Privilege.Require("ip", "keepalived");
        var pair = Pair;
        using var v4 = pair.InB(() => Open(VethNamespacePair.InterfaceB, AddressFamily.InterNetwork));
        using var v6 = pair.InB(() => Open(VethNamespacePair.InterfaceB, AddressFamily.InterNetworkV6));
        using var keepalived = new KeepalivedProcess(pair.A.Name, SenderConfig);

        var seen = new Dictionary<byte, (VrrpAdvert Advert, List<IPAddress> Vips)>();
        var discards = new List<string>();
        var buffer = new byte[1500];
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(12) && seen.Count < 4)
        {
            foreach (var socket in new[] { v4, v6 })
            {
                if (!socket.TryReceive(buffer, TimeSpan.FromMilliseconds(100), out var d, out _))
                    continue;
                var payload = d.Payload.ToArray();
                byte vrid = payload.Length > 1 ? payload[1] : (byte)0;
                var context = new VrrpReceiveContext((byte)(payload[0] >> 4), d.Source, d.Destination, d.TtlOrHopLimit,
                    Authentication: vrid == 52 ? VrrpAuthentication.Password("longer-than-8") : default);
                var result = VrrpCodec.TryDecode(payload, context, out var advert);
                if (result != VrrpDiscard.None)
                {
                    discards.Add($"vrid {vrid}: {result} {Convert.ToHexString(payload)}");
                    continue;
                }
                if (advert.Priority == 0)
                    continue;
                seen[vrid] = (advert, Enumerable.Range(0, advert.AddressCount).Select(i => advert.AddressAt(payload, i)).ToList());
            }
        }
        output.WriteLine(keepalived.ToString());

        Assert.Empty(discards);
        Assert.Equal(new byte[] { 51, 52, 53, 54 }, seen.Keys.Order().ToArray());
        Assert.All(seen.Values, s => Assert.Equal(150, s.Advert.Priority));
        Assert.Equal((2, 100, VrrpChecksumFlavour.MessageOnly), (seen[51].Advert.Version, seen[51].Advert.IntervalCentiseconds, seen[51].Advert.ChecksumFlavour));
        Assert.Equal(VrrpAuthType.Password, seen[52].Advert.AuthType);
        Assert.Equal([IPAddress.Parse("10.7.0.101"), IPAddress.Parse("10.7.0.102")], seen[52].Vips);
        Assert.Equal((3, 50, VrrpChecksumFlavour.PseudoHeader), (seen[53].Advert.Version, seen[53].Advert.IntervalCentiseconds, seen[53].Advert.ChecksumFlavour));
        Assert.Equal(AddressFamily.InterNetworkV6, seen[54].Advert.Family);
        Assert.Equal([IPAddress.Parse("fd00:7::100")], seen[54].Vips);
    }

    [SkippableTheory]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    public void A_keepalived_backup_stays_backup_under_our_adverts_and_takes_over_when_they_stop(int version, bool ipv6)
    {
        Privilege.Require("ip", "keepalived");
        var pair = Pair;
        string auth = version == 2 ? "authentication {\n        auth_type PASS\n        auth_pass pw60\n    }" : "";
        string backupConfig = $$"""
            global_defs {
                router_id ka-peer-b
            }
            vrrp_instance VI {
                state BACKUP
                interface krb0
                version {{version}}
                {{(ipv6 ? "native_ipv6" : "")}}
                virtual_router_id 60
                priority 100
                advert_int 1
                {{auth}}
                virtual_ipaddress {
                    {{(ipv6 ? "fd00:7::160/64" : "10.7.0.160/24")}}
                }
            }
            """;
        var family = ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var group = ipv6 ? VrrpConstants.MulticastGroupV6 : VrrpConstants.MulticastGroupV4;
        var source = ipv6 ? VethNamespacePair.LinkLocalA : VethNamespacePair.IPv4A;
        var vip = ipv6 ? IPAddress.Parse("fd00:7::160").GetAddressBytes() : [10, 7, 0, 160];
        var password = version == 2 ? VrrpAuthentication.Password("pw60") : default;
        using var socket = pair.InA(() => Open(VethNamespacePair.InterfaceA, family));
        using var keepalived = new KeepalivedProcess(pair.B.Name, backupConfig);
        Assert.True(keepalived.WaitFor("Entering BACKUP STATE", TimeSpan.FromSeconds(10)), keepalived.ToString());

        // Our adverts: priority 200, the same VIP (and password for v2), every second for three master-down
        // intervals (keepalived's is 3 × 1 s + (256 − 100)/256 s = 3.61 s).
        var spec = new VrrpAdvertSpec((byte)version, 60, 200, 100, password);
        var advert = new byte[64];
        Assert.True(VrrpCodec.TryEncode(advert, spec, vip, source, group, out int n, out var error), error.ToString());
        var sending = Stopwatch.StartNew();
        while (sending.Elapsed < TimeSpan.FromSeconds(11))
        {
            var sent = socket.Send(advert.AsSpan(0, n), source, group);
            Assert.True(sent.IsOk, sent.ToString());
            Thread.Sleep(1000);
        }
        Assert.DoesNotContain(keepalived.Log, l => l.Contains("Entering MASTER STATE", StringComparison.Ordinal));

        var stopped = Stopwatch.StartNew();
        Assert.True(keepalived.WaitFor("(VI) Entering MASTER STATE", TimeSpan.FromSeconds(8)), keepalived.ToString());
        output.WriteLine($"keepalived took over {stopped.Elapsed.TotalSeconds:F2} s after our last advert + up to 1 s");
        output.WriteLine(keepalived.ToString());

        // And its adverts now decode here as a master's.
        var buffer = new byte[1500];
        var deadline = Stopwatch.StartNew();
        VrrpAdvert? heard = null;
        while (heard is null && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (socket.TryReceive(buffer, TimeSpan.FromMilliseconds(500), out var d, out _)
                && VrrpCodec.TryDecode(d.Payload.Span, new VrrpReceiveContext((byte)version, d.Source, d.Destination, d.TtlOrHopLimit, Authentication: password), out var a) == VrrpDiscard.None
                && a.Vrid == 60)
                heard = a;
        }
        Assert.NotNull(heard);
        Assert.Equal(100, heard.Value.Priority);
    }
}

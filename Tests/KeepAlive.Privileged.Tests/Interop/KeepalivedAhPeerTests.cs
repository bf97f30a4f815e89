using System.Diagnostics;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Wire.Vrrp;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>VRRPv2 with auth_type AH against a running keepalived 2.2.7, both directions.</summary>
[Collection("privileged")]
public sealed class KeepalivedAhPeerTests(ITestOutputHelper output) : IDisposable
{
    private VethNamespacePair? _pair;

    private VethNamespacePair Pair => _pair ??= new VethNamespacePair();

    public void Dispose() => _pair?.Dispose();

    private static string Config(string iface, int vrid, int priority, string password, string vip) => $$"""
        global_defs {
            router_id ka-ah-{{vrid}}
        }
        vrrp_instance AH {
            state BACKUP
            interface {{iface}}
            virtual_router_id {{vrid}}
            priority {{priority}}
            advert_int 1
            authentication {
                auth_type AH
                auth_pass {{password}}
            }
            virtual_ipaddress {
                {{vip}}/24
            }
        }
        """;

    private static byte[] Key(string password)
    {
        var key = new byte[8];
        VrrpAuthentication.IpsecAh(password).WriteKey(key);
        return key;
    }

    private static RawAhSocket Open(string iface)
    {
        Assert.True(RawAhSocket.Open(iface, multicast: true, out var socket).IsOk);
        return socket!;
    }

    [SkippableFact]
    public void Our_ah_layer_accepts_keepalived_ah_adverts_in_sequence()
    {
        Privilege.Require("ip", "keepalived");
        var pair = Pair;
        using var socket = pair.InB(() => Open(VethNamespacePair.InterfaceB));
        using var keepalived = new KeepalivedProcess(pair.A.Name, Config(VethNamespacePair.InterfaceA, 61, 150, "s3cr3t", "10.7.0.161"));

        var buffer = new byte[2048];
        uint last = 0;
        var sequences = new List<uint>();
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(10) && sequences.Count < 3)
        {
            if (!socket.TryReceive(buffer, TimeSpan.FromMilliseconds(500), out int n, out _))
                continue;
            var packet = buffer.AsSpan(0, n);
            var result = VrrpAh.Verify(packet, unicast: false, Key("s3cr3t"), last, out int offset, out uint seq);
            Assert.Equal(VrrpAhResult.Ok, result);
            var context = new VrrpReceiveContext(2, VethNamespacePair.IPv4A, VrrpConstants.MulticastGroupV4, packet[8],
                Authentication: VrrpAuthentication.IpsecAh("s3cr3t"), AhVerified: true);
            Assert.Equal(VrrpDiscard.None, VrrpCodec.TryDecode(packet[offset..], context, out var advert));
            Assert.Equal((61, 150), (advert.Vrid, advert.Priority));
            last = seq;
            sequences.Add(seq);
        }
        output.WriteLine(keepalived.ToString());
        Assert.Equal(3, sequences.Count);
        Assert.True(sequences.SequenceEqual(sequences.Order()) && sequences.Distinct().Count() == 3, string.Join(",", sequences));
    }

    [SkippableFact]
    public void A_keepalived_ah_backup_accepts_our_ah_adverts_and_takes_over_when_they_stop()
    {
        Privilege.Require("ip", "keepalived");
        var pair = Pair;
        using var socket = pair.InA(() => Open(VethNamespacePair.InterfaceA));
        using var keepalived = new KeepalivedProcess(pair.B.Name, Config(VethNamespacePair.InterfaceB, 62, 100, "ahpw", "10.7.0.162"));
        Assert.True(keepalived.WaitFor("Entering BACKUP STATE", TimeSpan.FromSeconds(10)), keepalived.ToString());

        var message = new byte[64];
        var spec = new VrrpAdvertSpec(2, 62, 200, 100, VrrpAuthentication.IpsecAh("ahpw"));
        Assert.True(VrrpCodec.TryEncode(message, spec, [10, 7, 0, 162], VethNamespacePair.IPv4A, VrrpConstants.MulticastGroupV4, out int length, out _));
        var packet = new byte[128];
        var sending = Stopwatch.StartNew();
        for (uint seq = 1; sending.Elapsed < TimeSpan.FromSeconds(8); seq++)
        {
            Assert.True(VrrpAh.TryBuild(packet, [10, 7, 0, 1], [224, 0, 0, 18], (ushort)seq, 255, unicast: false, Key("ahpw"), seq,
                message.AsSpan(0, length), out int n));
            var sent = socket.Send(packet.AsSpan(0, n));
            Assert.True(sent.IsOk, sent.ToString());
            Thread.Sleep(1000);
        }
        Assert.DoesNotContain(keepalived.Log, l => l.Contains("Entering MASTER STATE", StringComparison.Ordinal) || l.Contains("IPSEC", StringComparison.Ordinal));

        Assert.True(keepalived.WaitFor("(AH) Entering MASTER STATE", TimeSpan.FromSeconds(8)), keepalived.ToString());
        output.WriteLine(keepalived.ToString());
    }
}

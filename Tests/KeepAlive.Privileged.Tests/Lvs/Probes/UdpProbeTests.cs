using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// UDP_CHECK from namespace A against a UDP echo server in namespace B (10.7.0.2:7007) and a closed port: the reply
/// and its pattern decide with require_reply; silence passes without it and fails with it at connect_timeout; the
/// closed port fails at once (ICMP port unreachable), and so does an unreachable host (ICMP host unreachable, which
/// only IP_RECVERR reports).
/// </summary>
[Collection("privileged")]
public sealed class UdpProbeTests : SharedPairProbeTests
{
    public UdpProbeTests(VethPairFixture fixture, ITestOutputHelper output)
        : base(fixture, output, 7007)
    {
    }

    private static IHealthProbe Probe(IPAddress target, int port, string? payload = "c0ffee", bool requireReply = false, string? pattern = null,
        int min = 0, int max = 255, CheckerCommon? common = null)
    {
        var config = new UdpCheckConfig(common ?? ProbeLab.Common(target, port), payload, requireReply, pattern, min, max, default);
        var probe = UdpProbe.TryCreate(config, ProbeLab.Context(target, port), out var error);
        Assert.Null(error);
        return probe!;
    }

    private UdpResponder Echo(IPAddress at) => Serve(at, q => [q]);

    [SkippableFact]
    public async Task An_echo_that_matches_the_pattern_passes_and_one_that_does_not_fails()
    {
        Ready();
        using var server = Echo(VethNamespacePair.IPv4B);
        using (var match = Probe(VethNamespacePair.IPv4B, Port, requireReply: true, pattern: "c0 fx ee"))
        {
            var (result, took) = await Check(match);
            Assert.True(result.Result.Success, result.Result.Reason);
            Assert.True(took < TimeSpan.FromMilliseconds(1500));
        }
        using (var mismatch = Probe(VethNamespacePair.IPv4B, Port, requireReply: true, pattern: "c0ffef"))
        {
            var (result, _) = await Check(mismatch);
            Assert.False(result.Result.Success);
            Assert.Contains("mismatch", result.Result.Reason);
        }
        using (var tooLong = Probe(VethNamespacePair.IPv4B, Port, requireReply: true, pattern: "c0", max: 2))
            Assert.Contains("max_reply_length", (await Check(tooLong)).Result.Result.Reason);
        Assert.Equal(Convert.FromHexString("c0ffee"), server.Received.First().Data);
    }

    [SkippableFact]
    public async Task Without_a_payload_keepalived_filler_is_sent_and_any_reply_passes_require_reply()
    {
        Ready();
        using var server = Echo(VethNamespacePair.IPv4B);
        using var probe = Probe(VethNamespacePair.IPv4B, Port, payload: null, requireReply: true);
        Assert.True((await Check(probe)).Result.Result.Success);
        Assert.Equal("keepalived check - keepalived ch", System.Text.Encoding.ASCII.GetString(Assert.Single(server.Received).Data));
    }

    [SkippableFact]
    public async Task Silence_passes_at_the_timeout_without_require_reply_and_fails_with_it()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, _ => []);
        using (var lenient = Probe(VethNamespacePair.IPv4B, Port))
        {
            var (result, took) = await Check(lenient);
            Assert.True(result.Result.Success, result.Result.Reason);
            Assert.InRange(took, ProbeLab.Timeout - TimeSpan.FromMilliseconds(50), ProbeLab.Timeout + TimeSpan.FromMilliseconds(1500));
        }
        using var strict = Probe(VethNamespacePair.IPv4B, Port, requireReply: true);
        var (failed, tookStrict) = await Check(strict);
        Assert.False(failed.Result.Success);
        Assert.Contains("timed out", failed.Result.Reason);
        Assert.InRange(tookStrict, ProbeLab.Timeout - TimeSpan.FromMilliseconds(50), ProbeLab.Timeout + TimeSpan.FromMilliseconds(1500));
    }

    [SkippableFact]
    public async Task A_closed_port_fails_at_once_even_without_require_reply()
    {
        Ready();
        foreach (var target in new[] { VethNamespacePair.IPv4B, VethNamespacePair.IPv6B })
        {
            using var probe = Probe(target, Port + 1);
            await ExpectDown(probe, "refused", TimeSpan.FromMilliseconds(1500));
        }
    }

    [SkippableFact]
    public async Task Ipv6_echo_passes_and_bindto_sets_the_source()
    {
        Ready();
        using var server = Echo(VethNamespacePair.IPv6B);
        var common = ProbeLab.Common(VethNamespacePair.IPv6B, Port) with { BindTo = VethNamespacePair.IPv6A, BindPort = 41007, Fwmark = 9 };
        using var probe = Probe(VethNamespacePair.IPv6B, Port, requireReply: true, pattern: "c0ffee", common: common);
        Assert.True((await Check(probe)).Result.Result.Success);
        Assert.Equal(new IPEndPoint(VethNamespacePair.IPv6A, 41007), Assert.Single(server.Received).From);
    }

    [SkippableFact]
    public async Task A_bind_to_an_address_we_do_not_have_fails_saying_so()
    {
        Ready();
        var common = ProbeLab.Common(VethNamespacePair.IPv4B, Port) with { BindTo = IPAddress.Parse("10.7.0.99") };
        using var probe = Probe(VethNamespacePair.IPv4B, Port, common: common);
        await ExpectDown(probe, "bind to 10.7.0.99");
    }

    [SkippableFact]
    public async Task A_host_that_does_not_answer_arp_fails_on_the_icmp_host_unreachable_even_without_require_reply()
    {
        Ready();
        // No one has 10.7.0.77: after the failed ARP resolution (3 probes, 1 s apart) A's kernel reports host
        // unreachable, which a connected UDP socket sees only with IP_RECVERR, as keepalived sets it.
        var target = IPAddress.Parse("10.7.0.77");
        using var probe = Probe(target, Port, common: ProbeLab.Common(target, Port, TimeSpan.FromSeconds(6)));
        await ExpectDown(probe, "host unreachable", TimeSpan.FromSeconds(5.5));
    }

    [SkippableFact]
    public async Task The_fwmark_is_set_so_policy_routing_applies_and_bind_if_is_ignored_as_keepalived_does()
    {
        Ready();
        using var server = Echo(VethNamespacePair.IPv4B);
        var ns = Fixture.Pair.A.Name;
        ProbeLab.MakeMarkUnreachable(ns, 77);
        try
        {
            using var plain = Probe(VethNamespacePair.IPv4B, Port, requireReply: true,
                common: ProbeLab.Common(VethNamespacePair.IPv4B, Port) with { BindInterface = "ka-nosuch0" });
            Assert.True((await Check(plain)).Result.Result.Success);
            using var marked = Probe(VethNamespacePair.IPv4B, Port, requireReply: true,
                common: ProbeLab.Common(VethNamespacePair.IPv4B, Port) with { Fwmark = 77 });
            await ExpectDown(marked, "unreachable");
        }
        finally
        {
            ProbeLab.Ip("-n", ns, "rule", "del", "fwmark", "77", "table", "77");
        }
    }

    /// <summary>One check fails with a reason containing <paramref name="why"/> (case-insensitive), within <paramref name="within"/>.</summary>
    private async Task ExpectDown(IHealthProbe probe, string why, TimeSpan? within = null)
    {
        var (result, took) = await Check(probe);
        Assert.False(result.Result.Success);
        Assert.Contains(why, result.Result.Reason, StringComparison.OrdinalIgnoreCase);
        if (within is { } limit)
            Assert.True(took < limit, $"took {took}");
    }
}

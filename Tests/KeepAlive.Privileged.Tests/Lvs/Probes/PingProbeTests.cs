using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// PING_CHECK from namespace A to namespace B over a veth pair of this test's own: IPv4 and IPv6 targets answer; a
/// target whose address was removed, or whose interface went down, does not (the check fails at connect_timeout);
/// an address that is back answers again.
/// </summary>
[Collection("privileged")]
public sealed class PingProbeTests
{
    private readonly ITestOutputHelper _output;

    public PingProbeTests(ITestOutputHelper output) => _output = output;

    private static IHealthProbe Probe(IPAddress target, CheckerCommon? common = null)
    {
        var probe = PingProbe.TryCreate(new PingCheckConfig(common ?? ProbeLab.Common(target, 0), default), ProbeLab.Context(target, 0), out var error);
        Assert.Null(error);
        return probe!;
    }

    /// <summary>The probe passes, then B is changed by <c>ip -n B ARGS</c>, then one check fails: that one is returned.</summary>
    private async Task<(ProbeResult Result, TimeSpan Took)> UpThenDown(VethNamespacePair pair, IHealthProbe probe, params string[] changeInB)
    {
        Assert.True((await ProbeLab.CheckFromA(pair, probe, _output)).Result.Result.Success);
        ProbeLab.Ip(["-n", pair.B.Name, .. changeInB]);
        var down = await ProbeLab.CheckFromA(pair, probe, _output);
        Assert.False(down.Result.Result.Success);
        return down;
    }

    [SkippableFact]
    public async Task A_target_that_answers_passes_on_ipv4_and_ipv6_and_repeats()
    {
        Privilege.Require();
        using var pair = new VethNamespacePair();
        foreach (var target in new[] { VethNamespacePair.IPv4B, VethNamespacePair.IPv6B })
        {
            using var probe = Probe(target);
            for (int i = 0; i < 3; i++)
            {
                var (result, took) = await ProbeLab.CheckFromA(pair, probe, _output);
                Assert.True(result.Result.Success, result.Result.Reason);
                Assert.True(took < TimeSpan.FromMilliseconds(1500), $"took {took}");
            }
        }
        // A link-local target is reached through its bind_if (the config binder requires one).
        using var linkLocal = Probe(VethNamespacePair.LinkLocalB, ProbeLab.Common(VethNamespacePair.LinkLocalB, 0) with { BindInterface = VethNamespacePair.InterfaceA });
        Assert.True((await ProbeLab.CheckFromA(pair, linkLocal, _output)).Result.Result.Success);
    }

    [SkippableFact]
    public async Task A_removed_address_fails_at_the_timeout_and_passes_again_once_back()
    {
        Privilege.Require();
        using var pair = new VethNamespacePair();
        using var probe = Probe(VethNamespacePair.IPv4B);
        var (down, took) = await UpThenDown(pair, probe, "addr", "del", $"{VethNamespacePair.IPv4B}/24", "dev", VethNamespacePair.InterfaceB);
        Assert.Contains("no echo reply", down.Result.Reason);
        Assert.InRange(took, ProbeLab.Timeout - TimeSpan.FromMilliseconds(50), ProbeLab.Timeout + TimeSpan.FromMilliseconds(1500));
        ProbeLab.Ip("-n", pair.B.Name, "addr", "add", $"{VethNamespacePair.IPv4B}/24", "dev", VethNamespacePair.InterfaceB);
        Assert.True((await ProbeLab.CheckFromA(pair, probe, _output)).Result.Result.Success);
    }

    [SkippableFact]
    public async Task A_target_whose_interface_is_down_fails()
    {
        Privilege.Require();
        using var pair = new VethNamespacePair();
        using var probe = Probe(VethNamespacePair.IPv6B);
        var (_, took) = await UpThenDown(pair, probe, "link", "set", "dev", VethNamespacePair.InterfaceB, "down");
        Assert.True(took < ProbeLab.Timeout + TimeSpan.FromMilliseconds(1500), $"took {took}");
    }

    [SkippableFact]
    public async Task An_unreachable_network_fails_with_the_socket_error()
    {
        Privilege.Require();
        using var pair = new VethNamespacePair();
        using var probe = Probe(IPAddress.Parse("192.0.2.1"));
        var (result, _) = await ProbeLab.CheckFromA(pair, probe, _output);
        Assert.False(result.Result.Success);
        Assert.Contains("unreachable", result.Result.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task Bindto_fwmark_and_bind_if_are_ignored_as_keepalived_ping_does()
    {
        Privilege.Require();
        using var pair = new VethNamespacePair();
        // Marked packets would be unreachable, the bind address is not ours, the interface does not exist: keepalived's
        // ping uses none of them, so neither do we.
        ProbeLab.MakeMarkUnreachable(pair.A.Name, 77);
        using var probe = Probe(VethNamespacePair.IPv4B, ProbeLab.Common(VethNamespacePair.IPv4B, 0) with
        {
            Fwmark = 77,
            BindTo = IPAddress.Parse("10.7.0.99"),
            BindInterface = "ka-nosuch0",
        });
        Assert.True((await ProbeLab.CheckFromA(pair, probe, _output)).Result.Result.Success);
    }
}

using KeepAlive.Privileged.Tests.Lvs.Vm;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs;

/// <summary>
/// Our LinuxIpvsPort against the real IPVS of Debian's kernel, in the qemu VM (Lvs/Vm): ipvsadm command lines replayed
/// through our port must leave the kernel as ipvsadm leaves it — the golden ipvsadm transcript (golden/ipvs) and a
/// scenario of our own run by ipvsadm in the same VM — and what our port reads back must print as ipvsadm prints it.
/// One VM boot serves every test of the class.
/// </summary>
[Collection("privileged")]
public sealed class IpvsVmTests(IpvsVmRun vm, ITestOutputHelper output) : IClassFixture<IpvsVmRun>
{
    [SkippableFact]
    public void The_golden_ipvsadm_transcript_replayed_through_our_port_lists_what_ipvsadm_listed()
    {
        var run = vm.Require();
        output.WriteLine(run.Timings);
        var ours = run.Golden;
        var golden = GoldenIpvsadm.Transcript();
        Assert.Equal(golden.Select(g => g.Command), ours.Select(b => b.Command));
        foreach (var (expected, block) in golden.Zip(ours))
        {
            if (block.IsListing)
            {
                Assert.True(block.IpvsadmExit == 0, $"ipvsadm {block.Command} exited {block.IpvsadmExit}");
                AssertSameLines(expected.Output, block.IpvsadmOutput, $"ipvsadm {block.Command} after our changes vs golden/ipvs/{expected.Name}");
            }
            else if (expected.Exit == 0)
            {
                Assert.True(block.Ours == "ok", $"ipvsadm {block.Command} succeeded (golden/ipvs/{expected.Name}); ours: {block.Ours}");
            }
            else
            {
                // ipvsadm prints the kernel's refusal in its own words; ours carries the same words after what we did.
                Assert.EndsWith(": " + Assert.Single(expected.Output), block.Ours);
            }
        }
    }

    [SkippableFact]
    public void Every_table_our_port_reads_back_prints_as_ipvsadm_prints_it()
    {
        var run = vm.Require();
        var listings = run.Golden.Concat(run.Ours).Where(b => b.IsListing).ToList();
        Assert.True(listings.Count >= 8, $"only {listings.Count} listings");
        foreach (var block in listings)
        {
            Assert.True(block.Ours == "ok", $"ours {block.Command}: {block.Ours}");
            AssertSameLines(block.IpvsadmOutput, block.OursOutput, $"ipvsadm {block.Command} vs ours");
        }
    }

    [SkippableFact]
    public void Nat_dr_tun_tcp_udp_sctp_fwmark_ipv4_ipv6_persistence_flags_and_timeouts_through_our_port_leave_the_kernel_as_ipvsadm_does()
    {
        var run = vm.Require();
        Assert.Equal(IpvsVmRun.Scenario.Where(IsCommand), run.Ours.Select(b => b.Command));
        Assert.Equal(IpvsVmRun.Scenario.Where(IsCommand), run.Reference.Select(b => b.Command));
        foreach (var (ours, reference) in run.Ours.Zip(run.Reference))
        {
            Assert.True(reference.IpvsadmExit == 0, $"the scenario must be valid: ipvsadm {reference.Command} exited {reference.IpvsadmExit}: {string.Join('\n', reference.IpvsadmOutput)}");
            if (ours.IsListing)
                AssertSameLines(reference.IpvsadmOutput, ours.IpvsadmOutput, $"ipvsadm {ours.Command} after ipvsadm's changes vs after ours");
            else
                Assert.True(ours.Ours == "ok", $"ours {ours.Command}: {ours.Ours}");
        }
        // The scenario reaches what it claims: the table at its fullest has every forwarding method and family.
        var fullest = run.Ours.First(b => b.Command == "-Ln").IpvsadmOutput;
        foreach (var expected in new[] { "Masq", "Route", "Tunnel", "SCTP ", "UDP ", "FWM  8 IPv6 sed", "persistent 120 mask 64", "(mh-fallback,mh-port)", "(flag-3)" })
            Assert.Contains(fullest, line => line.Contains(expected, StringComparison.Ordinal));
        Assert.Contains(run.Ours.First(b => b.Command == "-Ln --tun-info").IpvsadmOutput, line => line.Contains("gue:6081:-c", StringComparison.Ordinal));
        Assert.Contains(run.Ours.First(b => b.Command == "-Ln --thresholds").IpvsadmOutput, line => line.Contains("10.1.2.9:0                   50         5 ", StringComparison.Ordinal));
        Assert.Contains("Timeout (tcp tcpfin udp): 1000 60 200", run.Ours.Single(b => b.Command == "-L --timeout").IpvsadmOutput);
    }

    /// <summary>Equal tables, or the first line that differs, whole and with its number.</summary>
    private static void AssertSameLines(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string what)
    {
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            string? want = i < expected.Count ? expected[i] : null;
            string? got = i < actual.Count ? actual[i] : null;
            Assert.True(want == got, $"{what}: line {i + 1} differs\nexpected: [{want}]\nactual:   [{got}]\nwhole expected:\n{string.Join('\n', expected)}\nwhole actual:\n{string.Join('\n', actual)}");
        }
    }

    private static bool IsCommand(string line) => line.Length > 0 && !line.StartsWith('#');
}

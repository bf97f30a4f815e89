using KeepAlive.Actors.Lvs.Probes;
using NetArchTest.Rules;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>The probes' rules (codecs, matching, exit and weight mapping, targets) are pure: the I/O lives in the
/// probes themselves (SocketProbe and its kinds, MiscProbe, FileProbe, ProbeSocket, ProbeDeadline).</summary>
public class ProbeRulesPurityTests
{
    [Fact]
    public void The_probe_rules_reference_no_akka_io_clock_threads_randomness_or_sockets()
    {
        var rules = new[] { typeof(DnsQuery), typeof(IcmpEcho), typeof(UdpReplyRule), typeof(MiscExitPolicy), typeof(FileCheckPolicy), typeof(ProbeTarget) };
        var names = rules.Select(t => t.FullName!).ToArray();
        var types = Types.InAssembly(typeof(DnsQuery).Assembly).That().HaveName(rules.Select(t => t.Name).First());
        foreach (var rule in rules.Skip(1))
            types = types.Or().HaveName(rule.Name);
        Assert.Equal(names.Order(), types.GetTypes().Select(t => t.FullName!).Where(names.Contains).Order());
        var result = types.ShouldNot().HaveDependencyOnAny(
            "Akka", "System.IO", "System.Threading", "System.Diagnostics.Stopwatch", "System.DateTime", "System.DateTimeOffset",
            "System.TimeProvider", "System.Random", "System.Security.Cryptography", "System.Environment", "System.Net.Sockets.Socket").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}

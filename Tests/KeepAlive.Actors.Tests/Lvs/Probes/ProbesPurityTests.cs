using KeepAlive.Actors.Lvs.Probes;
using NetArchTest.Rules;

namespace KeepAlive.Actors.Tests.Lvs.Probes;

/// <summary>The probes' parsing and decisions are pure: the I/O lives in the connector, exchange and probe classes.</summary>
public class ProbesPurityTests
{
    [Fact]
    public void The_probe_parsers_and_verdicts_do_no_io_and_read_no_clock()
    {
        Type[] pure = [typeof(HttpResponseHead), typeof(HttpDigest), typeof(HttpCheckTarget), typeof(HttpUrlVerdict), typeof(SmtpReply), typeof(ProbeEndpoint)];
        var selected = Types.InAssembly(typeof(HttpDigest).Assembly).That().ResideInNamespace("KeepAlive.Actors.Lvs.Probes")
            .And().HaveNameMatching("^(" + string.Join('|', pure.Select(t => t.Name)) + ")$");
        Assert.Equal(pure.Length, selected.GetTypes().Count());
        var result = selected.ShouldNot().HaveDependencyOnAny("Akka", "System.IO", "System.Threading.Tasks", "System.Net.Sockets.Socket", "System.Net.Security",
                "System.DateTime", "System.TimeProvider", "System.Diagnostics.Stopwatch", "System.Random", "System.Environment").GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
